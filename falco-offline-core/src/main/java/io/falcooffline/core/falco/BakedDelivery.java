package io.falcooffline.core.falco;

import io.falcooffline.core.oci.Descriptor;
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
     * Works out the image to build. The base is the chart's Falco image as mirrored, pinned to the digest its tag
     * resolves to now; the derived image keeps the repository the values give when it is already on the internal
     * registry, else the base's, and gets a tag derived from its content ({@link BakeTag}): the values' tag, else
     * {@code <appVersion>-offline}, followed by the content digest's first characters.
     *
     * @param copies receives the base image, to be mirrored for the bake, and the derived image, built not copied
     * @throws FalcoArtifactException when the base image's tag resolves to nothing
     */
    static BakePlan plan(
            FalcoValues values,
            List<ResolvedArtifact> artifacts,
            FalcoStage.Input input,
            List<FalcoStage.ArtifactCopy> copies) {
        OciReference configured = configuredImage(values, input.falcoVersion());
        boolean namedInternal = input.isInternal().test(configured);
        OciReference upstream = namedInternal
                ? OciReference.parse("docker.io/falcosecurity/falco:" + input.falcoVersion())
                : configured;
        OciReference base = input.toInternal().apply(upstream);
        String baseDigest = resolve(upstream, input);
        Map<String, String> libraries = new LinkedHashMap<>();
        Map<String, String> rules = new LinkedHashMap<>();
        List<OciReference> references = new ArrayList<>();
        List<BakeTag.Artifact> baked = new ArrayList<>();
        for (ResolvedArtifact artifact : artifacts) {
            OciReference exact = artifact.exactReference();
            OciReference internal = input.internal(exact);
            references.add(internal);
            baked.add(new BakeTag.Artifact(internal.toString(), artifact.digest()));
            for (String file : artifact.files()) {
                if (artifact.kind() == ReferenceKind.PLUGIN && file.endsWith(".so")) {
                    libraries.putIfAbsent(artifact.name(), FalcoValues.PLUGINS_DIRECTORY + "/" + file);
                } else if (artifact.kind() == ReferenceKind.RULESFILE) {
                    rules.putIfAbsent(file, FalcoValues.RULES_DIRECTORY + "/" + file);
                }
            }
        }
        FalcoValues edited = FalcoValues.of(ContainerPlugin.apply(values.raw(), falcoctlOff()));
        boolean override = ContainerPlugin.trapped(edited);
        String contentDigest = BakeTag.contentDigest(
                new BakeTag.Inputs(base.toString(), baseDigest, baked, input.platforms(), libraries, rules, override));
        String prefix = namedInternal ? configured.tag() : input.falcoVersion() + DERIVED_TAG_SUFFIX;
        OciReference image = (namedInternal ? configured : base).withTag(BakeTag.tag(prefix, contentDigest));
        OciReference pinnedSource =
                new OciReference(upstream.registry(), upstream.repository(), upstream.tag(), baseDigest);
        copies.add(new FalcoStage.ArtifactCopy(
                ReferenceKind.IMAGE,
                pinnedSource,
                base,
                "the base of the baked Falco image " + image + ", at the digest its content tag is derived from"));
        copies.add(new FalcoStage.ArtifactCopy(
                ReferenceKind.IMAGE,
                image,
                image,
                "the baked Falco image, built by falco-offline from " + base + " (content " + contentDigest + ")"));
        return new BakePlan(
                base,
                pinnedSource,
                image,
                contentDigest,
                references,
                input.platforms(),
                libraries,
                rules,
                override,
                Optional.empty());
    }

    /** The digest an upstream reference's tag resolves to now, read as the mirror will read it. */
    private static String resolve(OciReference upstream, FalcoStage.Input input) {
        SourceStores.Located located = input.sources().orElseThrow().locate(upstream);
        Optional<Descriptor> found = located.store().resolve(located.repository(), upstream.tag());
        if (found.isEmpty()) {
            throw new FalcoArtifactException(
                    upstream.toString(),
                    "The base of the baked Falco image, " + upstream + ", is not in " + located.repository() + " on "
                            + located.store().describe() + ". Check image.registry, image.repository and image.tag"
                            + " in the values, or the registryMirrors that read it.");
        }
        return found.get().digest();
    }

    /** {@code image}, falcoctl off, and {@code falco.plugins}, {@code load_plugins}, {@code rules_files} matching the image. */
    static List<ValuesEdit> edits(FalcoValues values, BakePlan plan) {
        List<ValuesEdit> edits = new ArrayList<>(falcoctlOff());
        OciReference image = plan.image();
        String reason = "the baked Falco image";
        edits.add(ValuesEdit.at("image.registry", image.registry(), reason));
        edits.add(ValuesEdit.at("image.repository", image.repository(), reason));
        edits.add(ValuesEdit.at("image.tag", image.tag(), reason));

        List<Object> plugins = new ArrayList<>();
        List<String> configured = new ArrayList<>();
        for (Map<String, Object> plugin : values.pluginEntries()) {
            Map<String, Object> copy = new LinkedHashMap<>(plugin);
            String name = String.valueOf(plugin.get("name"));
            String library = plan.pluginLibraries().get(name);
            if (library != null) {
                copy.put("library_path", library);
            }
            configured.add(name);
            plugins.add(copy);
        }
        List<String> load = values.loadPluginsWithHelpers();
        for (String name : load) {
            String library = plan.pluginLibraries().get(name);
            if (!configured.contains(name) && library != null) {
                plugins.add(ValuesEdit.mapping("name", name, "library_path", library, "init_config", ""));
            }
        }
        edits.add(ValuesEdit.at("falco.plugins", plugins, "library paths of the plugins baked into the image"));
        edits.add(ValuesEdit.at("falco.load_plugins", new ArrayList<>(load), "the plugins baked into the image"));

        List<String> rulesFiles = values.strings("falco.rules_files");
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

    private static OciReference configuredImage(FalcoValues values, String appVersion) {
        String registry = values.string("image.registry");
        String repository = values.string("image.repository");
        String tag = values.string("image.tag");
        return OciReference.parse(
                (registry.isEmpty() ? "" : registry + "/") + repository + ":" + (tag.isEmpty() ? appVersion : tag));
    }
}
