package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.oci.ArtifactGraph;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The mirror's first reads, started while the package run still verifies the chart: for each artifact the plan
 * expects to copy, its manifests and the cosign tags beside it, read from its source into the run's {@link Stores},
 * which remember them. The mirror run then finds them read and starts on the blobs at once. Across the internet these
 * reads are round trips (the tag, the index, its platforms' manifests, four signature tags) that otherwise came
 * between the end of verification and the first blob byte.
 *
 * <p>Reading ahead changes nothing anywhere and reports only at DEBUG: an artifact that verification then finds not
 * pulled was read for nothing (a few small requests), and one that cannot be read is read again by the mirror run,
 * which reports why. A run that pushes also probes the internal registry meanwhile ({@link TargetChecks}); the mirror
 * run reports the probe's failure where it would have probed.
 */
public final class ReadAhead implements AutoCloseable {

    private final Stores stores;
    private final Optional<Lookups> lookups;
    private final List<Future<?>> reads = new ArrayList<>();
    private Optional<Future<?>> targetProbe = Optional.empty();

    private ReadAhead(Stores stores, Optional<Lookups> lookups) {
        this.stores = stores;
        this.lookups = lookups;
    }

    /**
     * Starts reading the redirected artifacts of {@code references} on threads of its own; {@link Mirror#run} with
     * the same options and access copies them.
     *
     * @param options the mirror options the run will use, defaults applied (mode, registry mirrors, platforms, lock
     *     file, signatures)
     * @param access connection settings of the run
     * @param registry the internal registry, canonical {@code host[:port]}
     * @param references the references the plan expects to be pulled, before verification confirms them
     */
    public static ReadAhead start(
            MirrorOptions options,
            RegistryAccess access,
            String registry,
            List<PlannedReference> references,
            ProgressListener listener) {
        ReadAhead ahead = new ReadAhead(
                new Stores(Stores.registryClients(access, listener), options.registryMirrors()),
                Optional.of(new Lookups("read-ahead")));
        if (options.mode() == MirrorMode.PUSH) {
            ahead.targetProbe =
                    Optional.of(ahead.lookups.orElseThrow().start(TargetChecks.probe(registry, access, listener)));
        }
        Optional<MirrorLock> lock = readableLock(options, listener);
        Map<String, Runnable> reads = new LinkedHashMap<>();
        // One read per source and narrowing: a reference the chart names twice is read once.
        for (PlannedReference reference : references) {
            // What the run copies: not what is already internal, nor what stays upstream.
            if (reference.kind() == ReferenceKind.INDEX
                    || reference.disposition() != Disposition.REDIRECTED
                    || reference.sourceReference().isEmpty()
                    || reference.targetReference().isEmpty()) {
                continue;
            }
            OciReference source = reference.sourceReference().get();
            OciReference target = reference.targetReference().get();
            boolean narrows = CopyJobs.narrows(source, target);
            reads.putIfAbsent(source + " " + narrows, () -> ahead.read(source, narrows, lock, options, listener));
        }
        listener.debug("Reading " + reads.size() + " artifact(s) ahead of the mirror while the chart is verified.");
        reads.values()
                .forEach(read -> ahead.reads.add(ahead.lookups.orElseThrow().start(read)));
        return ahead;
    }

    /** The stores of a run that reads nothing ahead. */
    static ReadAhead none(MirrorOptions options, RegistryAccess access, ProgressListener listener) {
        return new ReadAhead(
                new Stores(Stores.registryClients(access, listener), options.registryMirrors()), Optional.empty());
    }

    /**
     * Requires that the internal registry speaks as the chart says, from the probe started ahead when there is one,
     * else probing now with {@code probe}.
     */
    void requireTargetProbed(Runnable probe) {
        if (targetProbe.isEmpty()) {
            probe.run();
            return;
        }
        try {
            targetProbe.get().get();
        } catch (ExecutionException e) {
            throw ExecutionFailures.unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FalcoOfflineException("Interrupted while probing the internal registry", e);
        }
    }

    /** The run's registry clients, which remember what was read ahead. */
    Stores stores() {
        return stores;
    }

    /** Stops the reads still running and closes the run's registry clients; closing again does nothing. */
    @Override
    public void close() {
        lookups.ifPresent(Lookups::close);
        stores.close();
    }

    /**
     * Reads what staging the artifact reads: its graph, and the signature tags beside it with what they name. The
     * tags are asked for as soon as the artifact's own manifest names its digest, while the manifests it lists are
     * fetched, not after them (for an index the run narrows, whose signatures it does not copy, in vain).
     */
    private void read(
            OciReference source,
            boolean narrows,
            Optional<MirrorLock> lock,
            MirrorOptions options,
            ProgressListener listener) {
        try {
            Location from = stores.source(source);
            String at = CopyJobs.readAt(source, lock);
            String digest = from.store()
                    .fetchManifest(from.repository(), at)
                    .descriptor()
                    .digest();
            List<ParallelWork.Task> reads = new ArrayList<>();
            reads.add(() -> ArtifactGraph.fetch(
                    from.store(),
                    from.repository(),
                    at,
                    narrows ? options.platforms() : List.of(),
                    source.toString(),
                    lookups.orElseThrow().perArtifact()));
            if (options.copySignatures()) {
                for (String tag : Signatures.tags(digest)) {
                    reads.add(() -> from.store()
                            .resolve(from.repository(), tag)
                            .ifPresent(found -> ArtifactGraph.fetch(
                                    from.store(), from.repository(), found.digest(), List.of(), tag)));
                }
            }
            lookups.orElseThrow().perArtifact().runAll(reads);
        } catch (Exception e) {
            listener.debug("Reading " + source + " ahead stopped (the mirror run reads it again if it copies it): "
                    + e.getMessage());
        }
    }

    /** The lock the run reads its sources at; none when it cannot be read, which the run then reports. */
    private static Optional<MirrorLock> readableLock(MirrorOptions options, ProgressListener listener) {
        try {
            return options.lockFile().flatMap(MirrorLock::read);
        } catch (RuntimeException e) {
            listener.debug("Reading ahead at the tags: the lock file cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Waits until every read ahead has ended; for tests. */
    void awaitReads() throws InterruptedException, ExecutionException {
        for (Future<?> read : reads) {
            read.get();
        }
    }
}
