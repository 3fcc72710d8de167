package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the plan's references into what a mirror run does with them: a copy job for each redirected reference (read
 * at the digest a previous lock recorded for it, when there is one), a lock entry for each already internal one.
 */
final class CopyJobs {

    /**
     * What the run does with the plan.
     *
     * @param jobs the artifacts to copy, each source and target once
     * @param alreadyInternal references already on the internal registry, recorded but not copied
     */
    record Planned(List<CopyJob> jobs, List<Internal> alreadyInternal) {}

    /**
     * A reference already on the internal registry.
     *
     * @param reference the reference, when the plan's text is one
     * @param lockEntry its lock entry, with no digest yet
     */
    record Internal(Optional<OciReference> reference, LockEntry lockEntry) {}

    private final Stores stores;
    private final Optional<OciLayoutStore> bundle;
    private final Optional<MirrorLock> previousLock;
    private final ProgressListener listener;

    /**
     * @param stores where sources are read and, when pushing, targets written
     * @param bundle the bundle written to, when the run writes one
     * @param previousLock the lock of an earlier run, whose source digests are read again
     */
    CopyJobs(
            Stores stores,
            Optional<OciLayoutStore> bundle,
            Optional<MirrorLock> previousLock,
            ProgressListener listener) {
        this.stores = stores;
        this.bundle = bundle;
        this.previousLock = previousLock;
        this.listener = listener;
    }

    Planned plan(List<PlannedReference> references) {
        Map<String, CopyJob> jobs = new LinkedHashMap<>();
        List<Internal> internal = new ArrayList<>();
        Set<String> internalSeen = new HashSet<>();
        for (PlannedReference reference : references) {
            if (reference.kind() == ReferenceKind.INDEX) {
                continue;
            }
            switch (reference.disposition()) {
                case NOT_REDIRECTED ->
                    listener.warn("Not mirrored: " + reference.source()
                            + " still points upstream in the chart, so the cluster pulls it from there.");
                case ALREADY_INTERNAL -> {
                    if (internalSeen.add(reference.source())) {
                        internal.add(new Internal(
                                reference.sourceReference(),
                                LockEntry.builder(
                                                LockEntry.Origin.ALREADY_INTERNAL,
                                                reference.kind(),
                                                reference.source(),
                                                reference.source())
                                        .note("already on the internal registry")
                                        .build()));
                    }
                }
                case REDIRECTED -> {
                    CopyJob job = job(
                            reference.kind(),
                            reference.sourceReference().orElseThrow(),
                            reference.targetReference().orElseThrow());
                    jobs.putIfAbsent(job.sourceName() + " " + job.targetName(), job);
                }
            }
        }
        return new Planned(List.copyOf(jobs.values()), internal);
    }

    /** A target the plan pins by digest must be what the copy writes, or the chart would pull something else. */
    static void requirePinnedDigests(List<StagedArtifact> staged) {
        for (StagedArtifact artifact : staged) {
            String pinned = artifact.job().targetName().digest();
            String copied = artifact.graph().root().descriptor().digest();
            if (pinned != null && !pinned.equals(copied)) {
                throw new MirrorException(
                        artifact.job().targetName().toString(),
                        "The plan pins " + artifact.job().targetName() + ", but copying "
                                + artifact.job().sourceName() + " writes " + copied
                                + " (other platforms than the plan was made for?). Package again with the same"
                                + " `platforms`. Nothing was tagged.",
                        null);
            }
        }
    }

    private CopyJob job(ReferenceKind kind, OciReference source, OciReference target) {
        Location targetLocation =
                bundle.map(layout -> new Location(layout, target.name())).orElseGet(() -> stores.target(target));
        return new CopyJob(
                LockEntry.Origin.PLAN,
                kind,
                source,
                stores.source(source),
                readAt(source, previousLock),
                target,
                targetLocation,
                target.effectiveTag().orElse(null),
                narrows(source, target),
                "");
    }

    /** Where a source is read: its own digest, else the one a previous lock recorded for it, else its tag. */
    static String readAt(OciReference source, Optional<MirrorLock> previousLock) {
        if (source.digest() != null) {
            return source.digest();
        }
        return previousLock
                .flatMap(lock -> lock.findSource(source.toString()))
                .map(LockEntry::sourceDigest)
                .orElse(source.effectiveTag().orElseThrow());
    }

    /**
     * Whether copying narrows an index to the run's platforms: not for a target pinned to the source's own digest,
     * which must keep it; a target pinned to another digest ({@code pinDigests} with platforms) names the narrowed
     * index.
     */
    static boolean narrows(OciReference source, OciReference target) {
        return target.digest() == null || !target.digest().equals(source.digest());
    }
}
