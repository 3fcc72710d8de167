package io.falcooffline.core.mirror;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
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
    static List<StagedArtifact> beside(StagedArtifact artifact, ProgressListener listener) {
        List<StagedArtifact> signatures = new ArrayList<>();
        CopyJob job = artifact.job();
        if (artifact.graph().narrowed()) {
            listener.info("Signatures of " + job.sourceName() + " are not copied: narrowing it to "
                    + artifact.graph().platforms() + " changed its digest, which they sign.");
            return signatures;
        }
        String prefix = artifact.graph().sourceRoot().digest().replace(':', '-');
        OciReference sourceName = job.sourceName();
        OciReference targetName = job.targetName();
        for (String suffix : SIGNATURE_SUFFIXES) {
            String tag = prefix + suffix;
            Optional<Descriptor> found;
            try {
                found = job.source().store().resolve(job.source().repository(), tag);
            } catch (RuntimeException e) {
                listener.warn("Cannot look for " + tag + " of " + job.sourceName() + ": " + e.getMessage()
                        + "; it is not copied.");
                continue;
            }
            if (found.isEmpty()) {
                continue;
            }
            CopyJob signature = new CopyJob(
                    LockEntry.Origin.SIGNATURE,
                    job.kind(),
                    new OciReference(sourceName.registry(), sourceName.repository(), tag, null),
                    job.source(),
                    found.get().digest(),
                    new OciReference(targetName.registry(), targetName.repository(), tag, null),
                    job.target(),
                    tag,
                    false,
                    "signs " + job.targetName());
            signatures.add(StagedArtifact.stage(signature, List.of()));
        }
        return signatures;
    }
}
