package io.falcooffline.core;

import io.falcooffline.core.audit.LegacyAuditConfig;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.mirror.MirrorMode;
import io.falcooffline.core.mirror.MirrorResult;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ValuesChange;
import io.falcooffline.core.reference.FalcoctlIndex;
import io.falcooffline.core.reference.FoundReference;
import io.falcooffline.core.reference.OciReference;
import io.falcooffline.core.reference.ReferenceFinder;
import io.falcooffline.core.reference.ReferenceKind;
import io.falcooffline.core.reference.ReferenceLocation;
import io.falcooffline.core.reference.ReferenceMapper;
import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.SafeYaml;
import io.falcooffline.core.yaml.ValuesEditor;
import io.falcooffline.core.yaml.ValuesPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Runs one package request: read, discover, map, rewrite, plan, write. */
final class ChartPackager {

    private static final String VALUES_FILE = "values.yaml";

    private final ProgressListener listener;

    ChartPackager(ProgressListener listener) {
        this.listener = listener;
    }

    PackageResult run(PackageRequest request) {
        listener.info("Reading chart " + request.chart());
        Chart chart = new ChartReader().read(request.chart());
        List<Map<String, Object>> userLayers = loadValuesFiles(request.valuesFiles());
        Map<String, Object> rootValues =
                AuditWiring.effectiveValues(request, chart, userLayers, Dependency.keysOf(chart));
        List<String> auditWarnings = AuditWiring.check(request, rootValues);
        auditWarnings.forEach(listener::warn);

        ChartNode root = ChartNode.root(chart, rootValues);
        List<ChartNode> nodes = root.withDescendants();

        ReferenceFinder finder = new ReferenceFinder(FalcoctlIndex.builtIn());
        List<FoundReference> found = new ArrayList<>();
        for (ChartNode node : nodes) {
            found.addAll(finder.findInValues(
                    node.chart.path(), node.chart.appVersion(), node.effective, VALUES_FILE, node.inUse));
            found.addAll(finder.findInTemplates(node.chart.path(), node.chart.files(), node.inUse));
        }

        Rewrite rewrite = new Rewrite(request, nodes);
        found.forEach(rewrite::redirect);
        rewrite.addPullSecrets(request.imagePullSecrets());
        Chart output = rewrite.applyTo(root);
        Plan plan = rewrite.plan(chart);

        PlanJson.summary(plan).forEach(listener::info);
        plan.warnings().forEach(listener::warn);
        if (request.strict() && !plan.warnings().isEmpty()) {
            throw new UnredirectedReferencesException(plan.warnings());
        }
        if (request.dryRun()) {
            listener.info("Dry run: nothing written.");
            return new PackageResult(plan, Optional.empty(), Optional.empty());
        }
        return write(request, chart, output, plan, rootValues, rewrite.mapper);
    }

    private PackageResult write(
            PackageRequest request,
            Chart input,
            Chart output,
            Plan plan,
            Map<String, Object> rootValues,
            ReferenceMapper mapper) {
        Instant mtime = request.outputTimestamp().or(input::newestEntryTime).orElse(Instant.EPOCH);
        Path chartFile = OutputPaths.inside(request.outputDirectory(), plan.chartFileName(), "chart archive");
        Path planFile = OutputPaths.inside(request.outputDirectory(), PlanJson.FILE_NAME, "plan");
        byte[] archive = new ChartWriter().toBytes(output, mtime);
        byte[] planJson = PlanJson.toJson(plan);
        Optional<MirrorResult> mirrored;
        Optional<Path> auditDirectory = Optional.empty();
        try {
            AtomicFiles.write(planFile, planJson);
            AtomicFiles.write(chartFile, archive);
            listener.info("Wrote " + chartFile + " and " + planFile);
            auditDirectory = AuditWiring.writeControlPlaneFiles(request, rootValues, listener);
            mirrored = mirror(request, plan, chartFile, planFile, mapper);
        } catch (RuntimeException e) {
            deleteQuietly(chartFile);
            deleteQuietly(planFile);
            auditDirectory.ifPresent(ChartPackager::deleteTreeQuietly);
            throw e;
        }
        return new PackageResult(plan, Optional.of(chartFile), Optional.of(planFile), mirrored);
    }

