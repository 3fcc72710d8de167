package io.falcooffline.core.falco;

import io.falcooffline.core.Platform;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code delivery=baked} builds, for the bake step: a derived Falco image, one manifest per platform, whose
 * added layer holds the artifacts' files.
 *
 * @param baseImage the chart's Falco image on the internal registry, e.g. {@code 192.168.5.96:30003/falco/falco:0.44.0}
 * @param baseSource where the base image is mirrored from, pinned to the digest its tag resolved to at build time,
 *     e.g. {@code docker.io/falcosecurity/falco:0.44.0@sha256:…}
 * @param image the derived image, as the output values name it, its tag derived from {@code contentDigest}, e.g.
 *     {@code 192.168.5.96:30003/falco/falco:offline-arm64-3f2a9c1b7d4e5f60}
 * @param contentDigest the digest of everything that decides the derived image's bytes (see {@link BakeTag})
 * @param artifacts the plugin and rulesfile artifacts to bake, full internal references at exact versions
 * @param platforms the platforms to build
 * @param pluginLibraries each plugin's library path in the image, by plugin name
 * @param rulesFiles each rules file's path in the image, by the file name inside its artifact
 * @param overrideContainerPluginConfig whether the image must replace {@code /etc/falco/config.d/
 *     falco.container_plugin.yaml} with an empty file
 * @param buildContext where to write a Dockerfile build context with the same files, when asked for
 */
public record BakePlan(
        OciReference baseImage,
        OciReference baseSource,
        OciReference image,
        String contentDigest,
        List<OciReference> artifacts,
        List<Platform> platforms,
        Map<String, String> pluginLibraries,
        Map<String, String> rulesFiles,
        boolean overrideContainerPluginConfig,
        Optional<Path> buildContext) {

    public BakePlan {
        artifacts = List.copyOf(artifacts);
        platforms = List.copyOf(platforms);
        pluginLibraries = Map.copyOf(pluginLibraries);
        rulesFiles = Map.copyOf(rulesFiles);
    }

    /** The same plan, also writing a Dockerfile build context to {@code directory} when it is present. */
    public BakePlan withBuildContext(Optional<Path> directory) {
        return new BakePlan(
                baseImage,
                baseSource,
                image,
                contentDigest,
                artifacts,
                platforms,
                pluginLibraries,
                rulesFiles,
                overrideContainerPluginConfig,
                directory);
    }
}
