package io.falcooffline.core.oci.registry;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches one blocking call at a time (a read of a body, a write of an upload) that has no time limit of its own:
 * when one stays blocked longer than the timeout, it marks the stall and runs the action that unblocks the caller,
 * such as closing the stream or the connection. Time between calls does not count. Close it when done.
 */
final class StallWatch implements AutoCloseable {

    private final long timeoutNanos;
    private final Runnable unblock;
    private final ScheduledFuture<?> check;
    // When the call in progress started, or 0 when no call is in progress.
    private volatile long blockedSince;
    private volatile boolean stalled;

    StallWatch(Duration timeout, ScheduledExecutorService scheduler, Runnable unblock) {
        this.timeoutNanos = timeout.toNanos();
        this.unblock = unblock;
        long period = Math.max(10, timeout.toMillis() / 4);
        this.check = scheduler.scheduleWithFixedDelay(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    /** A watched call starts. */
    void begin() {
        blockedSince = System.nanoTime();
    }

    /** The watched call returned or failed. */
    void end() {
        blockedSince = 0;
    }

    /** Whether a call stayed blocked past the timeout and was unblocked. */
    boolean stalled() {
        return stalled;
    }

    private void checkProgress() {
        long since = blockedSince;
        if (since != 0 && System.nanoTime() - since > timeoutNanos) {
            stalled = true;
            check.cancel(false);
            unblock.run();
        }
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
