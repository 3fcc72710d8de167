package io.falcooffline.core.falco;

import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values side of {@code delivery=baked}: Falco runs a derived image that holds every plugin library
 * {@code load_plugins} needs and every rules file, so falcoctl is off and the values name the files in the image.
 */
final class BakedDelivery {

    private static final String DERIVED_TAG_SUFFIX = "-offline";

    private BakedDelivery() {}

    /**
     * Works out the image to build. The base is the chart's Falco image as mirrored; the derived image keeps the
     * name the values give when it is already on the internal registry, else {@code <base>:<appVersion>-offline}.
     *
     * @param copies receives the base image when it must be mirrored for the bake
     */
    static BakePlan plan(
            FalcoPodValues values,
            List<ResolvedArtifact> artifacts,
            FalcoStage.Input input,
            List<FalcoStage.ArtifactCopy> copies) {
        OciReference configured = configuredImage(values, input.falcoVersion());
        OciReference base;
        OciReference image;
        if (input.isInternal().test(configured)) {
            OciReference upstream = OciReference.parse("docker.io/falcosecurity/falco:" + input.falcoVersion());
            base = input.toInternal().apply(upstream);
            image = configured;
            copies.add(new FalcoStage.ArtifactCopy(
                    ReferenceKind.IMAGE,
                    upstream.toString(),
                    base.toString(),
                    "the base of the baked Falco image " + image));
        } else {
            base = input.toInternal().apply(configured);
            image = base.withTag(input.falcoVersion() + DERIVED_TAG_SUFFIX);
        }
        Map<String, String> libraries = new LinkedHashMap<>();
        Map<String, String> rules = new LinkedHashMap<>();
        List<String> references = new ArrayList<>();
        for (ResolvedArtifact artifact : artifacts) {
            OciReference exact = artifact.exactReference();
            references.add(
                    (input.isInternal().test(exact) ? exact : input.toInternal().apply(exact)).toString());
            for (String file : artifact.files()) {
                if (artifact.kind() == ReferenceKind.PLUGIN && file.endsWith(".so")) {
                    libraries.putIfAbsent(artifact.name(), FalcoPodValues.PLUGINS_DIRECTORY + "/" + file);
                } else if (artifact.kind() == ReferenceKind.RULESFILE) {
                    rules.putIfAbsent(file, FalcoPodValues.RULES_DIRECTORY + "/" + file);
                }
            }
        }
        FalcoPodValues edited = new FalcoPodValues(ContainerPlugin.apply(values.rawValues(), falcoctlOff()));
        return new BakePlan(
                base.toString(),
                image.toString(),
                references,
                input.platforms(),
                libraries,
                rules,
                ContainerPlugin.trapped(edited),
                Optional.empty());
    }

    /** {@code image}, falcoctl off, and {@code falco.plugins}, {@code load_plugins}, {@code rules_files} matching the image. */
    static List<ValuesEdit> edits(FalcoPodValues values, BakePlan plan) {
        List<ValuesEdit> edits = new ArrayList<>(falcoctlOff());
        OciReference image = OciReference.parse(plan.image());
        String reason = "the baked Falco image";
        edits.add(ValuesEdit.at("image.registry", image.registry(), reason));
        edits.add(ValuesEdit.at("image.repository", image.repository(), reason));
        edits.add(ValuesEdit.at("image.tag", image.tag(), reason));

        List<Object> plugins = new ArrayList<>();
        List<String> configured = new ArrayList<>();
        for (Map<String, Object> plugin : values.plugins()) {
            Map<String, Object> copy = new LinkedHashMap<>(plugin);
            String name = String.valueOf(plugin.get("name"));
            String library = plan.pluginLibraries().get(name);
            if (library != null) {
                copy.put("library_path", library);
            }
            configured.add(name);
            plugins.add(copy);
        }
        List<String> load = values.loadPlugins();
        for (String name : load) {
            String library = plan.pluginLibraries().get(name);
            if (!configured.contains(name) && library != null) {
                plugins.add(FalcoStage.map("name", name, "library_path", library, "init_config", ""));
            }
        }
        edits.add(ValuesEdit.at("falco.plugins", plugins, "library paths of the plugins baked into the image"));
        edits.add(ValuesEdit.at("falco.load_plugins", new ArrayList<>(load), "the plugins baked into the image"));

        List<String> rulesFiles = values.rulesFiles();
        for (String path : plan.rulesFiles().values()) {
            if (!rulesFiles.contains(path)) {
                rulesFiles.add(0, path);
            }
        }
        edits.add(ValuesEdit.at(
                "falco.rules_files", new ArrayList<>(rulesFiles), "the rules files baked into the image"));
        return edits;
    }

    private static List<ValuesEdit> falcoctlOff() {
        String reason = "delivery=baked: the plugins and rules are in the image";
        return List.of(
                ValuesEdit.at("falcoctl.artifact.install.enabled", false, reason),
                ValuesEdit.at("falcoctl.artifact.follow.enabled", false, reason));
    }

    private static OciReference configuredImage(FalcoPodValues values, String appVersion) {
        String registry = values.string("image.registry");
        String repository = values.string("image.repository");
        String tag = values.string("image.tag");
        return OciReference.parse(
                (registry.isEmpty() ? "" : registry + "/") + repository + ":" + (tag.isEmpty() ? appVersion : tag));
    }
}
