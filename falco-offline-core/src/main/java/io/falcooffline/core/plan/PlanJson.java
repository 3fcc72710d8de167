package io.falcooffline.core.plan;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a {@link Plan} as {@code falco-offline.plan.json}: stable key order, so equal plans give equal bytes. */
public final class PlanJson {

    /** The file name of the plan beside the chart. */
    public static final String FILE_NAME = "falco-offline.plan.json";

    /**
     * The version of the plan file's layout, its first key. It grows when a key changes meaning or goes away; new
     * keys may appear without it.
     */
    public static final int SCHEMA_VERSION = 1;

    private PlanJson() {}

    /** The plan as UTF-8 JSON ending in a newline, its warnings being the plan's own. */
    public static byte[] toJson(Plan plan) {
        return toJson(plan, List.of());
    }

    /**
     * The plan as UTF-8 JSON ending in a newline.
     *
     * @param runWarnings the other warnings the run reported, so that {@code warnings} lists every warning once
     */
    public static byte[] toJson(Plan plan, List<String> runWarnings) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", SCHEMA_VERSION);
        // Map.of iterates in an order that changes from one JVM to the next; the plan must not.
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("name", plan.chartName());
        chart.put("version", plan.chartVersion());
        root.put("chart", chart);
        root.put("registry", plan.registry());
        root.put(
                "references",
                plan.references().stream().map(PlanJson::reference).toList());
        root.put(
                "valuesChanges",
                plan.valuesChanges().stream().map(PlanJson::change).toList());
        java.util.Set<String> warnings = new java.util.LinkedHashSet<>(plan.warnings());
        warnings.addAll(runWarnings);
        root.put("warnings", List.copyOf(warnings));
        if (!plan.falco().isEmpty()) {
            root.put("falco", plan.falco());
        }
        if (!plan.nodes().isEmpty()) {
            root.put("nodes", plan.nodes());
        }
        if (!plan.pinning().isEmpty()) {
            root.put("pinning", plan.pinning());
        }
        return (JsonText.indented(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> reference(PlannedReference reference) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", reference.kind().name().toLowerCase(java.util.Locale.ROOT));
        json.put("source", reference.source());
        json.put("target", reference.target());
        json.put("disposition", reference.disposition().name().toLowerCase(java.util.Locale.ROOT));
        json.put("inUse", reference.inUse());
        json.put(
                "locations",
                reference.locations().stream().map(PlanJson::location).toList());
        return json;
    }

    private static Map<String, Object> location(ReferenceLocation location) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("chart", location.chart());
        json.put("file", location.file());
        if (!location.yamlPath().isEmpty()) {
            json.put("path", location.yamlPath());
        }
        if (location.line() > 0) {
            json.put("line", location.line());
        }
        return json;
    }

    private static Map<String, Object> change(ValuesChange change) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", change.file());
        json.put("path", change.path());
        json.put("before", change.before());
        json.put("after", change.after());
        return json;
    }

    /** A short text for people: counts, then one line per reference. */
    public static List<String> summary(Plan plan) {
        long redirected = plan.count(Disposition.REDIRECTED);
        long internal = plan.count(Disposition.ALREADY_INTERNAL);
        long notRedirected = plan.count(Disposition.NOT_REDIRECTED);
        List<String> lines = new java.util.ArrayList<>();
        lines.add(plan.chartName() + " " + plan.chartVersion() + ": "
                + plan.references().size() + " external references ("
                + redirected + " redirected to " + plan.registry() + ", " + internal + " already internal, "
                + notRedirected + " not redirected), " + plan.valuesChanges().size() + " values edits");
        if (plan.pinning().get("pinned") instanceof List<?> pinned
                && plan.pinning().get("notPinned") instanceof List<?> notPinned) {
            lines.add("pinDigests: " + pinned.size() + " images pulled by digest, " + notPinned.size()
                    + " by tag (see the plan's pinning section)");
        }
        for (PlannedReference reference : plan.references()) {
            String arrow = switch (reference.disposition()) {
                case REDIRECTED -> " -> " + reference.target();
                case ALREADY_INTERNAL -> " (already internal)";
                case NOT_REDIRECTED -> " (NOT redirected)";
            };
            lines.add("  " + reference.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + reference.source()
                    + arrow + (reference.inUse() ? "" : " [not in use]"));
        }
        return lines;
    }
}
