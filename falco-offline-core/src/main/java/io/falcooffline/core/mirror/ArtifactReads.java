package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.ParallelWork;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the artifacts of copy jobs for {@link MirrorEngine#copyContent(java.util.function.Function)}: each artifact,
 * then the signatures beside it, handed to the engine as soon as each is read, so that its blobs need not wait for
 * the round trips of the other reads.
 */
final class ArtifactReads {

    /** An artifact as read from its source, with the signatures found beside it. */
    record ReadArtifact(StagedArtifact artifact, List<StagedArtifact> signatures) {}

    private final Lookups lookups;
    private final MirrorOptions options;
    private final ProgressListener listener;

    ArtifactReads(Lookups lookups, MirrorOptions options, ProgressListener listener) {
        this.lookups = lookups;
        this.options = options;
        this.listener = listener;
    }

    /**
     * Copies every job's artifact and signatures with {@code engine}.
     *
     * @return what was read, by job, in job order
     * @throws RuntimeException the first job's failure in job order, as reading it threw
     */
    Map<CopyJob, ReadArtifact> copy(MirrorEngine engine, List<CopyJob> jobs) {
        return byJob(jobs, engine.copyContent(handOver -> lookups.map(jobs, job -> Optional.of(read(job, handOver)))));
    }

    /**
     * Copies what can be read of the jobs: a job whose artifact cannot be read is left out (said at DEBUG), and the
     * others are copied.
     *
     * @param beforeWriting runs before each artifact read is handed to the engine; its failure leaves the job out
     * @return what was read, by job, in job order, without the jobs left out
     */
    Map<CopyJob, ReadArtifact> copyReadable(MirrorEngine engine, List<CopyJob> jobs, Runnable beforeWriting) {
        return byJob(
                jobs,
                engine.copyContent(handOver -> lookups.map(jobs, job -> {
                    try {
                        return Optional.of(read(job, batch -> {
                            beforeWriting.run();
                            handOver.accept(batch);
                        }));
                    } catch (RuntimeException e) {
                        listener.debug(
                                "Reading " + job.sourceName() + " ahead stopped (the mirror run reads it again if it"
                                        + " copies it): " + e.getMessage());
                        return Optional.empty();
                    }
                })));
    }

    /** The reads of the jobs, which {@code read} holds in job order, by job. */
    private static Map<CopyJob, ReadArtifact> byJob(List<CopyJob> jobs, List<Optional<ReadArtifact>> read) {
        Map<CopyJob, ReadArtifact> byJob = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            CopyJob job = jobs.get(i);
            read.get(i).ifPresent(artifact -> byJob.put(job, artifact));
        }
        return byJob;
    }

    private ReadArtifact read(CopyJob job, Consumer<List<StagedArtifact>> handOver) {
        ParallelWork work = lookups.perArtifact();
        StagedArtifact artifact = StagedArtifact.stage(job, options.platforms(), work);
        CopyJobs.requirePinnedDigests(List.of(artifact));
        handOver.accept(List.of(artifact));
        List<StagedArtifact> signatures =
                options.copySignatures() ? Signatures.beside(artifact, listener, work) : List.of();
        handOver.accept(signatures);
        return new ReadArtifact(artifact, signatures);
    }
}
