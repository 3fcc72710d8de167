package io.falcooffline.core.mirror;

import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.oci.HelpedWork;
import io.falcooffline.core.oci.ParallelWork;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Threads for look-ups: manifest reads and tag look-ups, which across the internet are round trips, not bandwidth.
 * They take no transfer slot, so they never wait behind a large blob.
 */
final class Lookups implements AutoCloseable {

    /** Artifacts read at once. */
    private static final int THREADS = 16;
    /** The most helpers one artifact's look-ups take at once (an index's manifests, the signature tags). */
    private static final int HELPERS_PER_ARTIFACT = 4;

    private final ExecutorService artifacts;
    private final ExecutorService helpers;

    /** @param name what the threads are called, after what they read for */
    Lookups(String name) {
        this.artifacts = Executors.newFixedThreadPool(THREADS, DaemonThreads.named(name));
        this.helpers = Executors.newCachedThreadPool(DaemonThreads.named(name + " helper"));
    }

    /** How one artifact's look-ups run at once, on helper threads. */
    ParallelWork perArtifact() {
        return new HelpedWork(helpers, HELPERS_PER_ARTIFACT, HelpedWork.Admission.OPEN);
    }

    /** Starts {@code work} on a look-up thread. */
    Future<?> start(Runnable work) {
        return artifacts.submit(work);
    }

    /**
     * Applies {@code work} to every item on the look-up threads and returns the results in item order.
     *
     * @throws RuntimeException the first failure, as thrown by {@code work}
     */
    <T, R> List<R> map(List<T> items, Function<T, R> work) {
        List<Future<R>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(artifacts.submit(() -> work.apply(item)));
        }
        List<R> results = new ArrayList<>();
        try {
            for (Future<R> future : futures) {
                results.add(future.get());
            }
        } catch (ExecutionException e) {
            futures.forEach(future -> future.cancel(true));
            throw ExecutionFailures.unwrap(e);
        } catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading artifacts", e);
        }
        return results;
    }

    /** Stops every look-up still running. */
    @Override
    public void close() {
        artifacts.shutdownNow();
        helpers.shutdownNow();
    }
}
