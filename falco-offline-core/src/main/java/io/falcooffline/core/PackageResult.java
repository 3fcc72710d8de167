package io.falcooffline.core;

import io.falcooffline.core.plan.Plan;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a package run produced.
 *
 * @param plan what was (or, in a dry run, would be) done
 * @param chartFile the rewritten chart, empty in a dry run
 * @param planFile {@code falco-offline.plan.json} beside the chart, empty in a dry run
 * @param mirror what was copied to the internal registry or the bundle, empty when nothing was to be copied
 */
public record PackageResult(
        Plan plan, Optional<Path> chartFile, Optional<Path> planFile, Optional<MirrorResult> mirror) {

    /** A result with nothing mirrored. */
    public PackageResult(Plan plan, Optional<Path> chartFile, Optional<Path> planFile) {
        this(plan, chartFile, planFile, Optional.empty());
    }
}
