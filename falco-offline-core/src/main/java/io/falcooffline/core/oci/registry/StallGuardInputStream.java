package io.falcooffline.core.oci.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Fails a response body when one read waits longer than a timeout for bytes, with the caller's message. A body from
 * {@code java.net.http} has no read limit at all; one from {@code HttpURLConnection} times out on its socket, which
 * this reports as the same stall. Time between reads does not count: a consumer may pause (e.g. to upload what it
 * read) without tripping it.
 */
final class StallGuardInputStream extends FilterInputStream {

    private final Supplier<RuntimeException> onStall;
    private final StallWatch watch;

    /**
     * @param in the body
     * @param timeout the longest time one read may wait for bytes
     * @param scheduler runs the periodic check
     * @param onStall makes the exception a stalled read fails with
     */
    StallGuardInputStream(
            InputStream in, Duration timeout, ScheduledExecutorService scheduler, Supplier<RuntimeException> onStall) {
        super(in);
        this.onStall = onStall;
        // Closing the body stream wakes up the blocked reader.
        this.watch = new StallWatch(timeout, scheduler, () -> {
            try {
                in.close();
            } catch (IOException ignored) {
                // The reader sees the stall either way.
            }
        });
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
        if (watch.stalled()) {
            throw onStall.get();
        }
        watch.begin();
        try {
            int result = read.run();
            if (watch.stalled()) {
                throw onStall.get();
            }
            return result;
        } catch (IOException e) {
            // A socket read timeout is the same stall, seen by the socket first.
            if (watch.stalled() || e instanceof SocketTimeoutException) {
                RuntimeException failure = onStall.get();
                failure.addSuppressed(e);
                throw failure;
            }
            throw e;
        } finally {
            watch.end();
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
        super.close();
    }

    @FunctionalInterface
    private interface IoRead {
        int run() throws IOException;
    }
}
