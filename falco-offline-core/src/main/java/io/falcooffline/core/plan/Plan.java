package io.falcooffline.core.plan;

import java.util.List;

/**
 * What a package run does, computed before anything is written: every external reference with its target, every
 * values edit, and what could not be redirected.
 *
 * @param chartName the chart's name
 * @param chartVersion the chart's version
 * @param registry the internal registry
 * @param references every external reference, sorted by source
 * @param valuesChanges every values edit, in file order
 * @param warnings what could not be redirected, one line each
 */
public record Plan(
        String chartName,
        String chartVersion,
        String registry,
        List<PlannedReference> references,
        List<ValuesChange> valuesChanges,
        List<String> warnings) {

    public Plan {
        references = List.copyOf(references);
        valuesChanges = List.copyOf(valuesChanges);
        warnings = List.copyOf(warnings);
    }

    /** The file name of the output chart: {@code <name>-<version>.tgz}. */
    public String chartFileName() {
        return chartName + "-" + chartVersion + ".tgz";
    }
}
