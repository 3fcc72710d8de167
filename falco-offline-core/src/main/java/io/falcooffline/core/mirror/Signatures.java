package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The cosign tags beside an artifact ({@code copySignatures}): found in its source, copied beside its target. */
final class Signatures {

    /** Suffixes of the tags cosign puts beside {@code sha256-<hex>}: signature, attestation, SBOM, referrers. */
    private static final List<String> SIGNATURE_SUFFIXES = List.of(".sig", ".att", ".sbom", "");

    private Signatures() {}

    /**
     * The signatures, attestations and referrers tag of an artifact found beside it in its source, staged for copying;
     * none for an index narrowed to fewer platforms, whose digest they do not sign.
     */
    static List<StagedArtifact> beside(StagedArtifact artifact, ProgressListener listener, ParallelWork lookups) {
        List<StagedArtifact> signatures = new ArrayList<>();
        CopyJob job = artifact.job();
        if (artifact.graph().narrowed()) {
            listener.info("Signatures of " + job.sourceName() + " are not copied: narrowing it to "
                    + artifact.graph().platforms() + " changed its digest, which they sign.");
            return signatures;
        }
        List<String> tags = tags(artifact.graph().sourceRoot().digest());
        // Each look-up is a round trip, and most find nothing: ask for all at once.
        List<Optional<Descriptor>> found = new ArrayList<>(Collections.nCopies(tags.size(), Optional.empty()));
        List<ParallelWork.Task> lookUps = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            int slot = i;
            lookUps.add(() -> found.set(slot, lookFor(job, tags.get(slot), listener)));
        }
        try {
            lookups.runAll(lookUps);
        } catch (IOException e) {
            throw new MirrorException(
                    job.sourceName().toString(),
                    "Looking for the signatures of " + job.sourceName() + " was interrupted: " + e.getMessage(),
                    e);
        }
        OciReference sourceName = job.sourceName();
        OciReference targetName = job.targetName();
        for (int i = 0; i < tags.size(); i++) {
            if (found.get(i).isEmpty()) {
                continue;
            }
            String tag = tags.get(i);
            CopyJob signature = new CopyJob(
                    LockEntry.Origin.SIGNATURE,
                    job.kind(),
                    new OciReference(sourceName.registry(), sourceName.repository(), tag, null),
                    job.source(),
                    found.get(i).get().digest(),
                    new OciReference(targetName.registry(), targetName.repository(), tag, null),
                    job.target(),
                    tag,
                    false,
                    "signs " + job.targetName());
            signatures.add(StagedArtifact.stage(signature, List.of(), lookups));
        }
        return signatures;
    }

    /** The tags cosign puts beside the artifact of digest {@code digest} (as its source has it), in its repository. */
    static List<String> tags(String digest) {
        String prefix = digest.replace(':', '-');
        return SIGNATURE_SUFFIXES.stream().map(suffix -> prefix + suffix).toList();
    }

    /** The tag's descriptor in the job's source, or none when it is absent or cannot be looked up (warned). */
    private static Optional<Descriptor> lookFor(CopyJob job, String tag, ProgressListener listener) {
        try {
            return job.source().store().resolve(job.source().repository(), tag);
        } catch (RuntimeException e) {
            listener.warn("Cannot look for " + tag + " of " + job.sourceName() + ": " + e.getMessage()
                    + "; it is not copied.");
            return Optional.empty();
        }
    }
}
