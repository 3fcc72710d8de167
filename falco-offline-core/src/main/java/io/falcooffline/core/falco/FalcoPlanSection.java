package io.falcooffline.core.falco;

import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plan's {@code falco} section: delivery, index, every artifact with its digest, whether it was pinned and which
 * newer versions were skipped and why, the values set and why.
 */
public final class FalcoPlanSection {

    private FalcoPlanSection() {}

    /**
     * The section for a stage result and the syscall driver's decision, with a stable key order; empty for a chart
     * that is not Falco's, which gets no {@code falco} section.
     */
    public static Map<String, Object> of(FalcoStage.Result result, SyscallDriver.Result driver) {
        if (!result.falcoChart()) {
            return new LinkedHashMap<>();
        }
        Map<String, Object> section = of(result);
        if (!driver.kind().isEmpty()) {
            section.put("driver", driver.planSection());
        }
        return section;
    }

    /** The section for a stage result, with a stable key order. */
    public static Map<String, Object> of(FalcoStage.Result result) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("delivery", result.delivery().parameterValue());
        section.put("index", result.index());
        List<Object> artifacts = new ArrayList<>();
        for (ResolvedArtifact artifact : result.artifacts()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", artifact.name());
            json.put("kind", artifact.kind().name().toLowerCase(Locale.ROOT));
            json.put("version", artifact.version());
            json.put("repository", artifact.repository().toString());
            json.put("tags", artifact.tags());
            json.put("digest", artifact.digest());
            json.put("platforms", artifact.platforms());
            json.put("files", artifact.files());
            json.put("requirements", new TreeMap<>(artifact.requirements()));
            json.put("for", artifact.origins());
            json.put("pinned", artifact.pinned());
            json.put("skipped", artifact.skipped());
            artifacts.add(json);
        }
        section.put("artifacts", artifacts);
        List<Object> edits = new ArrayList<>();
        for (ValuesEdit edit : result.edits()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("path", edit.dottedPath());
            json.put("why", edit.reason());
            edits.add(json);
        }
        section.put("valuesSet", edits);
        section.put("notes", result.notes());
        result.bake().ifPresent(bake -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("baseImage", bake.baseImage().toString());
            json.put("baseSource", bake.baseSource().toString());
            json.put("image", bake.image().toString());
            json.put("contentDigest", bake.contentDigest());
            json.put(
                    "artifacts",
                    bake.artifacts().stream().map(OciReference::toString).toList());
            json.put(
                    "platforms", bake.platforms().stream().map(Object::toString).toList());
            json.put("pluginLibraries", new TreeMap<>(bake.pluginLibraries()));
            json.put("rulesFiles", new TreeMap<>(bake.rulesFiles()));
            json.put("overrideContainerPluginConfig", bake.overrideContainerPluginConfig());
            section.put("bake", json);
        });
        return section;
    }
}
