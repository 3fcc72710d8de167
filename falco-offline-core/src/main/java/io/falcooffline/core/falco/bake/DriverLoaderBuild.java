package io.falcooffline.core.falco.bake;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.falco.DriverImagePlan;
import io.falcooffline.core.mirror.DerivedImageBuild;
import io.falcooffline.core.plan.OciReference;
import java.util.List;
import java.util.Objects;

/**
 * The driver-loader image with prebuilt drivers ({@code driverKernels}) as a mirror run builds it: once the run has
 * copied the chart's loader image into the target, {@link DriverLoaderBaker} adds the drivers' layer there.
 */
public final class DriverLoaderBuild implements DerivedImageBuild {

    private final DriverImagePlan plan;

    public DriverLoaderBuild(DriverImagePlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    @Override
    public OciReference image() {
        return plan.image();
    }

    /** The chart's driver-loader image on the internal registry. */
    @Override
    public List<OciReference> inputs() {
        return List.of(plan.baseImage());
    }

    @Override
    public Built build(Target target, ProgressListener listener) {
        DriverLoaderBaker.Built built = DriverLoaderBaker.bake(plan, BakedLockEntries.store(target), listener);
        return BakedLockEntries.built(
                image(),
                plan.baseImage(),
                built.index(),
                built.platforms(),
                "driver loader with the drivers " + plan.driverVersion() + " of "
                        + String.join(
                                ", ",
                                plan.drivers().stream()
                                        .map(driver ->
                                                driver.kernel() + " " + driver.architecture() + " " + driver.digest())
                                        .toList()));
    }
}
