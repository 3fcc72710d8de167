package io.falcooffline.core.chart;

import io.falcooffline.core.yaml.HelmValues;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A chart with its subcharts as Helm links them: each subchart under the values key its parent gives it (the
 * dependency's alias, else its name) and with the parent's enabling condition.
 */
public final class ChartTree {

    private final Chart chart;
    private final String keyInParent;
    private final String condition;
    private final List<ChartTree> children = new ArrayList<>();

    private ChartTree(Chart chart, String keyInParent, String condition) {
        this.chart = chart;
        this.keyInParent = keyInParent;
        this.condition = condition;
        for (Chart subchart : chart.subcharts()) {
            children.add(dependencyOf(chart, subchart));
        }
    }

    /** The tree of a chart as read, rooted at it. */
    public static ChartTree of(Chart chart) {
        return new ChartTree(chart, null, "");
    }

    public Chart chart() {
        return chart;
    }

    /** The key of this chart's section in its parent's values; empty for the root. */
    public Optional<String> keyInParent() {
        return Optional.ofNullable(keyInParent);
    }

    public List<ChartTree> children() {
        return List.copyOf(children);
    }

    /** The values keys of this chart's direct subcharts, which Helm's coalescing treats as subchart sections. */
    public Set<String> subchartKeys() {
        Set<String> keys = new LinkedHashSet<>();
        children.forEach(child -> keys.add(child.keyInParent));
        return keys;
    }

    /** This chart and all charts below it, parents before children. */
    public List<ChartTree> withDescendants() {
        List<ChartTree> all = new ArrayList<>();
        all.add(this);
        children.forEach(child -> all.addAll(child.withDescendants()));
        return all;
    }

    /** Helm's rule: the first condition path that holds a boolean in the parent's values decides; none means on. */
    public boolean enabledIn(Map<String, Object> parentValues) {
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

    private static ChartTree dependencyOf(Chart parent, Chart subchart) {
        Object dependencies = parent.chartYaml().get("dependencies");
        if (dependencies instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> dependency && subchart.name().equals(dependency.get("name"))) {
                    Object alias = dependency.get("alias");
                    Object condition = dependency.get("condition");
                    return new ChartTree(
                            subchart,
                            alias instanceof String a && !a.isBlank() ? a : subchart.name(),
                            condition instanceof String c ? c : "");
                }
            }
        }
        return new ChartTree(subchart, subchart.name(), "");
    }
}
