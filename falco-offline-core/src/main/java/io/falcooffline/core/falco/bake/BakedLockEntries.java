package io.falcooffline.core.falco.bake;

import io.falcooffline.core.mirror.DerivedImageBuild;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** How both derived images are recorded once built: one {@code BAKED} lock entry and every digest they wrote. */
final class BakedLockEntries {

    private BakedLockEntries() {}

    /**
     * @param image the derived image, with its tag
     * @param base the image it was built from, as the lock's {@code source}
     * @param index the OCI index its tag points at
     * @param built each platform's manifest, config and added layer
     * @param note what the lock notes about it
     */
    static DerivedImageBuild.Built built(
            OciReference image,
            OciReference base,
            Descriptor index,
            List<BakeResult.PlatformImage> built,
            String note) {
        Set<String> digests = new HashSet<>();
        digests.add(index.digest());
        List<String> platforms = new ArrayList<>();
        for (BakeResult.PlatformImage platform : built) {
            digests.add(platform.manifest().digest());
            digests.add(platform.config().digest());
            digests.add(platform.addedLayer().digest());
            platforms.add(platform.platform().toString());
        }
        LockEntry entry = LockEntry.builder(
                        LockEntry.Origin.BAKED, ReferenceKind.IMAGE, base.toString(), image.toString())
                .targetDigest(index.digest())
                .mediaType(index.mediaType())
                .platforms(platforms)
                .size(index.size())
                .note(note)
                .build();
        return new DerivedImageBuild.Built(entry, digests);
    }

    /** The store the mirror builds in, named as the baker reads it. */
    static BakeStore store(DerivedImageBuild.Target target) {
        return target.bundle() ? BakeStore.layout(target.store()) : BakeStore.registry(target.store());
    }
}
