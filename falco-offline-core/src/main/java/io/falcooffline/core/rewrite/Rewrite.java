package io.falcooffline.core.rewrite;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartTree;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import io.falcooffline.core.plan.ValuesChange;
import io.falcooffline.core.reference.FoundReference;
import io.falcooffline.core.reference.ReferenceFinder;
import io.falcooffline.core.reference.ReferenceMapper;
import io.falcooffline.core.values.EffectiveValues;
import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.SafeYaml;
import io.falcooffline.core.yaml.ValuesEditor;
import io.falcooffline.core.yaml.ValuesPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rewrite stage: collects the values and template edits that redirect the chart's references, and the plan
 * entries that record them, then applies the edits to the chart. The root chart's values file receives the whole
 * effective values (the user's values are baked in); a subchart's keeps its own defaults with the edits on top.
 * Later stages add values of their own with {@link #overlayRoot}.
 */
public final class Rewrite {

    private static final String VALUES_FILE = "values.yaml";

    /** The file of the location of a reference a later stage plans ({@link #mirrorAlso}): no value names it. */
    static final String LATER_STAGE = "falco stage";

    private final EffectiveValues values;
    private final ReferenceMapper mapper;
    private final String registry;
    /** Each chart's values as they will be written: copies no one else holds, so edits change them in place. */
    private final Map<ChartTree, Map<String, Object>> desired = new IdentityHashMap<>();

    private final Map<ChartTree, ChartTree> parents = new IdentityHashMap<>();
    private final Map<String, PlanEntry> entries = new TreeMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Map<Integer, String>> templateEdits = new LinkedHashMap<>();
    private final List<ValuesChange> changes = new ArrayList<>();
    private DigestPins pins;

    public Rewrite(EffectiveValues values, ReferenceMapper mapper, String registry) {
        this.values = values;
        this.mapper = mapper;
        this.registry = registry;
        for (EffectiveValues.Node node : values.nodes()) {
            ChartTree tree = node.tree();
            desired.put(
                    tree,
                    HelmValues.deepCopy(
                            tree == root() ? node.values() : tree.chart().values()));
            tree.children().forEach(child -> parents.put(child, tree));
        }
    }

    /** Redirects one found reference: a values or template edit, and its plan entry. */
    public void redirect(FoundReference reference) {
        if (reference.kind() == ReferenceKind.INDEX) {
            recordUnresolved(reference);
            if (reference.inUse()) {
                warnings.add("falcoctl index " + reference.written() + " (" + reference.location()
                        + ") is fetched by falcoctl at start-up and is not mirrored; point it at an internal URL"
                        + " with a values file, or turn falcoctl's artifact install and follow off.");
            }
            return;
        }
        if (reference.source() == null) {
            recordUnresolved(reference);
            if (reference.inUse()) {
                warnings.add("falcoctl reference '" + reference.written() + "' (" + reference.location()
                        + ") is not in the falcoctl index, so its repository is unknown; write it as a full"
                        + " reference (registry/repository:tag).");
            }
            return;
        }
        // Untagged means latest for the runtime; the plan, the lock and the bundle say so explicitly.
        OciReference source = reference.source().withDefaultTag();
        boolean internal = mapper.isInternal(source);
        OciReference target = internal ? source : mapper.map(source);
        ChartTree tree = treeOf(reference.location().chart());
        List<Object> path = reference.valuesPath();
        Optional<DigestPins.Pinned> pinned = pin(reference, tree, source, target);
        OciReference planned = pinned.map(DigestPins.Pinned::target).orElse(target);
        record(
                reference,
                pinned.map(DigestPins.Pinned::source).orElse(source),
                planned,
                internal ? Disposition.ALREADY_INTERNAL : Disposition.REDIRECTED);
        if (internal && pinned.isEmpty()) {
            return;
        }
        switch (reference.form()) {
            case IMAGE_BLOCK_WITH_REGISTRY -> {
                if (!internal) {
                    set(tree, append(path, "registry"), target.registry());
                    set(tree, append(path, "repository"), target.repository());
                }
                pinned.ifPresent(pin -> set(tree, append(path, "tag"), tagWithDigest(pin.target())));
            }
            case IMAGE_BLOCK_WITHOUT_REGISTRY -> {
                if (!internal) {
                    set(tree, append(path, "repository"), target.name());
                }
                pinned.ifPresent(pin -> set(tree, append(path, "tag"), tagWithDigest(pin.target())));
            }
            case REFERENCE_STRING, SHORT_NAME -> set(tree, path, planned.toString());
            case TEMPLATE_LITERAL ->
                templateEdits
                        .computeIfAbsent(
                                reference.location().chart() + "/"
                                        + reference.location().file(),
                                file -> new TreeMap<>())
                        .put(reference.location().line(), planned.toString());
            case INDEX_URL -> throw new IllegalStateException("index URLs are not redirected");
        }
    }

    /**
     * Pins every image the chart pulls by digest ({@code pinDigests}): the tag of each image block becomes
     * {@code <tag>@<digest>}, a reference string or template literal gets the digest appended.
     */
    public void pinDigests(DigestPins digestPins) {
        this.pins = digestPins;
    }

    /**
     * The pinned source and target of an image the chart pulls, when {@code pinDigests} is on and the chart can take
     * a digest where the image is written; already pinned references and artifacts are left as they are.
     */
    private Optional<DigestPins.Pinned> pin(
            FoundReference reference, ChartTree tree, OciReference source, OciReference target) {
        if (pins == null
                || reference.kind() != ReferenceKind.IMAGE
                || !reference.inUse()
                || source.digest() != null
                || source.tag() == null) {
            return Optional.empty();
        }
        boolean block = reference.form() == FoundReference.Form.IMAGE_BLOCK_WITH_REGISTRY
                || reference.form() == FoundReference.Form.IMAGE_BLOCK_WITHOUT_REGISTRY;
        Optional<String> refused =
                block ? DigestPins.tagCannotCarryDigest(tree.chart(), reference.valuesPath()) : Optional.empty();
        if (refused.isPresent()) {
            pins.notPinned(target.toString(), refused.get());
            return Optional.empty();
        }
        return Optional.of(pins.pin(source, target));
    }

    private static String tagWithDigest(OciReference reference) {
        return reference.tag() + "@" + reference.digest();
    }

    /**
     * Adds image pull secrets to every chart of the tree, in each chart's own shape, after the ones its values
     * already name.
     */
    public void addPullSecrets(List<String> secrets) {
        if (secrets.isEmpty()) {
            return;
        }
        for (EffectiveValues.Node node : values.nodes()) {
            PullSecretKey.of(node.tree().chart(), node.values()).ifPresent(key -> {
                Object existing = HelmValues.get(node.values(), new ValuesPath(key.path()))
                        .orElse(List.of());
                set(node.tree(), key.path(), key.merge(existing, secrets));
            });
        }
    }

    /**
     * Plans an artifact a later stage needs mirrored that no value names as such, e.g. the exact version behind a
     * floating falcoctl tag.
     *
     * @param why what needs it, recorded as the plan entry's location
     */
    public void mirrorAlso(ReferenceKind kind, OciReference source, OciReference target, String why) {
        FoundReference found = new FoundReference(
                kind,
                FoundReference.Form.REFERENCE_STRING,
                source.toString(),
                source,
                new ReferenceLocation(root().chart().path(), LATER_STAGE, why, 0),
                List.of(),
                true);
        record(found, source, target, source.equals(target) ? Disposition.ALREADY_INTERNAL : Disposition.REDIRECTED);
    }

    /** Coalesces values over the root chart's, as a values file given after the user's would. */
    public void overlayRoot(Map<String, Object> overlay) {
        Set<String> subchartKeys = root().subchartKeys();
        desired.put(root(), HelmValues.coalesce(desired.get(root()), overlay, subchartKeys));
    }

    /** The rewritten chart and the plan that records every edit. */
    public record Result(Chart chart, Plan plan) {}

    /** Applies every edit to the chart and records the values and template changes in the plan. */
    public Result finish() {
        Chart chart = rewrite(root());
        Chart input = root().chart();
        return new Result(
                chart, new Plan(input.name(), input.version(), registry, references(), changes, warnings, mapper));
    }

    /** The plan's references so far, before the chart is rewritten: what {@link #finish} will plan for them. */
    public List<PlannedReference> references() {
        return entries.values().stream()
                .map(PlanEntry::toPlanned)
                .sorted(Comparator.comparing(PlannedReference::source).thenComparing(PlannedReference::target))
                .toList();
    }

    private ChartTree root() {
        return values.root().tree();
    }

    private Chart rewrite(ChartTree tree) {
        Chart chart = tree.chart();
        for (ChartTree child : tree.children()) {
            chart = chart.withSubchart(rewrite(child));
        }
        chart = rewriteValues(tree, chart);
        return rewriteTemplates(tree, chart);
    }

    /**
     * Sets a value where Helm will read it: in the parent's section for this chart when the parent already sets
     * that key (the parent wins), otherwise in this chart's own values.
     */
    private void set(ChartTree tree, List<Object> path, Object value) {
        ChartTree parent = parents.get(tree);
        if (parent != null) {
            List<Object> inParent = new ArrayList<>();
            inParent.add(tree.keyInParent().orElseThrow());
            inParent.addAll(path);
            if (HelmValues.get(desired.get(parent), new ValuesPath(inParent)).isPresent()) {
                set(parent, inParent, value);
                return;
            }
        }
        HelmValues.set(desired.get(tree), new ValuesPath(path), value);
    }

    private Chart rewriteValues(ChartTree tree, Chart chart) {
        Chart original = tree.chart();
        Map<String, Object> wanted = desired.get(tree);
        if (HelmValues.deepEquals(original.values(), wanted)) {
            return chart;
        }
        String file = original.path() + "/" + VALUES_FILE;
        ValuesEditor.Result result = original.loadedValues()
                .map(loaded -> ValuesEditor.rewrite(loaded, wanted, file))
                .orElseGet(() -> ValuesEditor.rewrite(original.text(VALUES_FILE).orElse(""), wanted, file));
        for (ValuesEditor.Change change : result.changes()) {
            changes.add(new ValuesChange(
                    file,
                    change.path().toString(),
                    change.before() == null ? null : SafeYaml.dumpInline(change.before()),
                    change.after() == null ? null : SafeYaml.dumpInline(change.after())));
        }
        return chart.withValuesText(result.text(), result.values());
    }

    private Chart rewriteTemplates(ChartTree tree, Chart chart) {
        String prefix = tree.chart().path() + "/";
        for (Map.Entry<String, Map<Integer, String>> edits : templateEdits.entrySet()) {
            if (!edits.getKey().startsWith(prefix)
                    || edits.getKey().substring(prefix.length()).startsWith("charts/")) {
                continue;
            }
            String file = edits.getKey().substring(prefix.length());
            String[] lines = tree.chart().text(file).orElseThrow().split("\n", -1);
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

    private void record(FoundReference reference, OciReference source, OciReference target, Disposition disposition) {
        entries.computeIfAbsent(
                        reference.kind() + " " + source + " " + target,
                        key -> new PlanEntry(reference.kind(), source, target, reference.written(), disposition))
                .add(reference);
    }

    private void recordUnresolved(FoundReference reference) {
        entries.computeIfAbsent(
                        reference.kind() + " " + reference.written() + " " + reference.written(),
                        key -> new PlanEntry(
                                reference.kind(), null, null, reference.written(), Disposition.NOT_REDIRECTED))
                .add(reference);
    }

    private ChartTree treeOf(String chartPath) {
        return values.nodes().stream()
                .map(EffectiveValues.Node::tree)
                .filter(tree -> tree.chart().path().equals(chartPath))
                .findFirst()
                .orElseThrow();
    }

    private static List<Object> append(List<Object> path, Object segment) {
        List<Object> longer = new ArrayList<>(path);
        longer.add(segment);
        return longer;
    }

    /** The locations of one planned reference, accumulated as references are redirected. */
    private static final class PlanEntry {
        private final ReferenceKind kind;
        private final OciReference source;
        private final OciReference target;
        private final String written;
        private final Disposition disposition;
        private final List<ReferenceLocation> locations = new ArrayList<>();
        private boolean inUse;

        PlanEntry(
                ReferenceKind kind, OciReference source, OciReference target, String written, Disposition disposition) {
            this.kind = kind;
            this.source = source;
            this.target = target;
            this.written = written;
            this.disposition = disposition;
        }

        void add(FoundReference reference) {
            locations.add(reference.location());
            inUse |= reference.inUse();
        }

        PlannedReference toPlanned() {
            return source == null
                    ? PlannedReference.unresolved(kind, written, locations, inUse)
                    : PlannedReference.of(kind, source, target, disposition, locations, inUse);
        }
    }
}
