package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.FileFilledBlobs;
import io.falcooffline.core.oci.HelpedWork;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.oci.RangedBlobSource;
import io.falcooffline.core.oci.VerifyingInputStream;
import io.falcooffline.core.oci.registry.UploadInterruptedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Copies staged artifacts in two phases. First the content: each artifact's blobs, streamed and verified, skipped
 * when the target has them and mounted when another repository of the same target does; then its manifests under
 * their digests, children first. Only when every artifact's content is in place does {@link #tag} set the tags, so
 * a failure leaves no tag pointing at incomplete content.
 *
 * <p>How it fills the link: look-ups (each blob's {@code HEAD} and mount; the staging reads run on {@link Lookups})
 * run on threads of their own and take no transfer slot, so they never wait behind a large blob. Blob bytes move in
 * {@link TransferSlots}, whose number adapts to the rate the link gives, between 2 and {@code parallelism}. A blob of
 * at least {@link #RANGED_MIN_BYTES} from a distant registry that honours {@code Range} is fetched as several ranges
 * at once (a near one, whose single connection outruns the cores, streams it whole),
 * each in a slot of its own, written by offset into a file that is hashed whole before anything is committed: the
 * bundle's own ingest file, or for a registry target a temporary file that an upload reads in order as the ranges
 * fill it ({@link SpooledBlob}: the file, not memory, holds the ranges that arrive early). A blob of at most
 * {@link #LATENCY_BOUND_BYTES} (configs, small layers, rules files) costs a round trip, not bandwidth: it takes no
 * slot, and these blobs start first, so that they end while the large ones transfer instead of after them.
 */
final class MirrorEngine implements AutoCloseable {

    private static final long ABORT_WAIT_SECONDS = 30;
    /**
     * Blobs from this size on (two of the shortest ranges) are fetched in ranges where the source allows: across the
     * internet one connection carries a fraction of the link, and a blob of 30 MiB on one connection of 20 MiB/s
     * would trail the run by a second and a half. A smaller one ends within a few tenths of a second, where more
     * connections would mostly add round trips.
     */
    static final long RANGED_MIN_BYTES = 8L * 1024 * 1024;
    /**
     * Blobs up to this size (image configs, entrypoint and config layers, rules files) move within a round trip even
     * on a slow connection (64 KiB at 2 MiB/s is 31 ms): their time is latency, so they take no transfer slot,
     * which shares bandwidth.
     */
    static final long LATENCY_BOUND_BYTES = 64 * 1024;
    /**
     * Threads that place blobs: each looks its blob up at the target, then waits for a transfer slot. Many more
     * than the slots, so the look-ups of most blobs run while the first ones transfer; a thread waiting costs only
     * its stack.
     */
    private static final int PLACEMENT_THREADS = 64;

    /** What a failure before the tags leaves: nothing a node pulls by tag has changed. */
    private static final String NOTHING_TAGGED =
            "No tag of this run was set; run again once the cause is fixed (content already copied is reused)";

    private final ExecutorService transfers;
    /** Threads that help one transfer: ranges of a large blob, spooled uploads. */
    private final ExecutorService helpers;

    private final ScheduledExecutorService sampler;
    private final TransferSlots slots;
    private final int parallelism;
    /** The stores of the jobs seen so far, whose transient failures slow the transfers down. */
    private final Set<OciStore> stores = ConcurrentHashMap.newKeySet();
    /** Bytes of earlier {@link #copyContent} calls, so the sampled count only grows across calls. */
    private final AtomicLong bytesOfEarlierCalls = new AtomicLong();

    private final ProgressListener listener;
    private final Duration progressInterval;
    /** The progress of the current {@link #copyContent} call. */
    private volatile TransferProgress transferProgress;

    private final AtomicLong bytesTransferred = new AtomicLong();
    private final AtomicInteger blobsTransferred = new AtomicInteger();
    private final AtomicInteger blobsSkipped = new AtomicInteger();
    private final AtomicInteger blobsMounted = new AtomicInteger();
    private final AtomicInteger blobsInRanges = new AtomicInteger();
    /** The manifests this engine stored, each once per target repository. */
    private final StoredManifests manifests = new StoredManifests();
    /** For each target store, a repository known to hold each blob digest. */
    private final Map<OciStore, Map<String, String>> placements = new ConcurrentHashMap<>();

    /**
     * @param parallelism the most blob transfers at once; fewer run while more do not raise the rate
     * @param progressInterval how often a line reports the bytes moved while blobs transfer; zero for none
     */
    MirrorEngine(int parallelism, Duration progressInterval, ProgressListener listener) {
        this(parallelism, progressInterval, listener, TransferSlots.SAMPLE_WINDOW);
    }

    /** @param sampleWindow how often the transfer rate is sampled to adapt the number of transfers */
    MirrorEngine(int parallelism, Duration progressInterval, ProgressListener listener, Duration sampleWindow) {
        this.parallelism = parallelism;
        this.transfers = Executors.newFixedThreadPool(PLACEMENT_THREADS, DaemonThreads.named("transfer"));
        this.helpers = Executors.newCachedThreadPool(DaemonThreads.named("helper"));
        this.sampler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("rate"));
        this.progressInterval = progressInterval;
        this.listener = listener;
        this.slots = new TransferSlots(
                parallelism, sampleWindow, this::bytesArrived, this::failuresSoFar, sampler, decision -> {
                    listener.debug("Blob " + decision);
                });
    }

    private long failuresSoFar() {
        long failures = 0;
        for (OciStore store : stores) {
            failures += store.transientFailures();
        }
        return failures;
    }

    /** The bytes that arrived so far, finished transfers and those in flight. */
    private long bytesArrived() {
        TransferProgress running = transferProgress;
        return bytesOfEarlierCalls.get() + (running == null ? 0 : running.bytesDone());
    }

    /**
     * Copies every artifact's blobs and manifests, leaving tags alone. Blobs of all artifacts share the bounded
     * transfer threads; a blob several artifacts need in one target is placed once and mounted or found for the
     * others. Each artifact's manifests are stored, and its progress reported, as soon as its last blob is in place.
     */
    void copyContent(List<StagedArtifact> artifacts) {
        copyContent(handOver -> {
            handOver.accept(artifacts);
            return null;
        });
    }

    /**
     * Copies, as {@link #copyContent(List)} does, the artifacts {@code staging} hands over while it reads them: each
     * one's blobs start as soon as it is handed over, not after the last artifact is read, since across the internet
     * those reads are round trips while the link would stay idle. {@code staging} runs on a thread of its own; when it
     * fails, the transfers stop and its failure is thrown as it is.
     *
     * @param staging reads the artifacts, handing each over (on any thread) once it is read and may be copied
     * @return what {@code staging} returned
     */
    <T> T copyContent(Function<Consumer<List<StagedArtifact>>, T> staging) {
        T staged;
        try (TransferProgress running = new TransferProgress(listener, 0, progressInterval)) {
            transferProgress = running;
            try {
                staged = new ContentCopy().run(staging);
            } finally {
                bytesOfEarlierCalls.addAndGet(running.bytesDone());
                transferProgress = null;
            }
        }
        listener.debug("Blob transfers at once: started at " + slots.start() + " (at most " + parallelism
                + "), reached " + slots.highest() + ", now " + slots.limit() + "; " + blobsInRanges.get()
                + " blobs fetched in ranges");
        return staged;
    }

    /**
     * One {@link #copyContent} call: its thread takes the events (artifacts handed over, artifacts whose blobs are
     * all placed, failures) in turn, so its count of artifacts and its blob groups are its own.
     */
    private final class ContentCopy {
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private int handedOver;
        private final Map<BlobKey, BlobGroup> groups = new HashMap<>();
        private final List<Future<?>> pending = new ArrayList<>();
        private final AtomicReference<Failure> failed = new AtomicReference<>();

        <T> T run(Function<Consumer<List<StagedArtifact>>, T> staging) {
            FutureTask<T> reads =
                    new FutureTask<>(() -> staging.apply(batch -> events.add(new HandedOver(List.copyOf(batch))))) {
                        @Override
                        protected void done() {
                            events.add(new StagingEnded());
                        }
                    };
            pending.add(helpers.submit(reads));
            boolean stagingEnded = false;
            int stored = 0;
            while (!stagingEnded || stored < handedOver) {
                Event event;
                try {
                    event = events.take();
                } catch (InterruptedException e) {
                    abort(pending);
                    Thread.currentThread().interrupt();
                    throw new MirrorException("", "Mirroring was interrupted while copying blobs.", e);
                }
                if (event instanceof HandedOver arrived) {
                    start(arrived.artifacts());
                } else if (event instanceof AllPlaced placed) {
                    // Artifacts often complete together at the end, each a few manifest round trips: at once.
                    pending.add(helpers.submit(() -> store(placed.artifact(), placed.progress())));
                } else if (event instanceof Stored) {
                    stored++;
                } else if (event instanceof Failure failure) {
                    abort(pending);
                    throw failure(failure.job(), failure.step(), failure.cause(), NOTHING_TAGGED);
                } else if (event instanceof StagingEnded) {
                    stagingEnded = true;
                    staged(reads);
                }
            }
            return staged(reads);
        }

        /** What staging returned; its failure, once the transfers it started are stopped. */
        private <T> T staged(FutureTask<T> reads) {
            try {
                return reads.get();
            } catch (ExecutionException e) {
                abort(pending);
                throw ExecutionFailures.unwrap(e);
            } catch (InterruptedException e) {
                abort(pending);
                Thread.currentThread().interrupt();
                throw new MirrorException("", "Mirroring was interrupted while reading artifacts.", e);
            }
        }

        /**
         * Starts placing the blobs of artifacts just handed over: a blob new to its target gets a group, started
         * small ones first, then largest first, so the copy does not end waiting on one big layer started last; a
         * blob another artifact already placed there is placed again from there (found or mounted).
         */
        private void start(List<StagedArtifact> artifacts) {
            List<BlobGroup> fresh = new ArrayList<>();
            for (StagedArtifact artifact : artifacts) {
                handedOver++;
                ArtifactProgress progress =
                        new ArtifactProgress(artifact.graph().blobs().size());
                CopyJob job = artifact.job();
                stores.add(job.source().store());
                stores.add(job.target().store());
                if (artifact.graph().blobs().isEmpty()) {
                    events.add(new AllPlaced(artifact, progress));
                }
                for (Descriptor blob : artifact.graph().blobs()) {
                    BlobGroup group =
                            groups.computeIfAbsent(new BlobKey(job.target().store(), blob.digest()), key -> {
                                BlobGroup created = new BlobGroup(blob);
                                fresh.add(created);
                                transferProgress.expect(blob.size());
                                return created;
                            });
                    if (group.add(new BlobGroup.Placement(artifact, progress, blob)) && !fresh.contains(group)) {
                        pending.add(transfers.submit(() -> place(group)));
                    }
                }
            }
            fresh.sort(Comparator.comparing((BlobGroup group) -> group.blob().size() > LATENCY_BOUND_BYTES)
                    .thenComparing(Comparator.comparingLong(
                                    (BlobGroup group) -> group.blob().size())
                            .reversed()));
            fresh.forEach(group -> pending.add(transfers.submit(() -> place(group))));
        }

        /**
         * Stores the manifests of an artifact whose blobs are all placed, children first, and reports it. A target
         * that lacked one of its blobs cannot hold its manifests, so they are put without asking first.
         */
        private void store(StagedArtifact artifact, ArtifactProgress progress) {
            boolean absent = progress.placedNewBlobs();
            Location target = artifact.job().target();
            try {
                for (Manifest child : artifact.graph().children()) {
                    manifests.storeOnce(target, child, absent);
                }
                manifests.storeOnce(target, artifact.graph().root(), absent);
            } catch (RuntimeException | Error e) {
                fail(new Failure(artifact.job(), "storing its manifests", e));
                return;
            }
            listener.info(progress.line(artifact));
            events.add(new Stored());
        }

        /** Reports the first failure to the event thread; later ones are consequences of the abort it causes. */
        private void fail(Failure failure) {
            if (failed.compareAndSet(null, failure)) {
                events.add(failure);
            }
        }

        /** Places the group's blob wherever asked, in turn, until none is left or another placement failed. */
        private void place(BlobGroup group) {
            boolean moved = false;
            for (BlobGroup.Placement placement = group.next(); placement != null; placement = group.next()) {
                if (failed.get() != null || Thread.currentThread().isInterrupted()) {
                    return;
                }
                placement.progress().started();
                ArtifactProgress.Outcome outcome;
                try {
                    outcome = copyBlob(placement.artifact().job(), placement.blob());
                } catch (Exception | Error e) {
                    fail(new Failure(
                            placement.artifact().job(),
                            "copying blob " + placement.blob().digest(),
                            e));
                    return;
                }
                moved |= outcome.kind() == ArtifactProgress.Kind.TRANSFERRED;
                if (placement.progress().record(outcome)) {
                    events.add(new AllPlaced(placement.artifact(), placement.progress()));
                }
            }
            if (!moved && group.firstPlacedWithoutMoving()) {
                transferProgress.notMoved(group.blob());
            }
        }
    }

    /**
     * Sets every artifact's tag; call after {@link #copyContent} succeeded for all of them. The tags are set at once,
     * on helper threads: each is a request or two to the target, and one after the other they took a round trip per
     * artifact to a distant registry. After the first failure no further tag starts, and it is thrown once the tags
     * in flight have ended; the tags set stay, and a run again sets the rest.
     */
    void tag(List<StagedArtifact> artifacts) {
        List<ParallelWork.Task> tagging = artifacts.stream()
                .filter(artifact -> artifact.job().targetTag() != null)
                .<ParallelWork.Task>map(artifact -> () -> tag(artifact))
                .toList();
        try {
            new HelpedWork(helpers, tagging.size(), HelpedWork.Admission.OPEN).runAll(tagging);
        } catch (IOException e) {
            // A tag fails unchecked (failure below); what runAll throws checked is an interruption.
            throw new MirrorException("", "Mirroring was interrupted while setting the tags.", e);
        }
    }

    private void tag(StagedArtifact artifact) {
        CopyJob job = artifact.job();
        Manifest root = artifact.graph().root();
        try {
            boolean untagged = manifests.putWhereAbsent(job.target(), root);
            Optional<Descriptor> current = untagged
                    ? Optional.empty()
                    : job.target().store().resolve(job.target().repository(), job.targetTag());
            if (current.isPresent()
                    && current.get().digest().equals(root.descriptor().digest())) {
                return;
            }
            job.target().store().pushManifest(job.target().repository(), job.targetTag(), root);
        } catch (RuntimeException e) {
            throw failure(
                    job,
                    "tagging it",
                    e,
                    "Its content is in place, and tags of the other artifacts may be set; run again once the cause is"
                            + " fixed (it sets the tags that are missing and reuses the content)");
        }
    }

    long bytesTransferred() {
        return bytesTransferred.get();
    }

    int blobsTransferred() {
        return blobsTransferred.get();
    }

    int blobsSkipped() {
        return blobsSkipped.get();
    }

    int blobsMounted() {
        return blobsMounted.get();
    }

    /** How many blobs came as several ranges at once. */
    int blobsInRanges() {
        return blobsInRanges.get();
    }

    /** Every change of the number of transfers at once, in order. */
    List<AdaptiveConcurrency.Decision> concurrencyDecisions() {
        return slots.decisions();
    }

    /** The highest number of transfers at once the run allowed. */
    int highestConcurrency() {
        return slots.highest();
    }

    /** Stops the transfers still running and waits for them to clean up, as after a failure. */
    @Override
    public void close() {
        slots.close();
        sampler.shutdownNow();
        abort(List.of());
    }

    /**
     * Stops the other transfers and waits for them to clean up, so a failed run leaves no half-written file behind.
     * The run ends with the failure, so the transfer threads are not needed any more.
     */
    private void abort(List<Future<?>> pending) {
        pending.forEach(future -> future.cancel(true));
        transfers.shutdownNow();
        helpers.shutdownNow();
        try {
            if (!transfers.awaitTermination(ABORT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                listener.warn("Some transfers did not stop within " + ABORT_WAIT_SECONDS + " s of the failure.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ArtifactProgress.Outcome copyBlob(CopyJob job, Descriptor blob) throws IOException {
        Location target = job.target();
        Location source = job.source();
        OciStore store = target.store();
        if (store.hasBlob(target.repository(), blob)) {
            remember(store, blob, target.repository());
            blobsSkipped.incrementAndGet();
            return new ArtifactProgress.Outcome(ArtifactProgress.Kind.SKIPPED, 0);
        }
        String mountFrom = placements.getOrDefault(store, Map.of()).get(blob.digest());
        if (mountFrom == null && source.store() == store) {
            mountFrom = source.repository();
        }
        if (mountFrom != null
                && !mountFrom.equals(target.repository())
                && store.mountBlob(target.repository(), blob, mountFrom)) {
            remember(store, blob, target.repository());
            blobsMounted.incrementAndGet();
            return new ArtifactProgress.Outcome(ArtifactProgress.Kind.MOUNTED, 0);
        }
        long count;
        String artifact = job.sourceName().toString();
        boolean needsSlot = blob.size() > LATENCY_BOUND_BYTES;
        if (needsSlot) {
            try {
                slots.acquire(blob.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting to transfer " + blob.digest());
            }
        }
        try {
            count = transfer(artifact, source, target, blob);
        } catch (UploadInterruptedException e) {
            // Nothing was committed; the target's client now uploads in resumable chunks.
            listener.debug("Sending " + blob.digest() + " to " + target + " again: " + e.getMessage());
            count = transfer(artifact, source, target, blob);
        } finally {
            if (needsSlot) {
                slots.release();
            }
        }
        remember(store, blob, target.repository());
        bytesTransferred.addAndGet(count);
        blobsTransferred.incrementAndGet();
        return new ArtifactProgress.Outcome(ArtifactProgress.Kind.TRANSFERRED, count);
    }

    /**
     * Streams the source's verifying stream straight into the upload, which recognises it and hashes once; a push
     * returns only after exactly the blob's bytes were read and verified.
     */
    private long transfer(String artifact, Location source, Location target, Descriptor blob) throws IOException {
        if (blob.size() >= RANGED_MIN_BYTES
                && source.store() instanceof RangedBlobSource ranged
                && ranged.rangesPayOff()) {
            return transferInRanges(artifact, source, target, blob, ranged);
        }
        try (InputStream in = source.store().fetchBlob(source.repository(), blob)) {
            LongSupplier bytesRead = in instanceof VerifyingInputStream verifying ? verifying::bytesRead : () -> 0;
            TransferProgress.Transfer transfer = transferProgress.start(artifact, blob, bytesRead);
            boolean completed = false;
            try {
                target.store().pushBlob(target.repository(), blob, in);
                completed = true;
            } finally {
                transferProgress.end(transfer, completed);
            }
            return blob.size();
        }
    }

    /**
     * Fetches the blob as ranges at once into a file the target verifies whole before committing: the bundle's own,
     * or a temporary one that the upload to a registry target reads as it fills.
     */
    private long transferInRanges(
            String artifact, Location source, Location target, Descriptor blob, RangedBlobSource ranged) {
        slots.acrossTheInternet();
        LongAdder arrived = new LongAdder();
        ParallelWork parallel = slots.parallelWork(helpers, parallelism - 1, blob.size());
        AtomicInteger requests = new AtomicInteger();
        SpooledBlob.Fetch fetch = sink -> requests.set(ranged.fetchBlobInto(source.repository(), blob, sink, parallel));
        TransferProgress.Transfer transfer = transferProgress.start(artifact, blob, arrived::sum);
        boolean completed = false;
        try {
            if (target.store() instanceof FileFilledBlobs files) {
                files.pushBlobFilled(blob, file -> fetch.into(RangedBlobSource.Sink.into(file, arrived::add)));
            } else {
                SpooledBlob.push(target, blob, fetch, arrived::add, helpers, listener);
            }
            completed = true;
        } finally {
            transferProgress.end(transfer, completed);
        }
        if (requests.get() > 1) {
            blobsInRanges.incrementAndGet();
        }
        listener.debug("Fetched " + blob.digest() + " from " + source + " in " + requests.get()
                + (requests.get() == 1 ? " request" : " ranges at once"));
        return blob.size();
    }

    private void remember(OciStore store, Descriptor blob, String repository) {
        placements.computeIfAbsent(store, key -> new ConcurrentHashMap<>()).putIfAbsent(blob.digest(), repository);
    }

    /** The run's failure for {@code job} at {@code step}, saying what it left ({@code left}) and what to do. */
    private static MirrorException failure(CopyJob job, String step, Throwable cause, String left) {
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new MirrorException(
                job.sourceName().toString(),
                "Mirroring " + job.sourceName() + " from " + job.source() + " to " + job.targetName() + " failed while "
                        + step + ": " + reason + ". " + left + ".",
                cause);
    }

    /** Which target store a blob goes to; one group of placements per key. */
    private record BlobKey(OciStore store, String digest) {}

    /** What the thread of a {@link #copyContent} call takes in turn. */
    private sealed interface Event permits HandedOver, AllPlaced, Stored, Failure, StagingEnded {}

    /** Artifacts staging handed over. */
    private record HandedOver(List<StagedArtifact> artifacts) implements Event {}

    /** Every blob of an artifact is in place: its manifests can be stored. */
    private record AllPlaced(StagedArtifact artifact, ArtifactProgress progress) implements Event {}

    /** An artifact's manifests are stored and its progress reported. */
    private record Stored() implements Event {}

    /** The first placement or store that failed, and the step it failed in. */
    private record Failure(CopyJob job, String step, Throwable cause) implements Event {}

    /** Staging returned or failed. */
    private record StagingEnded() implements Event {}
}
