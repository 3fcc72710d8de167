package io.falcooffline.core;

import io.falcooffline.core.falco.ArtifactPins;
import io.falcooffline.core.falco.DriverOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How Falco gets what it loads on an air-gapped node: plugins and rules from the internal registry or baked into a
 * derived image, the falcoctl artifacts pinned or added, the index their short names resolve through, and the
 * prebuilt syscall drivers baked into the driver-loader image. Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * FalcoOptions.builder()
 *         .delivery(Delivery.BAKED)
 *         .artifacts(List.of("k8saudit:0.16.1", "k8saudit-rules:0.16.1"))
 *         .driverKernels(List.of("ubuntu-generic:5.4.0-150-generic:167"))
 *         .build();
 * }</pre>
 */
public final class FalcoOptions {

    private static final FalcoOptions DEFAULTS = builder().build();

    private final Delivery delivery;
    private final List<String> artifacts;
    private final ArtifactPins artifactPins;
    private final String falcoctlIndex;
    private final Path falcoctlIndexCache;
    private final Path bakeBuildContext;
    private final List<String> driverKernels;
    private final DriverOptions driverOptions;

    private FalcoOptions(Builder builder, ArtifactPins artifactPins, DriverOptions driverOptions) {
        this.delivery = builder.delivery;
        this.artifacts = List.copyOf(builder.artifacts);
        this.artifactPins = artifactPins;
        this.falcoctlIndex = builder.falcoctlIndex;
        this.falcoctlIndexCache = builder.falcoctlIndexCache;
        this.bakeBuildContext = builder.bakeBuildContext;
        this.driverKernels = List.copyOf(builder.driverKernels);
        this.driverOptions = driverOptions;
    }

    /**
     * A builder with the defaults: {@link Delivery#REGISTRY}, nothing pinned, the built-in index, no kernels.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The options a request has when none are set.
     *
     * @return {@code delivery=registry}, nothing pinned, no index, no kernels
     */
    public static FalcoOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder holding these options, to derive changed ones.
     *
     * @return a new builder with these settings
     */
    public Builder toBuilder() {
        return new Builder()
                .delivery(delivery)
                .artifacts(artifacts)
                .falcoctlIndex(falcoctlIndex)
                .falcoctlIndexCache(falcoctlIndexCache)
                .bakeBuildContext(bakeBuildContext)
                .driverKernels(driverKernels)
                .driverRepository(
                        driverRepository().toString().equals(DriverOptions.DEFAULT_REPOSITORY)
                                ? null
                                : driverRepository().toString());
    }

    /**
     * How Falco gets its plugins and rules on the node.
     *
     * @return {@link Delivery#REGISTRY} unless set
     */
    public Delivery delivery() {
        return delivery;
    }

    /**
     * The falcoctl artifacts to pin or add, each {@code name[:version]}; a name without version gets the newest
     * version compatible with the chart's Falco.
     *
     * @return the entries in the order given; empty for none
     */
    public List<String> artifacts() {
        return artifacts;
    }

    /**
     * The falcoctl index (a file or an {@code http(s)://} URL) short names resolve through at build time.
     *
     * @return the index, or empty for the built-in one
     */
    public Optional<String> falcoctlIndex() {
        return Optional.ofNullable(falcoctlIndex);
    }

    /**
     * Where fetched falcoctl indexes are kept for builds that cannot reach them.
     *
     * @return the cache directory, or empty for none
     */
    public Optional<Path> falcoctlIndexCache() {
        return Optional.ofNullable(falcoctlIndexCache);
    }

    /**
     * With {@link Delivery#BAKED}: where a Dockerfile build context with the baked image's files is written.
     *
     * @return the directory, or empty to write none
     */
    public Optional<Path> bakeBuildContext() {
        return Optional.ofNullable(bakeBuildContext);
    }

    /**
     * The nodes' kernels whose prebuilt drivers the driver-loader image gets, each
     * {@code target:release:version[:arch]} as falcoctl names them.
     *
     * @return the entries in the order given; empty for none
     */
    public List<String> driverKernels() {
        return driverKernels;
    }

    /**
     * Where prebuilt drivers are read at build time, in falcoctl's layout.
     *
     * @return the repository's base URL without a trailing slash; {@value DriverOptions#DEFAULT_REPOSITORY} unless
     *     set
     */
    public URI driverRepository() {
        return driverOptions.repository();
    }

    ArtifactPins artifactPins() {
        return artifactPins;
    }

    DriverOptions driverOptions() {
        return driverOptions;
    }

    @Override
    public String toString() {
        return "FalcoOptions[delivery=" + delivery.parameterValue() + ", artifacts=" + artifacts + ", falcoctlIndex="
                + falcoctlIndex + ", falcoctlIndexCache=" + falcoctlIndexCache + ", bakeBuildContext="
                + bakeBuildContext + ", driverKernels=" + driverKernels + ", driverRepository=" + driverRepository()
                + "]";
    }

