package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * The mirror's copy, started while the package run still verifies the chart: each artifact the plan expects to copy
 * is read (its manifests, the cosign tags beside it) and its blobs and manifests are written to the target under
 * their digests. Across the internet the first reads are round trips and the blobs most of the run; the link would
 * otherwise sit idle while the chart is rewritten and Helm renders it.
 *
 * <p>Copying ahead sets no tag and changes no bundle index: what it writes is content under its digest, which the
 * mirror run after verification finds in place. The run sets the tags and keeps in a bundle only what the verified
 * plan uses: a reference verification drops was copied for nothing, one it adds is copied by the run. Progress is
 * reported as the run reports it; failures only at DEBUG, since the run reads and copies again what failed and
 * reports why. A run that pushes probes the internal registry first ({@link TargetChecks}) and copies only once it
 * answered; the run reports the probe's failure where it would have probed.
 */
public final class CopyAhead implements AutoCloseable {

    private final MirrorOptions options;
    private final ProgressListener listener;
    private final Stores stores;
    private final Lookups lookups;
    private volatile MirrorEngine engine;
    private Optional<OciLayoutStore> layout = Optional.empty();
    private Optional<Future<?>> targetProbe = Optional.empty();
    private Optional<FutureTask<Map<CopyJob, ArtifactReads.ReadArtifact>>> copy = Optional.empty();

    private CopyAhead(MirrorOptions options, RegistryAccess access, ProgressListener listener) {
        this.options = options;
        this.listener = listener;
        this.stores = new Stores(Stores.registryClients(access, listener), options.registryMirrors());
        this.lookups = new Lookups("lookup");
        this.engine = new MirrorEngine(options.parallelism(), options.progressInterval(), listener);
    }

    /**
     * Starts copying the redirected artifacts of {@code references} on threads of its own; {@link Mirror#run} with
     * the same options and access completes the copy.
     *
     * @param options the mirror options the run will use, defaults applied (mode, bundle, registry mirrors,
     *     platforms, lock file, signatures)
     * @param access connection settings of the run
     * @param registry the internal registry, canonical {@code host[:port]}
     * @param references the references the plan expects to be pulled, before verification confirms them
     */
    public static CopyAhead start(
            MirrorOptions options,
            RegistryAccess access,
            String registry,
            List<PlannedReference> references,
            ProgressListener listener) {
        CopyAhead ahead = new CopyAhead(options, access, listener);
        if (options.mode() == MirrorMode.PUSH) {
            ahead.targetProbe = Optional.of(ahead.lookups.start(TargetChecks.probe(registry, access, listener)));
        }
        // What the run copies: not what is already internal, nor what stays upstream.
        List<PlannedReference> copied = references.stream()
                .filter(reference -> reference.kind() != ReferenceKind.INDEX
                        && reference.disposition() == Disposition.REDIRECTED
                        && reference.sourceReference().isPresent()
                        && reference.targetReference().isPresent())
                .toList();
        if (copied.isEmpty()) {
            return ahead;
        }
        listener.info("Mirroring to " + destination(options, registry)
                + ": the content while the chart is verified, the tags once it is.");
        FutureTask<Map<CopyJob, ArtifactReads.ReadArtifact>> task = new FutureTask<>(() -> ahead.copy(copied));
        DaemonThreads.start("copy ahead", task);
        ahead.copy = Optional.of(task);
        return ahead;
    }

    /** The threads and stores of a run that copies nothing ahead. */
    static CopyAhead none(MirrorOptions options, RegistryAccess access, ProgressListener listener) {
        return new CopyAhead(options, access, listener);
    }

    /** Where the run writes, as its log lines name it. */
    static String destination(MirrorOptions options, String registry) {
        return options.mode() == MirrorMode.BUNDLE
                ? "bundle " + options.bundle().orElseThrow()
                : "registry " + registry;
    }

    /** Whether the copy started ahead, and said where it writes. */
    boolean started() {
        return copy.isPresent();
    }

    /**
     * Requires that the internal registry speaks as the chart says, from the probe started ahead when there is one,
     * else probing now with {@code probe}.
     */
    void requireTargetProbed(Runnable probe) {
        if (targetProbe.isEmpty()) {
            probe.run();
        } else {
            awaitTargetProbe(targetProbe.get());
        }
    }

    /** Waits for the probe started ahead; its failure as probing would have thrown it. */
    private static void awaitTargetProbe(Future<?> probe) {
        ExecutionFailures.await(
                probe, e -> new FalcoOfflineException("Interrupted while probing the internal registry", e));
    }

    /**
     * Waits for the copy ahead to end and returns what it copied by job; none when it did not start or stopped, as
     * the run then copies again what it needs (and finds in place what is there).
     */
    Map<CopyJob, ArtifactReads.ReadArtifact> copied() {
        if (copy.isEmpty()) {
            return Map.of();
        }
        try {
            return copy.get().get();
        } catch (ExecutionException e) {
            listener.debug("Copying ahead stopped (the mirror run copies what it needs): "
                    + ExecutionFailures.unwrap(e).getMessage());
            // A copy that failed stopped its engine's threads.
            engine.close();
            engine = new MirrorEngine(options.parallelism(), options.progressInterval(), listener);
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FalcoOfflineException("Interrupted while copying ahead", e);
        }
    }

    /** The run's registry clients, which remember what was read ahead. */
    Stores stores() {
        return stores;
    }

    /** The threads the run's look-ups run on. */
    Lookups lookups() {
        return lookups;
    }

    /** The engine that copies for the run, with the counts of what it copied ahead; after {@link #copied}. */
    MirrorEngine engine() {
        return engine;
    }

    /** The bundle's layout, opened for writing on first use; the run's stores own it. */
    synchronized OciLayoutStore layout() {
        if (layout.isEmpty()) {
            layout = Optional.of(
                    stores.own(OciLayoutStore.openForWriting(options.bundle().orElseThrow())));
        }
        return layout.get();
    }

    /**
     * Stops the copy if it still runs, waiting for its transfers to end, and closes the run's engine, threads and
     * registry clients; closing again does nothing.
     */
    @Override
    public void close() {
        copy.ifPresent(task -> task.cancel(true));
        lookups.close();
        engine.close();
        stores.close();
    }

    private Map<CopyJob, ArtifactReads.ReadArtifact> copy(List<PlannedReference> references) {
        Optional<OciLayoutStore> bundle =
                options.mode() == MirrorMode.BUNDLE ? Optional.of(layout()) : Optional.empty();
        CopyJobs.Planned planned = new CopyJobs(stores, bundle, readableLock(), listener).plan(references);
        // Reads need no answer from the internal registry; writes wait for its probe.
        return new ArtifactReads(lookups, options, listener)
                .copyReadable(engine, planned.jobs(), () -> targetProbe.ifPresent(CopyAhead::awaitTargetProbe));
    }

    /** The lock the run reads its sources at; none when it cannot be read, which the run then reports. */
    private Optional<MirrorLock> readableLock() {
        try {
            return options.lockFile().flatMap(MirrorLock::read);
        } catch (RuntimeException e) {
            listener.debug("Copying ahead at the tags: the lock file cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Waits until the copy ahead has ended, however; for tests. */
    void awaitCopy() throws InterruptedException {
        if (copy.isPresent()) {
            try {
                copy.get().get();
            } catch (ExecutionException e) {
                // The run reports it.
            }
        }
    }
}
