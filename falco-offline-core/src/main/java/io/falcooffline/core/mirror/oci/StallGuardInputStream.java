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
 * Fails a response body that stops delivering bytes for longer than a timeout. {@code java.net.http} bounds only the
 * wait for response headers; without this, a registry that sends headers and then stalls would block a read forever.
 */
final class StallGuardInputStream extends FilterInputStream {

    private final long timeoutNanos;
    private final Supplier<RuntimeException> onStall;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress;
    private volatile boolean stalled;
    private volatile boolean closed;

    /**
     * @param in the body
     * @param timeout the longest time without a byte
     * @param scheduler runs the periodic check
     * @param onStall makes the exception a stalled read fails with
     */
    StallGuardInputStream(
            InputStream in, Duration timeout, ScheduledExecutorService scheduler, Supplier<RuntimeException> onStall) {
        super(in);
        this.timeoutNanos = timeout.toNanos();
        this.onStall = onStall;
        this.lastProgress = System.nanoTime();
        long period = Math.max(10, timeout.toMillis() / 4);
        this.check = scheduler.scheduleWithFixedDelay(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkProgress() {
        if (closed) {
            check.cancel(false);
        } else if (System.nanoTime() - lastProgress > timeoutNanos) {
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
        int b = guarded(() -> in.read());
        if (b >= 0) {
            lastProgress = System.nanoTime();
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = guarded(() -> in.read(buffer, offset, length));
        if (n > 0) {
            lastProgress = System.nanoTime();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        lastProgress = System.nanoTime();
        return skipped;
    }

    private int guarded(IoRead read) throws IOException {
        if (stalled) {
            throw onStall.get();
        }
        try {
            int result = read.run();
            if (stalled) {
                throw onStall.get();
            }
            return result;
        } catch (IOException e) {
            if (stalled) {
                RuntimeException failure = onStall.get();
                failure.addSuppressed(e);
                throw failure;
            }
            throw e;
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
