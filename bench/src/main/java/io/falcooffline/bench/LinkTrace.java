package io.falcooffline.bench;

import io.falcooffline.core.testing.ShapingProxy;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What crossed a {@link ShapingProxy} every 100 ms while one contender ran, as lines of the wall-clock time (as the
 * runs' time-stamped logs print it), the rate towards the client in that interval and the connections open: where a
 * mirror leaves the link idle (its start, its tail, a stall between phases) shows beside its log.
 */
final class LinkTrace {

    private static final long INTERVAL_MILLIS = 100;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final StringBuilder lines = new StringBuilder();
    private final Thread sampler;
    private volatile boolean running = true;

    private LinkTrace(ShapingProxy link) {
        this.sampler = new Thread(() -> sample(link), "link trace");
        sampler.setDaemon(true);
    }

    static LinkTrace start(ShapingProxy link) {
        LinkTrace trace = new LinkTrace(link);
        trace.sampler.start();
        return trace;
    }

    /** Stops sampling; the trace, one line per interval. */
    String stop() {
        running = false;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines.toString();
    }

    private void sample(ShapingProxy link) {
        long bytes = link.bytesDown();
        long at = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long nowBytes = link.bytesDown();
            long now = System.nanoTime();
            lines.append(String.format(
                    Locale.ROOT,
                    "%s %7.1f MiB/s %3d open%n",
                    LocalTime.now().format(CLOCK),
                    (nowBytes - bytes) / 1048576.0 / ((now - at) / 1e9),
                    link.openConnections()));
            bytes = nowBytes;
            at = now;
        }
    }
}
