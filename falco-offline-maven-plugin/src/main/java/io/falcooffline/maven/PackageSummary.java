package io.falcooffline.maven;

import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import java.util.Map;
import java.util.TreeMap;

/** Reports what a package run did: one line of counts, each redirection, the warnings and the files written. */
final class PackageSummary {

    private PackageSummary() {}

    static void report(PackageResult result, ProgressListener listener) {
        Plan plan = result.plan();
        Map<Disposition, Integer> counts = new TreeMap<>();
        for (Disposition disposition : Disposition.values()) {
            counts.put(disposition, 0);
        }
        plan.references().forEach(reference -> counts.merge(reference.disposition(), 1, Integer::sum));
        listener.info(plan.chartName() + " " + plan.chartVersion() + " for " + plan.registry() + ": "
                + counts.get(Disposition.REDIRECTED) + " references redirected, "
                + counts.get(Disposition.ALREADY_INTERNAL) + " already internal, "
                + counts.get(Disposition.NOT_REDIRECTED) + " not redirected, "
                + plan.valuesChanges().size() + " values changes");
        for (PlannedReference reference : plan.references()) {
            if (reference.disposition() == Disposition.REDIRECTED) {
                listener.info("  " + reference.source() + " -> " + reference.target());
            }
        }
        plan.warnings().forEach(listener::warn);
        if (result.chartFile().isEmpty()) {
            listener.info("Dry run: nothing written.");
        }
        result.chartFile().ifPresent(chart -> listener.info("Chart: " + chart));
        result.planFile().ifPresent(planFile -> listener.info("Plan:  " + planFile));
    }
}
