package io.falcooffline.core;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.falco.FalcoStage;
import io.falcooffline.core.falco.IndexSource;
import io.falcooffline.core.falco.ResolvedArtifact;
import io.falcooffline.core.falco.SourceStores;
import io.falcooffline.core.falco.ValuesEdit;
import io.falcooffline.core.mirror.MirrorMode;
import io.falcooffline.core.mirror.MirrorOptions;
import io.falcooffline.core.mirror.UpstreamSources;
import io.falcooffline.core.reference.FoundReference;
import io.falcooffline.core.reference.ReferenceKind;
import io.falcooffline.core.reference.ReferenceMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Where the {@code falco} stage enters a package run: after references are found, before values are rewritten. */
final class FalcoWiring {

    private FalcoWiring() {}

    /** Runs the stage on the root chart's effective values; it reads upstream artifacts only when mirroring is on. */
    static FalcoStage.Result run(
            PackageRequest request,
            Chart chart,
            Map<String, Object> rootValues,
            ReferenceMapper mapper,
            IndexSource.Chosen index,
            ProgressListener listener) {
        MirrorOptions mirror = request.mirror();
        boolean read = mirror.mode() != MirrorMode.NONE;
        try (UpstreamSources upstream = read ? new UpstreamSources(mirror, listener) : null) {
            Optional<SourceStores> sources = Optional.ofNullable(upstream)
                    .map(u -> reference -> new SourceStores.Located(u.store(reference), u.repository(reference)));
            FalcoStage.Input input = new FalcoStage.Input(
                    rootValues,
                    chart.appVersion(),
                    request.registry(),
                    UpstreamSources.plainHttp(mirror, request.registry()),
                    mapper::map,
                    mapper::isInternal,
                    mirror.platforms(),
                    sources);
            FalcoStage.Result result = new FalcoStage(request.falco()).run(input, index);
            result.notes().forEach(listener::info);
            result.warnings().forEach(listener::warn);
            return result;
        }
    }

    /** The falcoctl index short names resolve through, for the whole run. */
    static IndexSource.Chosen index(PackageRequest request, Map<String, Object> rootValues) {
        return new FalcoStage(request.falco())
                .chooseIndex(rootValues, request.mirror().mode() != MirrorMode.NONE);
    }

    /** The found references without the index URLs the stage replaced with {@code indexes: []}. */
    static List<FoundReference> withoutReplacedIndexes(List<FoundReference> found, FalcoStage.Result result) {
        boolean replaced =
                result.edits().stream().anyMatch(edit -> edit.dottedPath().equals("falcoctl.config.indexes"));
        if (!replaced) {
            return found;
        }
        return found.stream()
                .filter(reference -> reference.kind() != ReferenceKind.INDEX
                        || reference.location().chart().contains("/"))
                .toList();
    }

    /** The output chart with the files the stage adds (the registry CA ConfigMap). */
    static Chart withChartFiles(Chart output, FalcoStage.Result result) {
        Chart chart = output;
        for (Map.Entry<String, byte[]> file : result.chartFiles().entrySet()) {
            chart = chart.withFile(file.getKey(), file.getValue());
        }
        return chart;
    }

    /** The plan's {@code falco} section. */
    static Map<String, Object> planSection(FalcoStage.Result result) {
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
            json.put("requirements", new java.util.TreeMap<>(artifact.requirements()));
            json.put("for", artifact.origins());
            json.put("pinned", artifact.pinned());
            artifacts.add(json);
        }
        section.put("artifacts", artifacts);
        List<Object> edits = new ArrayList<>();
        for (ValuesEdit edit : result.edits()) {
            edits.add(new LinkedHashMap<>(Map.of("path", edit.dottedPath(), "why", edit.reason())));
        }
        section.put("valuesSet", edits);
        section.put("notes", result.notes());
        result.bake().ifPresent(bake -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("baseImage", bake.baseImage());
            json.put("image", bake.image());
            json.put("artifacts", bake.artifacts());
            json.put(
                    "platforms", bake.platforms().stream().map(Object::toString).toList());
            json.put("pluginLibraries", new java.util.TreeMap<>(bake.pluginLibraries()));
            json.put("rulesFiles", new java.util.TreeMap<>(bake.rulesFiles()));
            json.put("overrideContainerPluginConfig", bake.overrideContainerPluginConfig());
            section.put("bake", json);
        });
        return section;
    }
}
