package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.oci.registry.RegistryAccess;

/**
 * The mirror stage: copies every artifact a rewritten chart points at to where the cluster can pull it, straight to
 * the internal registry or into an offline bundle, and loads such a bundle into the registry inside the air gap.
 */
public final class Mirror {

    private Mirror() {}

    /**
     * Mirrors the references of a plan, then builds the request's derived images in the target from what it copied.
     *
     * @return the lock and transfer counts
     * @throws io.falcooffline.core.MirrorException naming the artifact that failed; no tag of the run is set then
     * @throws io.falcooffline.core.FalcoOfflineException for bad options or an unusable bundle directory
     */
    public static MirrorResult run(MirrorRequest request, ProgressListener listener) {
        return run(request, CopyAhead.none(request.options(), request.access(), listener), listener);
    }

    /**
     * Mirrors the references of a plan as {@link #run(MirrorRequest, ProgressListener)} does, completing what {@code
     * ahead} copied already (started with the request's options and access); closes {@code ahead}.
     */
    public static MirrorResult run(MirrorRequest request, CopyAhead ahead, ProgressListener listener) {
        try (ahead) { // also when the run is refused before it copies
            return new MirrorRun(request, ahead, listener).run();
        }
    }

    /**
     * Loads an offline bundle into the registry recorded in it, then checks that every reference of the bundle's lock
     * resolves there with the recorded digest.
     *
     * @param access connection settings of the push request
     * @return the lock as pushed (targets on the registry pushed to) and transfer counts
     */
    public static MirrorResult push(PushRequest request, RegistryAccess access, ProgressListener listener) {
        return new BundlePusher(request, access, listener).push();
    }
}
