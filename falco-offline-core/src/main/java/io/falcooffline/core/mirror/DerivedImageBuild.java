package io.falcooffline.core.mirror;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An image a mirror run builds in its target from content the run has just copied there, instead of copying it:
 * the stage that planned the image implements it, and the pipeline hands it to the run in {@link MirrorRequest}. The
 * run checks that every {@link #inputs() input} is among what it copies (or finds already internal), runs each build
 * after all copies and tags, in the order given, and records what it returns in the lock and the bundle.
 */
public interface DerivedImageBuild {

    /** The image built, with its tag, as the chart names it on the internal registry. */
    OciReference image();

    /** The references the build reads from the target, each as the plan's target names it. */
    List<OciReference> inputs();

    /**
     * Builds the image from its inputs in {@code target} and writes it there, its tag last.
     *
     * @return what the lock records (origin {@code BAKED}) and the digests the bundle must keep
     * @throws io.falcooffline.core.FalcoOfflineException naming the image when it cannot be built
     */
    Built build(Target target, ProgressListener listener);

    /**
     * Where the build reads its inputs and writes the image.
     *
     * @param store the internal registry's client, or the bundle's OCI layout
     * @param bundle whether {@code store} is the bundle, which names each repository by its full name
     *     ({@code 192.168.5.96:30003/falco/falco}) where a registry names it by its path ({@code falco/falco})
     */
    record Target(OciStore store, boolean bundle) {
        public Target {
            Objects.requireNonNull(store, "store");
        }
    }

    /**
     * A built image.
     *
     * @param lockEntry its lock entry
     * @param digests every manifest and blob digest the build wrote (the bundle keeps these besides the copies')
     */
    record Built(LockEntry lockEntry, Set<String> digests) {
        public Built {
            Objects.requireNonNull(lockEntry, "lockEntry");
            digests = Set.copyOf(digests);
        }
    }
}
