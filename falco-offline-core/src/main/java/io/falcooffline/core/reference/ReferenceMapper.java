package io.falcooffline.core.reference;

import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ReferenceConflictException;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.TargetMapping;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where each source reference lives on the internal registry. Tags and digests are kept; only registry and
 * repository change.
 */
public final class ReferenceMapper implements TargetMapping {

    private final String registry;
    private final String repositoryPrefix;
    private final RepositoryLayout layout;
    private final ReferenceConventions conventions;
    private final Map<String, OciReference> overridesByName = new LinkedHashMap<>();
    private final Map<String, OciReference> overridesByReference = new LinkedHashMap<>();
    private final Map<String, String> sourceByTargetRepository = new HashMap<>();

    /**
     * @param registry the internal registry, canonical {@code host[:port]} (see {@link OciReference#canonicalRegistry})
     * @param repositoryPrefix path segments before every target repository, or empty
     * @param layout how source repository paths become target paths
     * @param overrides explicit targets by source: a key with a tag or digest matches only that reference, a key
     *     without matches the repository at any tag
     * @param conventions names the repositories a chart's convention knows when flattening (falcoctl's index
     *     names {@code plugins/plugin/k8saudit} and {@code plugins/ruleset/k8saudit} {@code k8saudit} and
     *     {@code k8saudit-rules}); others take their last path segment
     */
    public ReferenceMapper(
            String registry,
            String repositoryPrefix,
            RepositoryLayout layout,
            Map<String, String> overrides,
            ReferenceConventions conventions) {
        this.conventions = conventions;
        this.registry = registry;
        this.repositoryPrefix = repositoryPrefix;
        this.layout = layout;
        overrides.forEach((source, target) -> {
            OciReference parsedSource = parseOverride(source, "source", source);
            OciReference parsedTarget = parseOverride(target, "target", source);
            if (parsedSource.tag() == null && parsedSource.digest() == null) {
                overridesByName.put(parsedSource.name(), parsedTarget);
            } else {
                overridesByReference.put(parsedSource.toString(), parsedTarget);
            }
        });
    }

    /** Whether a reference already points at the internal registry. */
    public boolean isInternal(OciReference reference) {
        return reference.registry().equals(registry);
    }

    /**
     * The target of a source reference. A source already on the internal registry is its own target.
     *
     * @throws ReferenceConflictException when another source repository already maps to the same target repository
     */
    @Override
    public OciReference targetOf(OciReference source) {
        return map(source);
    }

    public OciReference map(OciReference source) {
        if (isInternal(source)) {
            return source;
        }
        OciReference target = override(source).orElseGet(() -> source.withName(registry, targetRepository(source)));
        String previous = sourceByTargetRepository.putIfAbsent(target.name(), source.name());
        if (previous != null && !previous.equals(source.name())) {
            throw new ReferenceConflictException("Both " + previous + " and " + source.name() + " would be mirrored to "
                    + target.name() + ". Give one of them its own target with an override (source=target), or use the"
                    + " 'keep' repository layout so that repository paths stay distinct.");
        }
        return target;
    }

    private Optional<OciReference> override(OciReference source) {
        OciReference exact = overridesByReference.get(source.toString());
        if (exact != null) {
            return Optional.of(exact);
        }
        OciReference byName = overridesByName.get(source.name());
        if (byName == null) {
            return Optional.empty();
        }
        return Optional.of(
                byName.tag() == null && byName.digest() == null ? byName.withTagAndDigestOf(source) : byName);
    }

    private String targetRepository(OciReference source) {
        String path = layout == RepositoryLayout.FLATTEN ? flatName(source) : source.repository();
        return repositoryPrefix.isEmpty() ? path : repositoryPrefix + "/" + path;
    }

    private String flatName(OciReference source) {
        return conventions.flatName(source).orElse(source.lastSegment());
    }

    private static OciReference parseOverride(String text, String side, String key) {
        try {
            return OciReference.parse(text);
        } catch (InvalidReferenceException e) {
            throw new InvalidRequestException(
                    "overrides", "The override for '" + key + "' has an invalid " + side + ": " + e.getMessage());
        }
    }
}
