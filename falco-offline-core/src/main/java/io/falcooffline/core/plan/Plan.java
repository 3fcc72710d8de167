package io.falcooffline.core.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a package run does, computed before anything is written: every external reference with its target, every
 * values edit, and what could not be redirected.
 *
 * @param chartName the chart's name
 * @param chartVersion the chart's version
 * @param registry the internal registry, canonical {@code host[:port]}, spelled as in the targets
 * @param references every external reference, sorted by source
 * @param valuesChanges every values edit, in file order
 * @param warnings what could not be redirected, one line each
 * @param mapping how the run maps sources to targets, for artifacts that are pulled but not named by the chart
 * @param falco what the {@code falco} stage resolved and did (delivery, index, artifacts with digests, notes), as
 *     written to the plan file; empty when it did not run
 * @param nodes what the cluster's nodes need to pull the chart's images (pull secrets and the namespaces they must
 *     exist in, the container runtime files), as written to the plan file; empty when they need nothing
 * @param pinning with {@code pinDigests}: each image the chart pulls with its tag and digest, and those that keep
 *     their tag with the reason, as written to the plan file; empty when digests are not pinned
 */
public record Plan(
        String chartName,
        String chartVersion,
        String registry,
        List<PlannedReference> references,
        List<ValuesChange> valuesChanges,
        List<String> warnings,
        TargetMapping mapping,
        Map<String, Object> falco,
        Map<String, Object> nodes,
        Map<String, Object> pinning) {

    public Plan {
        references = List.copyOf(references);
        valuesChanges = List.copyOf(valuesChanges);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(mapping, "mapping");
        falco = Collections.unmodifiableMap(new LinkedHashMap<>(falco));
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        pinning = Collections.unmodifiableMap(new LinkedHashMap<>(pinning));
    }

    /** A plan without {@code nodes} and {@code pinning} sections. */
    public Plan(
            String chartName,
            String chartVersion,
            String registry,
            List<PlannedReference> references,
            List<ValuesChange> valuesChanges,
            List<String> warnings,
            TargetMapping mapping,
            Map<String, Object> falco) {
        this(
                chartName,
                chartVersion,
                registry,
                references,
                valuesChanges,
                warnings,
                mapping,
                falco,
                Map.of(),
                Map.of());
    }

    /** A plan without a {@code falco} section. */
    public Plan(
            String chartName,
            String chartVersion,
            String registry,
            List<PlannedReference> references,
            List<ValuesChange> valuesChanges,
            List<String> warnings,
            TargetMapping mapping) {
        this(chartName, chartVersion, registry, references, valuesChanges, warnings, mapping, Map.of());
    }

    /** This plan with the {@code falco} stage's section. */
    public Plan withFalco(Map<String, Object> section) {
        return withSections(section, nodes, pinning);
    }

    /** This plan with the {@code nodes} section. */
    public Plan withNodes(Map<String, Object> section) {
        return withSections(falco, section, pinning);
    }

    /** This plan with the {@code pinning} section of {@code pinDigests}. */
    public Plan withPinning(Map<String, Object> section) {
        return withSections(falco, nodes, section);
    }

    private Plan withSections(
            Map<String, Object> falcoSection, Map<String, Object> nodesSection, Map<String, Object> pinningSection) {
        return new Plan(
                chartName,
                chartVersion,
                registry,
                references,
                valuesChanges,
                warnings,
                mapping,
                falcoSection,
                nodesSection,
                pinningSection);
    }

    /** This plan with other references, everything else kept. */
    public Plan withReferences(List<PlannedReference> corrected) {
        return new Plan(
                chartName, chartVersion, registry, corrected, valuesChanges, warnings, mapping, falco, nodes, pinning);
    }

    /** A plan read back or made by hand, whose mapping leaves every reference where it is. */
    public Plan(
            String chartName,
            String chartVersion,
            String registry,
            List<PlannedReference> references,
            List<ValuesChange> valuesChanges,
            List<String> warnings) {
        this(chartName, chartVersion, registry, references, valuesChanges, warnings, source -> source);
    }

    /** How many references have {@code disposition}. */
    public long count(Disposition disposition) {
        return references.stream()
                .filter(reference -> reference.disposition() == disposition)
                .count();
    }

    /** The references the chart pulls with the values in force. */
    public List<PlannedReference> referencesInUse() {
        return references.stream().filter(PlannedReference::inUse).toList();
    }

    /** The file name of the output chart: {@code <name>-<version>.tgz}. */
    public String chartFileName() {
        return chartName + "-" + chartVersion + ".tgz";
    }
}