    /** Builds {@link FalcoOptions}; {@link #build()} checks them. */
    public static final class Builder {
        private Delivery delivery = Delivery.REGISTRY;
        private final List<String> artifacts = new ArrayList<>();
        private String falcoctlIndex;
        private Path falcoctlIndexCache;
        private Path bakeBuildContext;
        private final List<String> driverKernels = new ArrayList<>();
        private String driverRepository;

        private Builder() {}

        /**
         * Sets how Falco gets its plugins and rules.
         *
         * @param delivery {@link Delivery#REGISTRY} (the default) or {@link Delivery#BAKED}
         * @return this builder
         */
        public Builder delivery(Delivery delivery) {
            this.delivery = Objects.requireNonNull(delivery, "delivery");
            return this;
        }

        /**
         * Sets the falcoctl artifacts to pin or add.
         *
         * @param artifacts entries {@code name[:version]}, e.g. {@code k8saudit:0.16.1}, {@code json}
         * @return this builder
         */
        public Builder artifacts(Collection<String> artifacts) {
            this.artifacts.clear();
            this.artifacts.addAll(artifacts);
            return this;
        }

        /**
         * Sets the falcoctl index that short names resolve through at build time.
         *
         * @param falcoctlIndex an index file or {@code http(s)://} URL; null or blank for the built-in index
         * @return this builder
         */
        public Builder falcoctlIndex(String falcoctlIndex) {
            this.falcoctlIndex = falcoctlIndex == null || falcoctlIndex.isBlank() ? null : falcoctlIndex.strip();
            return this;
        }

        /**
         * Sets where fetched falcoctl indexes are kept for builds that cannot reach them.
         *
         * @param falcoctlIndexCache a directory, or null for no cache
         * @return this builder
         */
        public Builder falcoctlIndexCache(Path falcoctlIndexCache) {
            this.falcoctlIndexCache = falcoctlIndexCache;
            return this;
        }

        /**
         * With {@link Delivery#BAKED}: also write a Dockerfile build context with the same files as the baked image
         * ({@code plugins/<os>-<arch>/}, {@code rules/}, {@code config.d/}, {@code Dockerfile}), for teams that build
         * images with their own tooling. A directory falco-offline did not write is not replaced.
         *
         * @param directory where to write it, or null for none
         * @return this builder
         */
        public Builder bakeBuildContext(Path directory) {
            this.bakeBuildContext = directory;
            return this;
        }

        /**
         * Sets the kernels of the nodes that lack modern eBPF, as falcoctl names them ({@code falcoctl driver
         * printenv} prints TARGET_ID, FIXED_KERNEL_RELEASE and FIXED_KERNEL_VERSION): their prebuilt drivers are read
         * from the {@link #driverRepository(String) driver repository} and baked into the driver-loader image.
         *
         * @param kernels entries {@code target:release:version[:arch]}, e.g.
         *     {@code ubuntu-generic:5.4.0-150-generic:167}
         * @return this builder
         */
        public Builder driverKernels(Collection<String> kernels) {
            this.driverKernels.clear();
            this.driverKernels.addAll(kernels);
            return this;
        }

        /**
         * Sets where prebuilt drivers are read at build time.
         *
         * @param driverRepository the {@code http(s)} base URL of a repository in falcoctl's layout; null or blank
         *     for {@value DriverOptions#DEFAULT_REPOSITORY}
         * @return this builder
         */
        public Builder driverRepository(String driverRepository) {
            this.driverRepository = driverRepository;
            return this;
        }

        /**
         * Checks the settings and freezes them.
         *
         * @return the options
         * @throws InvalidRequestException naming the parameter at fault ({@code artifacts}, {@code driverKernels},
         *     {@code driverRepository} or {@code bakeBuildContext})
         */
        public FalcoOptions build() {
            requireOneEntryEach(ArtifactPins.PARAMETER, artifacts, ",", "k8saudit:0.16.1");
            requireOneEntryEach("driverKernels", driverKernels, "[,;\\s]", "ubuntu-generic:5.4.0-150-generic:167");
            if (bakeBuildContext != null && delivery != Delivery.BAKED) {
                throw new InvalidRequestException(
                        "bakeBuildContext",
                        "`bakeBuildContext` writes the files of the baked Falco image, which only delivery=baked"
                                + " builds: set `delivery` to baked, or leave `bakeBuildContext` out.");
            }
            ArtifactPins pins = ArtifactPins.parse(String.join(",", artifacts));
            DriverOptions drivers = DriverOptions.parse(String.join(",", driverKernels), driverRepository);
            return new FalcoOptions(this, pins, drivers);
        }

        /** An entry holding a separator would be read as several; each must be one {@code example}-like entry. */
        private static void requireOneEntryEach(
                String parameter, List<String> entries, String separator, String example) {
            for (String entry : entries) {
                if (entry == null || entry.isBlank() || entry.strip().matches(".*" + separator + ".*")) {
                    throw new InvalidRequestException(
                            parameter,
                            "`" + parameter + "` takes one entry per element, e.g. " + example + ", got "
                                    + (entry == null ? "null" : "'" + entry + "'") + ".");
                }
            }
        }
    }
}
