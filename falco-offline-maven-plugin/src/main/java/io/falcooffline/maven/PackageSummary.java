package io.falcooffline.maven;

import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.plan.PlanJson;

/** Reports a package run in the build log: the plan's summary, then what was written. */
final class PackageSummary {

    private PackageSummary() {}

    static void report(PackageResult result, ProgressListener listener) {
        PlanJson.summary(result.plan()).forEach(listener::info);
        if (result.chartFile().isEmpty()) {
            listener.info("Dry run: nothing written.");
        }
        result.chartFile().ifPresent(chart -> listener.info("Chart: " + chart));
        result.planFile().ifPresent(plan -> listener.info("Plan:  " + plan));
    }
}
