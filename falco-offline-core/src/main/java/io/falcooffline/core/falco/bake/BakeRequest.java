package io.falcooffline.core.falco.bake;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link FalcoImageBaker#bake} builds: the base Falco image, the falcoctl artifacts whose files go into the one
 * added layer, the platforms, and where the derived image is read from and written to. Immutable; build one with
 * {@link #builder()}.
 */
public final class BakeRequest {

    /** Where falcoctl-installed rules land in the Falco container when {@code rules_files} names no other path. */
    public static final String DEFAULT_RULES_DIRECTORY = "/etc/falco";

    private static final int MAX_ARTIFACTS = 256;
    private static final int MAX_PLATFORMS = 16;

    private final OciReference baseImage;
    private final List<OciReference> artifacts;
    private final List<String> rulesFiles;
    private final boolean overrideContainerPluginConfig;
    private final List<Platform> platforms;
    private final BakeStore source;
    private final BakeStore target;
    private final OciReference targetImage;
    private final Instant created;
    private final Path buildContext;
    private final Path workDirectory;

    private BakeRequest(Builder builder) {
        this.baseImage = builder.baseImage;
        this.artifacts = List.copyOf(new LinkedHashSet<>(builder.artifacts));
        this.rulesFiles = List.copyOf(builder.rulesFiles);
        this.overrideContainerPluginConfig = builder.overrideContainerPluginConfig;
        this.platforms = List.copyOf(new LinkedHashSet<>(builder.platforms));
        this.source = builder.source;
        this.target = builder.target;
        this.targetImage = builder.targetImage;
        this.created = builder.created;
        this.buildContext = builder.buildContext;
        this.workDirectory = builder.workDirectory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Falco image the derived one starts from, as mirrored (a tag or a digest in {@link #source()}). */
    public OciReference baseImage() {
        return baseImage;
    }

    /** The falcoctl plugin and rulesfile references to bake, each told apart by its layer media type. */
    public List<OciReference> artifacts() {
        return artifacts;
    }

    /** The values' {@code falco.rules_files}: a rules file whose name one of these paths ends with goes there. */
    public List<String> rulesFiles() {
        return rulesFiles;
    }

    /** Whether {@code /etc/falco/config.d/falco.container_plugin.yaml} is replaced so the container plugin stays off. */
    public boolean overrideContainerPluginConfig() {
        return overrideContainerPluginConfig;
    }

    /** The platforms of the derived image, one manifest each. */
    public List<Platform> platforms() {
        return platforms;
    }

    /** Where the base image and the artifacts are read. */
    public BakeStore source() {
        return source;
    }

    /** Where the derived image is written. */
    public BakeStore target() {
        return target;
    }

    /** The derived image's name and tag. */
    public OciReference targetImage() {
        return targetImage;
    }

    /** The derived image's {@code created} time and its files' mtime; empty takes the base image's. */
    public Optional<Instant> created() {
        return Optional.ofNullable(created);
    }

    /** Where to write a Dockerfile build context with the same content, if anywhere. */
    public Optional<Path> buildContext() {
        return Optional.ofNullable(buildContext);
    }

    /** Where extracted files and the layer are staged; empty uses a temporary directory. */
    public Optional<Path> workDirectory() {
        return Optional.ofNullable(workDirectory);
    }

    /** Builds a {@link BakeRequest}. */
    public static final class Builder {
        private OciReference baseImage;
        private final List<OciReference> artifacts = new ArrayList<>();
        private final List<String> rulesFiles = new ArrayList<>();
        private boolean overrideContainerPluginConfig;
        private final List<Platform> platforms = new ArrayList<>();
        private BakeStore source;
        private BakeStore target;
        private OciReference targetImage;
        private Instant created;
        private Path buildContext;
        private Path workDirectory;

        private Builder() {}

        public Builder baseImage(OciReference baseImage) {
            this.baseImage = baseImage;
            return this;
        }

        /** Adds falcoctl artifact references (full references, plugins and rulesfiles in any order). */
        public Builder artifacts(List<OciReference> references) {
            artifacts.addAll(references);
            return this;
        }

        /** Adds paths of the values' {@code falco.rules_files}. */
        public Builder rulesFiles(List<String> paths) {
            rulesFiles.addAll(paths);
            return this;
        }

        public Builder overrideContainerPluginConfig(boolean override) {
            this.overrideContainerPluginConfig = override;
            return this;
        }

        /** Adds platforms. */
        public Builder platforms(List<Platform> values) {
            platforms.addAll(values);
            return this;
        }

        public Builder source(BakeStore store) {
            this.source = store;
            return this;
        }

        public Builder target(BakeStore store) {
            this.target = store;
            return this;
        }

        public Builder targetImage(OciReference image) {
            this.targetImage = image;
            return this;
        }

        public Builder created(Instant time) {
            this.created = time;
            return this;
        }

        public Builder buildContext(Path directory) {
            this.buildContext = directory;
            return this;
        }

        public Builder workDirectory(Path directory) {
            this.workDirectory = directory;
            return this;
        }

        /**
         * Checks the settings.
         *
         * @throws InvalidRequestException naming the setting at fault
         */
        public BakeRequest build() {
            require(baseImage != null, "image", "No base Falco image given to bake from.");
            require(source != null, "source", "No store given to read the base image and the artifacts from.");
            require(target != null, "target", "No store given to write the baked image to.");
            require(targetImage != null, "image", "No name given for the baked image.");
            require(
                    targetImage.tag() != null && targetImage.digest() == null,
                    "image",
                    "The baked image " + targetImage + " needs a tag and no digest: its digest is known only once"
                            + " it is built.");
            require(
                    !platforms.isEmpty(),
                    "platforms",
                    "No platform given to bake for: set `platforms`, e.g. linux/arm64,linux/amd64.");
            require(
                    platforms.size() <= MAX_PLATFORMS,
                    "platforms",
                    platforms.size() + " platforms given; at most " + MAX_PLATFORMS + " can be baked.");
            require(
                    !artifacts.isEmpty() || overrideContainerPluginConfig,
                    "artifacts",
                    "Nothing to bake into " + targetImage + ": no plugin or rulesfile, and the container plugin"
                            + " configuration is kept.");
            require(
                    artifacts.size() <= MAX_ARTIFACTS,
                    "artifacts",
                    artifacts.size() + " artifacts given; at most " + MAX_ARTIFACTS + " can be baked.");
            for (OciReference artifact : artifacts) {
                Objects.requireNonNull(artifact, "artifact");
            }
            for (String path : rulesFiles) {
                require(
                        InImagePaths.isAbsoluteNormalized(path),
                        "rules_files",
                        "The rules_files entry '" + path + "' is not an absolute path without '.', '..' or"
                                + " empty segments: write it as Falco reads it, e.g. /etc/falco/k8s_audit_rules.yaml.");
            }
            return new BakeRequest(this);
        }

        private static void require(boolean condition, String parameter, String message) {
            if (!condition) {
                throw new InvalidRequestException(parameter, message);
            }
        }
    }
}
