package io.falcooffline.core.mirror;

import io.falcooffline.core.oci.HelpedWork;
import io.falcooffline.core.oci.ParallelWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The slots of blob transfers in flight: each stream of blob bytes (a whole blob, or one range of a large one) holds
 * one while it runs. Their number follows {@link AdaptiveConcurrency}, fed every sampling window with the bytes that
 * arrived, whether transfers waited for a slot, and the stores' {@code transientFailures}.
 *
 * <p>Look-ups (manifests, {@code HEAD}s, mounts) take no slot, so they never wait behind a large blob.
 */
final class TransferSlots implements AutoCloseable {

    /** Fewer than this leaves a link idle while one transfer waits on a round trip. */
    static final int MIN = 2;
    /**
     * Where a run starts: enough for a link whose connections each carry a quarter of it; the first windows grow it
     * from there when the rate follows. No lower than where it starts unless the registries fail, so a start of 6
     * measured 30 % slower on loopback, where the two cores, not the link, are the limit (the copy 6.12 s against
     * 4.69 s).
     */
    static final int START = 4;
    /**
     * Where a run goes at once when its blobs come in ranges from a distant registry ({@link #acrossTheInternet}):
     * there one connection carries a fifth to a tenth of the link, and one blob's ranges alone take four slots, so
     * growing from {@link #START} window by window left the link part-empty for its first second.
     */
    static final int START_ACROSS_THE_INTERNET = 8;
    /**
     * How often the rate is sampled: several round trips even on a slow path (40-100 ms), short enough that a run of
     * ten seconds reaches its level in a few.
     */
    static final Duration SAMPLE_WINDOW = Duration.ofMillis(500);

    private final AdaptiveConcurrency control;
    private final LongSupplier failures;
    private final ReentrantLock lock = new ReentrantLock();
    /** Who waits for a slot, the largest blob first, then in the order they came. */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(
            Comparator.comparingLong((Waiter waiter) -> -waiter.priority).thenComparingLong(waiter -> waiter.arrival));

    private final LongSupplier bytes;
    private final List<AdaptiveConcurrency.Decision> decisions = new ArrayList<>();
    private final Consumer<AdaptiveConcurrency.Decision> onDecision;
    private final ScheduledFuture<?> sampling;
    private int inFlight;
    private long arrivals;
    private boolean waitedThisWindow;
    private long lastSampleNanos = System.nanoTime();
    private long lastBytes;
    private long lastFailures;
    private final int start;
    private int highest;
    private boolean acrossTheInternet;

