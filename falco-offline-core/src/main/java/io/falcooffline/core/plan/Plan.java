package io.falcooffline.core.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param falco what the {@code falco} stage resolved and did (delivery, index, artifacts with digests, notes), as
 *     written to the plan file; empty when it did not run
 */
public record Plan(
        String chartName,
        String chartVersion,
        String registry,
        List<PlannedReference> references,
        List<ValuesChange> valuesChanges,
        List<String> warnings,
        Map<String, Object> falco) {

    public Plan {
        references = List.copyOf(references);
        valuesChanges = List.copyOf(valuesChanges);
        warnings = List.copyOf(warnings);
        falco = Collections.unmodifiableMap(new LinkedHashMap<>(falco));
    }

    /** A plan without a {@code falco} section. */
    public Plan(
            String chartName,
            String chartVersion,
            String registry,
            List<PlannedReference> references,
            List<ValuesChange> valuesChanges,
            List<String> warnings) {
        this(chartName, chartVersion, registry, references, valuesChanges, warnings, Map.of());
    }

    /** This plan with the {@code falco} stage's section. */
    public Plan withFalco(Map<String, Object> section) {
        return new Plan(chartName, chartVersion, registry, references, valuesChanges, warnings, section);
    }

    /** The file name of the output chart: {@code <name>-<version>.tgz}. */
    public String chartFileName() {
        return chartName + "-" + chartVersion + ".tgz";
    }
}
