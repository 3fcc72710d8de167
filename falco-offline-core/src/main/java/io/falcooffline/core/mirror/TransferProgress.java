package io.falcooffline.core.mirror;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.Sizes;
import io.falcooffline.core.oci.Descriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress lines while blobs move, for long transfers that would otherwise be silent (a 180 MiB layer over a slow
 * link takes minutes). Every {@code interval} it reports the run's bytes done of the bytes still to move, the rate
 * and the time left, and each transfer in flight with its share; it also reports when the run passes 25, 50 and 75 %.
 * A run shorter than one interval prints nothing, so a quick or no-op run stays as quiet as before. Lines are plain
 * text, one at a time, for CI logs and batch mode alike.
 */
final class TransferProgress implements AutoCloseable {

    /** How often the ticker looks; lines come at {@code interval} or at a quarter mark, never more often. */
    private static final long TICK_MILLIS = 250;
    /** How many transfers in flight one line names; the largest first. */
    private static final int NAMED_TRANSFERS = 3;

    private final ProgressListener listener;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long started;
    private final AtomicLong bytesToMove = new AtomicLong();
    private final AtomicLong bytesOfFinishedTransfers = new AtomicLong();
    private final Set<Transfer> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private long lastLine;
    private int quartersReported;

    /**
     * @param blobBytes the size of every blob the run may move; blobs found at the target or mounted are taken off
     *     with {@link #notMoved}
     * @param interval how often a line is printed while blobs move; zero turns progress lines off
     */
    TransferProgress(ProgressListener listener, long blobBytes, Duration interval) {
        this(listener, blobBytes, interval, System::nanoTime, true);
    }

    TransferProgress(
            ProgressListener listener, long blobBytes, Duration interval, LongSupplier clock, boolean startTicker) {
        this.listener = listener;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastLine = started;
        this.bytesToMove.set(blobBytes);
        if (startTicker && intervalNanos > 0) {
            ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("progress"));
            ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** A blob that may move, of an artifact handed over after the copy started. */
    void expect(long blobBytes) {
        bytesToMove.addAndGet(blobBytes);
    }

    /** A blob that was already at the target or was mounted there: it will not move. */
    void notMoved(Descriptor blob) {
        bytesToMove.addAndGet(-blob.size());
    }

    /**
     * A transfer starts.
     *
     * @param bytesRead how many of the blob's bytes have arrived so far, read from the transfer's thread
     */
    Transfer start(String artifact, Descriptor blob, LongSupplier bytesRead) {
        Transfer transfer = new Transfer(artifact, blob.size(), bytesRead);
        inFlight.add(transfer);
        return transfer;
    }

    /** A transfer ended; {@code completed} when all its bytes arrived, otherwise they will be read again. */
    void end(Transfer transfer, boolean completed) {
        inFlight.remove(transfer);
        if (completed) {
            bytesOfFinishedTransfers.addAndGet(transfer.size());
        }
    }

    /** Prints a line when one is due. Called by the ticker; package-private so a test can drive it with its clock. */
    synchronized void tick() {
        long now = clock.getAsLong();
        long elapsed = now - started;
        if (intervalNanos <= 0 || elapsed < intervalNanos) {
            return;
        }
        long total = Math.max(bytesToMove.get(), 1);
        long done = Math.min(bytesDone(), total);
        int quarter = (int) (done * 4 / total);
        boolean quarterPassed = quarter > quartersReported && quarter < 4;
        if (!quarterPassed && now - lastLine < intervalNanos) {
            return;
        }
        quartersReported = Math.max(quartersReported, quarter);
        lastLine = now;
        listener.info(line(done, total, elapsed));
    }

    /** The bytes of finished transfers and those arrived so far of the ones in flight. */
    long bytesDone() {
        long done = bytesOfFinishedTransfers.get();
        for (Transfer transfer : inFlight) {
            done += transfer.bytesDone();
        }
        return done;
    }

    private String line(long done, long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = done / Math.max(seconds, 0.001);
        StringBuilder line = new StringBuilder("Transferred ")
                .append(Sizes.format(done))
                .append(" of ")
                .append(Sizes.format(total))
                .append(String.format(Locale.ROOT, " (%d %%), %s/s", percent(done, total), Sizes.format((long) rate)));
        if (rate >= 1 && done < total) {
            line.append(", about ")
                    .append(duration((long) ((total - done) / rate)))
                    .append(" left");
        }
        List<Transfer> running = new ArrayList<>(inFlight);
        running.sort(Comparator.comparingLong(Transfer::size).reversed());
        List<String> named = running.stream()
                .limit(NAMED_TRANSFERS)
                .map(transfer -> transfer.artifact() + " " + Sizes.format(transfer.size()) + " at "
                        + percent(transfer.bytesDone(), transfer.size()) + " %")
                .toList();
        if (!named.isEmpty()) {
            line.append("; in flight: ").append(String.join(", ", named));
            if (running.size() > named.size()) {
                line.append(" and ").append(running.size() - named.size()).append(" more");
            }
        }
        return line.toString();
    }

    private static long percent(long part, long whole) {
        return whole <= 0 ? 100 : Math.min(100, part * 100 / whole);
    }

    private static String duration(long seconds) {
        return seconds < 120 ? seconds + " s" : (seconds / 60) + " min " + (seconds % 60) + " s";
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** One blob on its way; its byte count is read from the transfer's own counter. */
    static final class Transfer {
        private final String artifact;
        private final long size;
        private final LongSupplier bytesRead;

        private Transfer(String artifact, long size, LongSupplier bytesRead) {
            this.artifact = artifact;
            this.size = size;
            this.bytesRead = bytesRead;
        }

        String artifact() {
            return artifact;
        }

        long size() {
            return size;
        }

        long bytesDone() {
            return Math.min(Math.max(bytesRead.getAsLong(), 0), size);
        }
    }
}
