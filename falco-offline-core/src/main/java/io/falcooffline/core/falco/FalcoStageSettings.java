package io.falcooffline.core.falco;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.InvalidRequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings of the {@code falco} stage, made from the public {@link io.falcooffline.core.FalcoOptions} and the
 * parts of the request the stage also needs (the registry's CA file and login Secret).
 *
 * @param delivery how Falco gets its plugins and rules
 * @param artifacts the {@code artifacts} parameter
 * @param falcoctlIndex the {@code falcoctlIndex} parameter: an index file or URL
 * @param caFile the internal registry's CA certificate (PEM), given to falcoctl through a ConfigMap of the chart
 * @param registrySecret the name of an existing {@code kubernetes.io/dockerconfigjson} Secret falcoctl logs in with
 * @param indexCache where fetched indexes are cached; empty for no cache
 */
public record FalcoStageSettings(
        Delivery delivery,
        ArtifactPins artifacts,
        Optional<String> falcoctlIndex,
        Optional<Path> caFile,
        Optional<String> registrySecret,
        Optional<Path> indexCache) {

    /** Kubernetes object names (RFC 1123 subdomain). */
    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private static final long MAX_CA_BYTES = 1024 * 1024;

    public FalcoStageSettings {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(artifacts, "artifacts");
        Objects.requireNonNull(falcoctlIndex, "falcoctlIndex");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(registrySecret, "registrySecret");
        Objects.requireNonNull(indexCache, "indexCache");
        registrySecret.ifPresent(name -> {
            if (!SECRET_NAME.matcher(name).matches()) {
                throw new InvalidRequestException(
                        "registrySecret",
                        "`registrySecret` '" + name
                                + "' is not a Kubernetes Secret name: use lower-case letters, digits, '-' and"
                                + " '.', e.g. harbor-pull.");
            }
        });
        caFile.ifPresent(file -> {
            try {
                if (!Files.isRegularFile(file) || Files.size(file) > MAX_CA_BYTES) {
                    throw new InvalidRequestException(
                            "caFile", "CA file " + file + " does not exist or is larger than 1 MiB: fix `caFile`.");
                }
            } catch (java.io.IOException e) {
                throw new InvalidRequestException("caFile", "Cannot read CA file " + file + ": " + e.getMessage());
            }
        });
    }

    /** {@code delivery=registry}, nothing pinned, no index, CA or secret given. */
    public static FalcoStageSettings defaults() {
        return new FalcoStageSettings(
                Delivery.REGISTRY,
                ArtifactPins.none(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    public FalcoStageSettings withDelivery(Delivery newDelivery) {
        return new FalcoStageSettings(newDelivery, artifacts, falcoctlIndex, caFile, registrySecret, indexCache);
    }

    public FalcoStageSettings withArtifacts(ArtifactPins newArtifacts) {
        return new FalcoStageSettings(delivery, newArtifacts, falcoctlIndex, caFile, registrySecret, indexCache);
    }

    public FalcoStageSettings withFalcoctlIndex(String index) {
        return new FalcoStageSettings(
                delivery,
                artifacts,
                Optional.ofNullable(index).filter(s -> !s.isBlank()),
                caFile,
                registrySecret,
                indexCache);
    }

    public FalcoStageSettings withCaFile(Path file) {
        return new FalcoStageSettings(
                delivery, artifacts, falcoctlIndex, Optional.ofNullable(file), registrySecret, indexCache);
    }

    public FalcoStageSettings withRegistrySecret(String secret) {
        return new FalcoStageSettings(
                delivery,
                artifacts,
                falcoctlIndex,
                caFile,
                Optional.ofNullable(secret).filter(s -> !s.isBlank()),
                indexCache);
    }

    public FalcoStageSettings withIndexCache(Path directory) {
        return new FalcoStageSettings(
                delivery, artifacts, falcoctlIndex, caFile, registrySecret, Optional.ofNullable(directory));
    }
}
