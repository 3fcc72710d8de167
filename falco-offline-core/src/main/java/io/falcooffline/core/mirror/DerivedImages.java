package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The images a mirror run builds in its target ({@link DerivedImageBuild}): which plan entries they stand for, that
 * the run copies what they read, and running them once it has.
 */
final class DerivedImages {

    private final List<DerivedImageBuild> builds;

    DerivedImages(List<DerivedImageBuild> builds) {
        this.builds = List.copyOf(builds);
    }

    /**
     * The plan names each built image as already internal (it is not expected to exist yet): those entries go, the
     * build records the image instead.
     */
    List<CopyJobs.Internal> withoutBuiltImages(List<CopyJobs.Internal> alreadyInternal) {
        Set<String> built = new HashSet<>();
        builds.forEach(build -> built.add(build.image().toString()));
        return alreadyInternal.stream()
                .filter(internal -> !built.contains(internal.lockEntry().target()))
                .toList();
    }

    /** The repositories the builds write to, for the Harbor project check. */
    List<String> repositories() {
        return builds.stream().map(build -> build.image().repository()).toList();
    }

    /**
     * Every input of every build must be a target the run copies or finds already internal, compared by name and tag
     * (a digest the plan pins on either side does not matter here), or the build would fail after the copy.
     *
     * @throws MirrorException naming the image and the input the plan lacks, before anything is copied
     */
    void requireInputsCopied(List<CopyJob> jobs, List<CopyJobs.Internal> alreadyInternal) {
        Set<String> available = new HashSet<>();
        jobs.forEach(job -> available.add(nameAndTag(job.targetName())));
        alreadyInternal.forEach(
                internal -> internal.reference().ifPresent(reference -> available.add(nameAndTag(reference))));
        for (DerivedImageBuild build : builds) {
            for (OciReference input : build.inputs()) {
                if (!available.contains(nameAndTag(input))) {
                    throw new MirrorException(
                            build.image().toString(),
                            "Cannot build " + build.image() + ": it is built from " + input + ", which the plan does"
                                    + " not copy to the internal registry. This is a bug of falco-offline: report it"
                                    + " with the plan. Nothing was copied.",
                            null);
                }
            }
        }
    }

    /** Runs the builds in order, in the bundle when there is one, else on the internal registry. */
    List<DerivedImageBuild.Built> build(Optional<OciLayoutStore> bundle, Stores stores, ProgressListener listener) {
        List<DerivedImageBuild.Built> built = new ArrayList<>();
        for (DerivedImageBuild build : builds) {
            DerivedImageBuild.Target target = bundle.map(layout -> new DerivedImageBuild.Target(layout, true))
                    .orElseGet(() -> new DerivedImageBuild.Target(
                            stores.target(build.image()).store(), false));
            built.add(build.build(target, listener));
        }
        return built;
    }

    /** How the bundle's {@code index.json} names the built images. */
    Set<String> bundleRefNames() {
        Set<String> names = new HashSet<>();
        builds.forEach(
                build -> names.add(build.image().name() + ":" + build.image().tag()));
        return names;
    }

    private static String nameAndTag(OciReference reference) {
        return reference.name() + ":" + reference.effectiveTag().orElse("");
    }
}
