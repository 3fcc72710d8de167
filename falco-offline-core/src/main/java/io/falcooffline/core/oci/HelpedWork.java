package io.falcooffline.core.oci;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * {@link ParallelWork} on the calling thread and helpers from a pool: the caller takes tasks in turn, and each helper,
 * once admitted, takes tasks until none are left. The caller never waits for a helper to start, so the work ends even
 * when the pool (a fixed one too) or the admission is busy with callers like this one.
 */
public final class HelpedWork implements ParallelWork {

    /** Decides when a helper may take part, e.g. once it holds a transfer slot. */
    public interface Admission {

        /** Admits every helper at once. */
        Admission OPEN = new Admission() {
            @Override
            public boolean enter(BooleanSupplier stillWanted) {
                return stillWanted.getAsBoolean();
            }

            @Override
            public void leave() {}

            @Override
            public void wakeWaiting() {}
        };

        /**
         * Waits until the helper may start.
         *
         * @param stillWanted whether there is still work for the helper; waiting ends when it turns false
         * @return whether the helper was admitted (and must {@link #leave})
         */
        boolean enter(BooleanSupplier stillWanted) throws InterruptedException;

        /** Gives back what {@link #enter} granted. */
        void leave();

        /** Makes waiting helpers look at {@code stillWanted} again. */
        void wakeWaiting();
    }

    private final ExecutorService threads;
    private final int maxHelpers;
    private final Admission admission;

    /**
     * @param threads where the helpers run
     * @param maxHelpers the most helpers one {@link #runAll} starts
     * @param admission when a helper may start
     */
    public HelpedWork(ExecutorService threads, int maxHelpers, Admission admission) {
        this.threads = threads;
        this.maxHelpers = maxHelpers;
        this.admission = admission;
    }

    @Override
    public void runAll(List<Task> tasks) throws IOException {
        ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>(tasks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Future<?>> helpers = new ArrayList<>();
        List<AtomicBoolean> claims = new ArrayList<>();
        for (int i = 0; i < Math.min(maxHelpers, tasks.size() - 1); i++) {
            AtomicBoolean claimed = new AtomicBoolean();
            claims.add(claimed);
            helpers.add(threads.submit(() -> {
                if (!claimed.compareAndSet(false, true)
                        || !admission.enter(() -> !queue.isEmpty() && failure.get() == null)) {
                    return null;
                }
                try {
                    drain(queue, failure);
                } finally {
                    admission.leave();
                }
                return null;
            }));
        }
        drain(queue, failure);
        // Helpers still waiting to be admitted give up now: what they wait for may be held by callers like this one,
        // each waiting for its helpers, and nothing would ever be freed.
        admission.wakeWaiting();
        try {
            for (int i = 0; i < helpers.size(); i++) {
                // A helper the pool has not started yet never will: with a busy pool it might wait for this caller.
                if (!claims.get(i).compareAndSet(false, true)) {
                    helpers.get(i).get();
                }
            }
        } catch (InterruptedException e) {
            helpers.forEach(helper -> helper.cancel(true));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for parallel work");
        } catch (ExecutionException e) {
            failure.compareAndSet(null, e.getCause());
        }
        Throwable failed = failure.get();
        if (failed instanceof IOException io) {
            throw io;
        }
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
        if (failed != null) {
            throw new IOException(failed);
        }
    }

    private static void drain(ConcurrentLinkedQueue<Task> queue, AtomicReference<Throwable> failure) {
        Task task;
        while (failure.get() == null && (task = queue.poll()) != null) {
            try {
                task.run();
            } catch (IOException | RuntimeException | Error e) {
                failure.compareAndSet(null, e);
                queue.clear();
            }
        }
    }
}
