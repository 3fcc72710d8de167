package io.falcooffline.core.falco.bake;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.falco.BakePlan;
import io.falcooffline.core.mirror.DerivedImageBuild;
import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The derived Falco image of {@code delivery=baked} as a mirror run builds it: once the run has copied its base and
 * its artifacts into the target (the registry, or the bundle, which {@code push} then loads like any other entry),
 * {@link FalcoImageBaker} builds it there and checks that it holds every plugin library the values load.
 */
public final class FalcoImageBuild implements DerivedImageBuild {

    private final BakePlan plan;

    /** Builds what {@code plan} describes, its build context included when the plan names one. */
    public FalcoImageBuild(BakePlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    @Override
    public OciReference image() {
        return plan.image();
    }

    /** The base image, then the artifacts, as the plan names them on the internal registry. */
    @Override
    public List<OciReference> inputs() {
        List<OciReference> inputs = new ArrayList<>();
        inputs.add(plan.baseImage());
        inputs.addAll(plan.artifacts());
        return List.copyOf(inputs);
    }

    @Override
    public Built build(Target target, ProgressListener listener) {
        OciReference image = plan.image();
        BakeStore store = BakedLockEntries.store(target);
        BakeResult result = FalcoImageBaker.bake(
                BakeRequest.builder()
                        .baseImage(plan.baseImage())
                        .artifacts(plan.artifacts())
                        .rulesFiles(List.copyOf(plan.rulesFiles().values()))
                        .overrideContainerPluginConfig(plan.overrideContainerPluginConfig())
                        .platforms(plan.platforms())
                        .source(store)
                        .target(store)
                        .targetImage(image)
                        .buildContext(plan.buildContext().orElse(null))
                        .build(),
                listener);
        List<String> missing = plan.pluginLibraries().values().stream()
                .filter(library -> !result.libraryPaths().contains(library))
                .toList();
        if (!missing.isEmpty()) {
            throw new FalcoOfflineException("The baked image " + image + " lacks " + String.join(", ", missing)
                    + ", which the values load from it: check that the artifacts " + plan.artifacts()
                    + " ship these libraries, or pin versions that do with `artifacts`.");
        }
        Built built = BakedLockEntries.built(
                image,
                plan.baseImage(),
                result.index(),
                result.platforms(),
                "baked from " + plan.baseImage() + " with "
                        + String.join(
                                ", ",
                                plan.artifacts().stream()
                                        .map(OciReference::toString)
                                        .toList()));
        listener.info("Baked " + image + " (" + result.index().digest() + ") for "
                + String.join(", ", built.lockEntry().platforms()) + ".");
        return built;
    }
}
