package io.falcooffline.core.mirror.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fails a response body when one read waits longer than a timeout for bytes. {@code java.net.http} bounds only the
 * wait for response headers; without this, a registry that sends headers and then stalls would block a read forever.
 * Time between reads does not count: a consumer may pause (e.g. to upload what it read) without tripping it.
 */
final class StallGuardInputStream extends FilterInputStream {

    private final long timeoutNanos;
    private final Supplier<RuntimeException> onStall;
    private final ScheduledFuture<?> check;
    // When the read in progress started, or 0 when no read is in progress.
    private volatile long blockedSince;
    private volatile boolean stalled;
    private volatile boolean closed;

    /**
     * @param in the body
     * @param timeout the longest time one read may wait for bytes
     * @param scheduler runs the periodic check
     * @param onStall makes the exception a stalled read fails with
     */
    StallGuardInputStream(
            InputStream in, Duration timeout, ScheduledExecutorService scheduler, Supplier<RuntimeException> onStall) {
        super(in);
        this.timeoutNanos = timeout.toNanos();
        this.onStall = onStall;
        long period = Math.max(10, timeout.toMillis() / 4);
        this.check = scheduler.scheduleWithFixedDelay(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkProgress() {
        if (closed) {
            check.cancel(false);
            return;
        }
        long since = blockedSince;
        if (since != 0 && System.nanoTime() - since > timeoutNanos) {
            stalled = true;
            check.cancel(false);
            try {
                // Closing the body stream wakes up the blocked reader.
                in.close();
            } catch (IOException ignored) {
                // The reader sees the stall either way.
            }
        }
    }

    @Override
    public int read() throws IOException {
        return guarded(() -> in.read());
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return guarded(() -> in.read(buffer, offset, length));
    }

    @Override
    public long skip(long n) throws IOException {
        long[] skipped = new long[1];
        guarded(() -> {
            skipped[0] = in.skip(n);
            return 0;
        });
        return skipped[0];
    }

    private int guarded(IoRead read) throws IOException {
        if (stalled) {
            throw onStall.get();
        }
        blockedSince = System.nanoTime();
        try {
            int result = read.run();
            if (stalled) {
                throw onStall.get();
            }
            return result;
        } catch (IOException e) {
            // A socket read timeout is the same stall, seen by the socket first.
            if (stalled || e instanceof java.net.SocketTimeoutException) {
                RuntimeException failure = onStall.get();
                failure.addSuppressed(e);
                throw failure;
            }
            throw e;
        } finally {
            blockedSince = 0;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        check.cancel(false);
        super.close();
    }

    @FunctionalInterface
    private interface IoRead {
        int run() throws IOException;
    }
}
