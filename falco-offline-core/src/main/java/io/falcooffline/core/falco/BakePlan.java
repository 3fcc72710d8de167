package io.falcooffline.core.falco;

import io.falcooffline.core.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code delivery=baked} builds, for the bake step: a derived Falco image, one manifest per platform, whose
 * added layer holds the artifacts' files.
 *
 * @param baseImage the chart's Falco image on the internal registry, e.g. {@code 192.168.5.96:30003/falco/falco:0.44.0}
 * @param image the derived image, as the output values name it, e.g. {@code 192.168.5.96:30003/falco/falco:offline-arm64}
 * @param artifacts the plugin and rulesfile artifacts to bake, full internal references at exact versions
 * @param platforms the platforms to build
 * @param pluginLibraries each plugin's library path in the image, by plugin name
 * @param rulesFiles each rules file's path in the image, by the file name inside its artifact
 * @param overrideContainerPluginConfig whether the image must replace {@code /etc/falco/config.d/
 *     falco.container_plugin.yaml} with an empty file
 * @param buildContext where to write a Dockerfile build context with the same files, when asked for
 */
public record BakePlan(
        String baseImage,
        String image,
        List<String> artifacts,
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
                image,
                artifacts,
                platforms,
                pluginLibraries,
                rulesFiles,
                overrideContainerPluginConfig,
                directory);
    }
}