    /**
     * @param max the most transfers at once ({@code parallelism})
     * @param window how often the rate is sampled
     * @param bytes the blob bytes that arrived so far
     * @param failures the stores' transient failures so far
     * @param scheduler runs the sampling
     * @param onDecision told of each change of the limit
     */
    TransferSlots(
            int max,
            Duration window,
            LongSupplier bytes,
            LongSupplier failures,
            ScheduledExecutorService scheduler,
            Consumer<AdaptiveConcurrency.Decision> onDecision) {
        int min = Math.min(MIN, max);
        this.control = new AdaptiveConcurrency(min, Math.max(min, Math.min(START, max)), max);
        this.start = control.limit();
        this.highest = start;
        this.bytes = bytes;
        this.failures = failures;
        this.lastFailures = failures.getAsLong();
        this.onDecision = onDecision;
        long period = window.toMillis();
        this.sampling = scheduler.scheduleAtFixedRate(this::sample, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits for a free slot, taking it before those who wait with a lower {@code priority}: a large blob that comes
     * late goes ahead of smaller ones queued before it, so the copy does not end on it.
     *
     * @param priority the blob's size
     */
    void acquire(long priority) throws InterruptedException {
        acquireWhile(priority, () -> true);
    }

    /**
     * Waits for a free slot, in turn, as long as {@code wanted} holds, checked under the lock before each wait; a
     * waiter that gives up or takes its slot wakes the next one, so no other waiter misses a freed slot.
     *
     * @return whether a slot was taken
     */
    private boolean acquireWhile(long priority, BooleanSupplier wanted) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            Waiter me = new Waiter(priority, arrivals++, lock.newCondition());
            waiters.add(me);
            try {
                while (wanted.getAsBoolean()) {
                    boolean full = inFlight >= control.limit();
                    if (!full && waiters.peek() == me) {
                        inFlight++;
                        return true;
                    }
                    waitedThisWindow |= full;
                    me.turn.await();
                }
                return false;
            } finally {
                waiters.remove(me);
                wakeNext();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the first waiter to look again; under the lock. */
    private void wakeNext() {
        Waiter next = waiters.peek();
        if (next != null) {
            next.turn.signal();
        }
    }

    /** Wakes every waiter to check whether it is still wanted. */
    private void wakeWaiters() {
        lock.lock();
        try {
            waiters.forEach(waiter -> waiter.turn.signal());
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            inFlight--;
            wakeNext();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Says that blobs come in ranges from a distant registry: the limit goes to at least {@link
     * #START_ACROSS_THE_INTERNET} the first time, and the sampling goes on from there.
     */
    void acrossTheInternet() {
        decide(() -> {
            if (acrossTheInternet) {
                return Optional.empty();
            }
            acrossTheInternet = true;
            return control.raiseTo(
                    START_ACROSS_THE_INTERNET, rateSinceLastSample(System.nanoTime(), bytes.getAsLong()));
        });
    }

    /** Every change of the limit so far, in order. */
    List<AdaptiveConcurrency.Decision> decisions() {
        lock.lock();
        try {
            return List.copyOf(decisions);
        } finally {
            lock.unlock();
        }
    }

    /** The current limit. */
    int limit() {
        lock.lock();
        try {
            return control.limit();
        } finally {
            lock.unlock();
        }
    }

    /** How many wait for a slot now. */
    int queued() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** The limit the run started with. */
    int start() {
        return start;
    }

    /** The highest limit reached. */
    int highest() {
        lock.lock();
        try {
            return highest;
        } finally {
            lock.unlock();
        }
    }

    private void sample() {
        decide(() -> {
            long now = System.nanoTime();
            long total = bytes.getAsLong();
            long failed = failures.getAsLong();
            AdaptiveConcurrency.Sample sample = new AdaptiveConcurrency.Sample(
                    rateSinceLastSample(now, total), waitedThisWindow || !waiters.isEmpty(), failed - lastFailures);
            lastSampleNanos = now;
            lastBytes = total;
            lastFailures = failed;
            waitedThisWindow = false;
            return control.next(sample);
        });
    }

    /** The bytes per second since the last sample; under the lock. */
    private double rateSinceLastSample(long now, long total) {
        double seconds = Math.max((now - lastSampleNanos) / 1e9, 1e-3);
        return (total - lastBytes) / seconds;
    }

    /**
     * Takes a decision of the control under the lock, records it and wakes the next waiter to see the new limit;
     * tells {@code onDecision} of it outside the lock.
     */
    private void decide(Supplier<Optional<AdaptiveConcurrency.Decision>> decider) {
        Optional<AdaptiveConcurrency.Decision> decision;
        lock.lock();
        try {
            decision = decider.get();
            decision.ifPresent(decisions::add);
            highest = Math.max(highest, control.limit());
            wakeNext();
        } finally {
            lock.unlock();
        }
        decision.ifPresent(onDecision);
    }

    /**
     * Runs tasks as {@link ParallelWork} does, each holding a slot: the calling thread, which already holds one,
     * takes tasks in turn, and helpers on {@code threads} each wait for a slot of their own (at {@code priority}) and
     * take tasks until none are left. A helper that gets its slot after the work ran out gives it back at once.
     */
    ParallelWork parallelWork(ExecutorService threads, int maxHelpers, long priority) {
        return new HelpedWork(threads, maxHelpers, new HelpedWork.Admission() {
            @Override
            public boolean enter(BooleanSupplier stillWanted) throws InterruptedException {
                return acquireWhile(priority, stillWanted);
            }

            @Override
            public void leave() {
                release();
            }

            @Override
            public void wakeWaiting() {
                wakeWaiters();
            }
        });
    }

    /** One thread waiting for a slot. */
    private record Waiter(long priority, long arrival, Condition turn) {}

    @Override
    public void close() {
        sampling.cancel(false);
    }
}
