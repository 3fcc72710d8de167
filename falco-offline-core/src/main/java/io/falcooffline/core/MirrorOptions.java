package io.falcooffline.core;

import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.oci.registry.RegistryAccess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How {@link Mirror#run} copies the artifacts of a plan: to the internal registry ({@link MirrorMode#PUSH}), to an
 * offline bundle ({@link MirrorMode#BUNDLE}) or not at all ({@link MirrorMode#NONE}, the default), from which
 * sources, for which platforms, and how to reach the registries. Immutable; build one with {@link #builder()}.
 */
public final class MirrorOptions extends RegistryConnection {

    /** The bundle directory's name under the output directory when none is set. */
    public static final String DEFAULT_BUNDLE_NAME = "bundle";

    /** The lock file's name under the output directory when none is set. */
    public static final String DEFAULT_LOCK_FILE_NAME = "falco-offline.lock.json";

    private static final Pattern MIRROR = Pattern.compile("[A-Za-z0-9.\\[\\]:-]+(?:/[a-z0-9._/-]+)?");

    private final MirrorMode mode;
    private final Path bundle;
    private final boolean bundleAsTar;
    private final List<Platform> platforms;
    private final Map<String, String> registryMirrors;
    private final boolean copySignatures;
    private final Path lockFile;

    private MirrorOptions(Builder builder, RegistryAccess access) {
        super(access);
        this.mode = builder.mode;
        this.bundle = builder.bundle;
        this.bundleAsTar = builder.bundleAsTar;
        this.platforms = List.copyOf(builder.platforms);
        this.registryMirrors = Map.copyOf(builder.registryMirrors);
        this.copySignatures = builder.copySignatures;
        this.lockFile = builder.lockFile;
    }

    /** A builder with the defaults: mirroring off, every platform, signatures copied. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options that copy nothing. */
    public static MirrorOptions none() {
        return builder().build();
    }

    /** A builder holding these options, to derive changed ones. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.mode = mode;
        builder.bundle = bundle;
        builder.bundleAsTar = bundleAsTar;
        builder.platforms.addAll(platforms);
        builder.registryMirrors.putAll(registryMirrors);
        builder.access = access().toBuilder();
        builder.copySignatures = copySignatures;
        builder.lockFile = lockFile;
        return builder;
    }

    /**
     * These options with the bundle ({@code <outputDirectory>/bundle}) and lock file
     * ({@code <outputDirectory>/falco-offline.lock.json}) filled in where they are not set.
     */
    public MirrorOptions withDefaults(Path outputDirectory) {
        Builder builder = toBuilder();
        if (bundle == null) {
            builder.bundle(outputDirectory.resolve(DEFAULT_BUNDLE_NAME));
        }
        if (lockFile == null) {
            builder.lockFile(outputDirectory.resolve(DEFAULT_LOCK_FILE_NAME));
        }
        return builder.build();
    }

    /** Where artifacts go. */
    public MirrorMode mode() {
        return mode;
    }

    /** The bundle directory (an OCI image layout) written in {@link MirrorMode#BUNDLE} mode. */
    public Optional<Path> bundle() {
        return Optional.ofNullable(bundle);
    }

    /** Whether the bundle is also packed into one {@code <bundle>.tar} beside the directory. */
    public boolean bundleAsTar() {
        return bundleAsTar;
    }

    /**
     * The platforms to keep of multi-platform images and plugin indexes; empty keeps all and copies every index
     * byte for byte.
     */
    public List<Platform> platforms() {
        return platforms;
    }

    /**
     * Where to fetch from instead of an upstream registry: keys are upstream registries ({@code docker.io},
     * {@code ghcr.io}), values are {@code host[:port][/path]} of a mirror that serves the same repositories under
     * that path.
     */
    public Map<String, String> registryMirrors() {
        return registryMirrors;
    }

    /** Whether cosign signatures ({@code sha256-<digest>.sig} and the like) are copied along when present. */
    public boolean copySignatures() {
        return copySignatures;
    }

    /**
     * The lock file: read when it exists to fetch every source at its locked digest, and written after a successful
     * run.
     */
    public Optional<Path> lockFile() {
        return Optional.ofNullable(lockFile);
    }

    @Override
    public String toString() {
        return "MirrorOptions[mode=" + mode + ", bundle=" + bundle + ", bundleAsTar=" + bundleAsTar + ", platforms="
                + platforms + ", registryMirrors=" + registryMirrors + ", insecureRegistries="
                + access().insecureRegistries() + ", credentialHosts="
                + access().credentials().keySet() + ", copySignatures="
                + copySignatures + ", parallelism=" + access().parallelism() + ", lockFile=" + lockFile + "]";
    }

    /** Builds {@link MirrorOptions}; {@link #build()} checks them. */
    public static final class Builder extends RegistryConnection.Builder<Builder> {
        private MirrorMode mode = MirrorMode.NONE;
        private Path bundle;
        private boolean bundleAsTar;
        private final List<Platform> platforms = new ArrayList<>();
        private final Map<String, String> registryMirrors = new LinkedHashMap<>();
        private boolean copySignatures = true;
        private Path lockFile;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /** Sets {@link MirrorOptions#mode()}. */
        public Builder mode(MirrorMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Sets {@link MirrorOptions#bundle()}; null for {@code <outputDirectory>/bundle}. */
        public Builder bundle(Path bundle) {
            this.bundle = bundle;
            return this;
        }

        /** Sets {@link MirrorOptions#bundleAsTar()}. */
        public Builder bundleAsTar(boolean bundleAsTar) {
            this.bundleAsTar = bundleAsTar;
            return this;
        }

        /** Sets {@link MirrorOptions#platforms()}; empty keeps every platform. */
        public Builder platforms(Collection<Platform> platforms) {
            this.platforms.clear();
            this.platforms.addAll(platforms);
            return this;
        }

        /** Sets {@link MirrorOptions#registryMirrors()}, replacing any set before. */
        public Builder registryMirrors(Map<String, String> mirrors) {
            this.registryMirrors.clear();
            mirrors.forEach(this::registryMirror);
            return this;
        }

        /**
         * Adds one of {@link MirrorOptions#registryMirrors()}: {@code registry} ({@code docker.io}) is read from {@code
         * mirror} ({@code host[:port][/path]}).
         */
        public Builder registryMirror(String registry, String mirror) {
            RegistryParameters.requireNoCredentials("registryMirrors", registry);
            RegistryParameters.requireNoCredentials("registryMirrors", mirror);
            this.registryMirrors.put(RegistryAccess.hostKey(registry), stripSlashes(mirror.strip()));
            return this;
        }

        /** Sets {@link MirrorOptions#copySignatures()}. */
        public Builder copySignatures(boolean copySignatures) {
            this.copySignatures = copySignatures;
            return this;
        }

        /** Sets {@link MirrorOptions#lockFile()}; null for {@code <outputDirectory>/falco-offline.lock.json}. */
        public Builder lockFile(Path lockFile) {
            this.lockFile = lockFile;
            return this;
        }

        /**
         * Checks the settings and freezes them.
         *
         * @throws InvalidRequestException naming the first malformed parameter
         */
        public MirrorOptions build() {
            registryMirrors.forEach((registry, mirror) -> {
                if (!MIRROR.matcher(mirror).matches() || mirror.contains("://")) {
                    throw new InvalidRequestException(
                            "registryMirrors",
                            "The mirror of " + registry + " must be host[:port][/path] without scheme, got '" + mirror
                                    + "'.");
                }
                int slash = mirror.indexOf('/');
                RegistryParameters.requireValidPort("registryMirrors", slash < 0 ? mirror : mirror.substring(0, slash));
            });
            if (bundleAsTar && bundle != null && bundle.getFileName().toString().endsWith(".tar")) {
                throw new InvalidRequestException(
                        "bundle",
                        "`bundle` names the bundle directory; with `bundleAsTar` the archive is written beside it as "
                                + bundle.getFileName() + ".tar, so drop the .tar suffix from " + bundle + ".");
            }
            return new MirrorOptions(this, access.build());
        }

        private static String stripSlashes(String text) {
            String result = text;
            while (result.endsWith("/")) {
                result = result.substring(0, result.length() - 1);
            }
            return result;
        }
    }
}
