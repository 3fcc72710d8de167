package io.falcooffline.core.falco.bake;

import io.falcooffline.core.Platform;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The derived Falco image: its index and platform manifests as written, and the files its added layer holds, for the
 * values that point Falco at them.
 *
 * @param image the image's name and tag in the target
 * @param index the OCI image index the tag points at
 * @param platforms one manifest per platform, in index order
 * @param artifacts the baked artifacts with the paths of their files in the image, in request order
 * @param containerPluginOverride the path of the replaced container plugin configuration, when it was replaced
 * @param buildContext the Dockerfile build context written, when one was asked for
 */
public record BakeResult(
        OciReference image,
        Descriptor index,
        List<PlatformImage> platforms,
        List<BakedArtifact> artifacts,
        Optional<String> containerPluginOverride,
        Optional<Path> buildContext) {

    public BakeResult {
        platforms = List.copyOf(platforms);
        artifacts = List.copyOf(artifacts);
    }

    /**
     * One platform's image.
     *
     * @param platform the platform as the index lists it
     * @param manifest the platform's OCI image manifest
     * @param config its image config
     * @param addedLayer the layer added on top of the base layers
     * @param addedLayerDiffId the sha256 of that layer uncompressed, as {@code rootfs.diff_ids} lists it
     * @param baseManifest the base image's manifest for the platform
     */
    public record PlatformImage(
            Platform platform,
            Descriptor manifest,
            Descriptor config,
            Descriptor addedLayer,
            String addedLayerDiffId,
            Descriptor baseManifest) {}

    /**
     * An artifact baked into the image.
     *
     * @param reference the reference it was read from
     * @param kind plugin or rulesfile
     * @param name the name in its config, which {@code falco.plugins[].name} and rule dependencies use
     * @param version the version in its config
     * @param paths the absolute paths of its files in the image, sorted; the same on every platform
     */
    public record BakedArtifact(
            OciReference reference, ArtifactKind kind, String name, String version, List<String> paths) {
        public BakedArtifact {
            paths = List.copyOf(paths);
        }
    }

    /** The image pinned to its index digest, as a chart can reference it. */
    public OciReference pinnedImage() {
        return new OciReference(image.registry(), image.repository(), image.tag(), index.digest());
    }

    /** The plugin libraries in the image, for {@code falco.plugins[].library_path}. */
    public List<String> libraryPaths() {
        return paths(ArtifactKind.PLUGIN);
    }

    /** The rules files in the image, for {@code falco.rules_files}. */
    public List<String> rulesPaths() {
        return paths(ArtifactKind.RULESFILE);
    }

    private List<String> paths(ArtifactKind kind) {
        return artifacts.stream()
                .filter(artifact -> artifact.kind() == kind)
                .flatMap(artifact -> artifact.paths().stream())
                .toList();
    }
}
