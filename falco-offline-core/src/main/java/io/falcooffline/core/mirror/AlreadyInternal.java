package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** References the chart already points at the internal registry: when pushing, each must exist there. */
final class AlreadyInternal {

    private AlreadyInternal() {}

    /**
     * Looks each entry up on the internal registry.
     *
     * @return the entries with the digest, media type and size found
     * @throws FalcoOfflineException naming every reference that does not exist there
     */
    static List<LockEntry> resolve(List<CopyJobs.Internal> internal, Stores stores, String registry) {
        List<LockEntry> resolved = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (CopyJobs.Internal planned : internal) {
            LockEntry entry = planned.lockEntry();
            // The plan's text is parsed only when it is not a reference, to name it in the error.
            OciReference reference = planned.reference().orElseGet(() -> parse(entry.target()));
            Location location = stores.target(reference);
            String tagOrDigest = reference.digest() != null
                    ? reference.digest()
                    : reference.effectiveTag().orElseThrow();
            Optional<Descriptor> found = location.store().resolve(location.repository(), tagOrDigest);
            if (found.isEmpty()) {
                missing.add(entry.target());
                continue;
            }
            resolved.add(entry.toBuilder()
                    .sourceDigest(found.get().digest())
                    .targetDigest(found.get().digest())
                    .mediaType(found.get().mediaType())
                    .platforms(List.of())
                    .size(found.get().size())
                    .build());
        }
        if (!missing.isEmpty()) {
            throw new FalcoOfflineException("These references already point at " + registry
                    + " but do not exist there: " + String.join(", ", missing)
                    + ". Push them there first, or point the chart at their upstream source so they are mirrored.");
        }
        return resolved;
    }

    private static OciReference parse(String text) {
        try {
            return OciReference.parse(text);
        } catch (InvalidReferenceException e) {
            throw new FalcoOfflineException("The plan's reference " + e.getMessage(), e);
        }
    }
}