    /** Copies what the chart pulls to the internal registry or the bundle; references not in use are left out. */
    private Optional<MirrorResult> mirror(
            PackageRequest request, Plan plan, Path chartFile, Path planFile, ReferenceMapper mapper) {
        if (request.mirror().mode() == MirrorMode.NONE) {
            return Optional.empty();
        }
        List<PlannedReference> pulled =
                plan.references().stream().filter(PlannedReference::inUse).toList();
        return Optional.of(Mirror.run(
                request.mirror().withDefaults(request.outputDirectory()),
                request.registry(),
                pulled,
                Optional.of(chartFile),
                Optional.of(planFile),
                listener,
                source -> mapper.map(OciReference.parse(source)).toString()));
    }

    private static List<Map<String, Object>> loadValuesFiles(List<Path> files) {
        List<Map<String, Object>> layers = new ArrayList<>();
        // Each file is checked for pre-plugin audit settings before it is merged, so the error names the file.
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidRequestException(
                        "valuesFiles",
                        "Values file " + file + " does not exist or is not a file: fix the path in `valuesFiles`.");
            }
            try {
                Map<String, Object> values =
                        SafeYaml.loadMap(Files.readString(file, StandardCharsets.UTF_8), file.toString());
                LegacyAuditConfig.check(values, file.toString());
                layers.add(values);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new InvalidRequestException(
                        "valuesFiles",
                        "Values file " + file + " is not UTF-8 text (an editor may have saved it as UTF-16 or"
                                + " Latin-1): save it as UTF-8, which is what Helm reads.");
            } catch (IOException e) {
                throw new InvalidRequestException(
                        "valuesFiles", "Cannot read values file " + file + ": " + e.getMessage());
            }
        }
        return layers;
    }

    private static void deleteTreeQuietly(Path directory) {
        try (java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(ChartPackager::deleteQuietly);
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // The failure that led here is the one worth reporting.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The failure that led here is the one worth reporting.
        }
    }

    /** A chart of the tree with the values Helm will use for it and the values the output chart will hold. */
    private static final class ChartNode {
        private final Chart chart;
        private final ChartNode parent;
        private final String keyInParent;
        private final Map<String, Object> effective;
        private Map<String, Object> desired;
        private final boolean inUse;
        private final List<ChartNode> children = new ArrayList<>();

        private ChartNode(
                Chart chart,
                ChartNode parent,
                String keyInParent,
                Map<String, Object> effective,
                Map<String, Object> desired,
                boolean inUse) {
            this.chart = chart;
            this.parent = parent;
            this.keyInParent = keyInParent;
            this.effective = effective;
            this.desired = desired;
            this.inUse = inUse;
            for (Chart subchart : chart.subcharts()) {
                Dependency dependency = Dependency.of(chart, subchart);
                Map<String, Object> fromParent =
                        effective.get(dependency.key) instanceof Map<?, ?> section ? castMap(section) : Map.of();
                children.add(new ChartNode(
                        subchart,
                        this,
                        dependency.key,
                        HelmValues.coalesce(subchart.values(), fromParent),
                        HelmValues.deepCopy(subchart.values()),
                        inUse && dependency.enabledIn(effective)));
            }
        }

        static ChartNode root(Chart chart, Map<String, Object> effective) {
            return new ChartNode(chart, null, null, effective, HelmValues.deepCopy(effective), true);
        }

        List<ChartNode> withDescendants() {
            List<ChartNode> all = new ArrayList<>();
            all.add(this);
            children.forEach(child -> all.addAll(child.withDescendants()));
            return all;
        }

        /**
         * Sets a value where Helm will read it: in the parent's section for this chart when the parent already sets
         * that key (the parent wins), otherwise in this chart's own values.
         */
        void set(List<Object> path, Object value) {
            if (parent != null) {
                List<Object> inParent = new ArrayList<>();
                inParent.add(keyInParent);
                inParent.addAll(path);
                if (HelmValues.get(parent.desired, new ValuesPath(inParent)).isPresent()) {
                    parent.set(inParent, value);
                    return;
                }
            }
            desired = HelmValues.with(desired, new ValuesPath(path), value);
        }

        String valuesFileInArchive() {
            return chart.path() + "/" + VALUES_FILE;
        }
    }

    /** How a parent chart refers to a subchart: its values key (alias or name) and its enabling condition. */
    private record Dependency(String key, String condition) {

        static Dependency of(Chart parent, Chart subchart) {
            Object dependencies = parent.chartYaml().get("dependencies");
            if (dependencies instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> dependency && subchart.name().equals(dependency.get("name"))) {
                        Object alias = dependency.get("alias");
                        Object condition = dependency.get("condition");
                        return new Dependency(
                                alias instanceof String a && !a.isBlank() ? a : subchart.name(),
                                condition instanceof String c ? c : "");
                    }
                }
            }
            return new Dependency(subchart.name(), "");
        }

        /** The values keys of all subcharts of a chart. */
        static Set<String> keysOf(Chart chart) {
            Set<String> keys = new LinkedHashSet<>();
            chart.subcharts().forEach(subchart -> keys.add(of(chart, subchart).key));
            return keys;
        }

        /** Helm's rule: the first condition path that holds a boolean decides; none means enabled. */
        boolean enabledIn(Map<String, Object> parentValues) {
            for (String path : condition.split(",")) {
                if (path.isBlank()) {
                    continue;
                }
                Optional<Object> value = HelmValues.get(parentValues, path.strip());
                if (value.isPresent() && value.get() instanceof Boolean enabled) {
                    return enabled;
                }
            }
            return true;
        }
    }

    /** Collects the edits and the plan entries as references are redirected. */
    private final class Rewrite {
        private final PackageRequest request;
        private final List<ChartNode> nodes;
        private final ReferenceMapper mapper;
        private final Map<String, PlanEntry> entries = new TreeMap<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, Map<Integer, String>> templateEdits = new LinkedHashMap<>();
        private final List<ValuesChange> changes = new ArrayList<>();

        Rewrite(PackageRequest request, List<ChartNode> nodes) {
            this.request = request;
            this.nodes = nodes;
            this.mapper = new ReferenceMapper(
                    request.registry(),
                    request.repositoryPrefix(),
                    request.repositoryLayout(),
                    request.overrides(),
                    FalcoctlIndex.builtIn());
        }

        void redirect(FoundReference reference) {
            if (reference.kind() == ReferenceKind.INDEX) {
                record(reference, reference.written(), reference.written(), Disposition.NOT_REDIRECTED);
                if (reference.inUse()) {
                    warnings.add("falcoctl index " + reference.written() + " (" + reference.location()
                            + ") is fetched by falcoctl at start-up and is not mirrored; point it at an internal URL"
                            + " with a values file, or turn falcoctl's artifact install and follow off.");
                }
                return;
            }
            if (reference.source() == null) {
                record(reference, reference.written(), reference.written(), Disposition.NOT_REDIRECTED);
                if (reference.inUse()) {
                    warnings.add("falcoctl reference '" + reference.written() + "' (" + reference.location()
                            + ") is not in the falcoctl index, so its repository is unknown; write it as a full"
                            + " reference (registry/repository:tag).");
                }
                return;
            }
            OciReference source = reference.source();
            if (mapper.isInternal(source)) {
                record(reference, source.toString(), source.toString(), Disposition.ALREADY_INTERNAL);
                return;
            }
            OciReference target = mapper.map(source);
            record(reference, source.toString(), target.toString(), Disposition.REDIRECTED);
            ChartNode node = nodeOf(reference.location().chart());
            List<Object> path = reference.valuesPath();
            switch (reference.form()) {
                case IMAGE_BLOCK_WITH_REGISTRY -> {
                    node.set(append(path, "registry"), target.registry());
                    node.set(append(path, "repository"), target.repository());
                }
                case IMAGE_BLOCK_WITHOUT_REGISTRY -> node.set(append(path, "repository"), target.name());
                case REFERENCE_STRING, FALCOCTL_SHORT_NAME -> node.set(path, target.toString());
                case TEMPLATE_LITERAL ->
                    templateEdits
                            .computeIfAbsent(
                                    reference.location().chart() + "/"
                                            + reference.location().file(),
                                    f -> new TreeMap<>())
                            .put(reference.location().line(), target.toString());
                case INDEX_URL -> throw new IllegalStateException("index URLs are not redirected");
            }
        }

        void addPullSecrets(List<String> secrets) {
            if (secrets.isEmpty()) {
                return;
            }
            for (ChartNode node : nodes) {
                PullSecretKey.of(node.chart, node.effective)
                        .ifPresent(key -> node.set(key.path(), key.render(secrets)));
            }
        }

        Chart applyTo(ChartNode root) {
            return rewrite(root);
        }

        private Chart rewrite(ChartNode node) {
            Chart chart = node.chart;
            for (ChartNode child : node.children) {
                chart = chart.withSubchart(rewrite(child));
            }
            chart = rewriteValues(node, chart);
            return rewriteTemplates(node, chart);
        }

        private Chart rewriteValues(ChartNode node, Chart chart) {
            Map<String, Object> original = node.chart.values();
            if (HelmValues.deepEquals(original, node.desired)) {
                return chart;
            }
            String originalText = node.chart.text(VALUES_FILE).orElse("");
            ValuesEditor.Result result = ValuesEditor.rewrite(originalText, node.desired, node.valuesFileInArchive());
            for (ValuesEditor.Change change : result.changes()) {
                changes.add(new ValuesChange(
                        node.valuesFileInArchive(),
                        change.path().toString(),
                        change.before() == null ? null : SafeYaml.dumpInline(change.before()),
                        change.after() == null ? null : SafeYaml.dumpInline(change.after())));
            }
            return chart.withFile(VALUES_FILE, result.text().getBytes(StandardCharsets.UTF_8));
        }

        private Chart rewriteTemplates(ChartNode node, Chart chart) {
            for (Map.Entry<String, Map<Integer, String>> edits : templateEdits.entrySet()) {
                String prefix = node.chart.path() + "/";
                if (!edits.getKey().startsWith(prefix)
                        || edits.getKey().substring(prefix.length()).startsWith("charts/")) {
                    continue;
                }
                String file = edits.getKey().substring(prefix.length());
                String[] lines = node.chart.text(file).orElseThrow().split("\n", -1);
                for (Map.Entry<Integer, String> edit : edits.getValue().entrySet()) {
                    String before = lines[edit.getKey() - 1];
                    lines[edit.getKey() - 1] = ReferenceFinder.rewriteTemplateLine(before, edit.getValue());
                    changes.add(new ValuesChange(
                            edits.getKey(), "line " + edit.getKey(), before.strip(), lines[edit.getKey() - 1].strip()));
                }
                chart = chart.withFile(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            }
            return chart;
        }

        Plan plan(Chart chart) {
            List<PlannedReference> references = entries.values().stream()
                    .map(PlanEntry::toPlanned)
                    .sorted(Comparator.comparing(PlannedReference::source).thenComparing(PlannedReference::target))
                    .toList();
            return new Plan(chart.name(), chart.version(), request.registry(), references, changes, warnings);
        }

        private void record(FoundReference reference, String source, String target, Disposition disposition) {
            entries.computeIfAbsent(
                            reference.kind() + " " + source + " " + target,
                            key -> new PlanEntry(reference.kind(), source, target, disposition))
                    .add(reference);
        }

        private ChartNode nodeOf(String chartPath) {
            return nodes.stream()
                    .filter(node -> node.chart.path().equals(chartPath))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** Accumulates the locations of one planned reference. */
    private static final class PlanEntry {
        private final ReferenceKind kind;
        private final String source;
        private final String target;
        private final Disposition disposition;
        private final List<ReferenceLocation> locations = new ArrayList<>();
        private boolean inUse;

        PlanEntry(ReferenceKind kind, String source, String target, Disposition disposition) {
            this.kind = kind;
            this.source = source;
            this.target = target;
            this.disposition = disposition;
        }

        void add(FoundReference reference) {
            locations.add(reference.location());
            inUse |= reference.inUse();
        }

        PlannedReference toPlanned() {
            return new PlannedReference(kind, source, target, disposition, locations, inUse);
        }
    }

    private static List<Object> append(List<Object> path, Object segment) {
        List<Object> longer = new ArrayList<>(path);
        longer.add(segment);
        return longer;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
