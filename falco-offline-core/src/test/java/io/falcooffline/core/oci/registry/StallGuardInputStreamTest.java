package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StallGuardInputStreamTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void shouldFailAReadThatWaitsLongerThanTheTimeout() {
        InputStream guarded = new StallGuardInputStream(
                new BlockingUntilClosed(),
                Duration.ofMillis(100),
                scheduler,
                () -> new RegistryException(0, "stalled", null));
        long start = System.nanoTime();

        assertThatThrownBy(guarded::read).isInstanceOf(RegistryException.class).hasMessage("stalled");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void shouldNotCountTimeBetweenReadsWhenTheConsumerPauses() throws Exception {
        try (InputStream guarded = new StallGuardInputStream(
                new ByteArrayInputStream(new byte[] {1, 2}),
                Duration.ofMillis(50),
                scheduler,
                () -> new RegistryException(0, "stalled", null))) {
            assertThat(guarded.read()).isEqualTo(1);
            Thread.sleep(300);
            assertThat(guarded.read()).isEqualTo(2);
            assertThat(guarded.read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldReportASocketReadTimeoutAsTheStall() {
        InputStream timingOut = new InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new java.net.SocketTimeoutException("Read timed out");
            }
        };
        InputStream guarded = new StallGuardInputStream(
                timingOut, Duration.ofSeconds(30), scheduler, () -> new RegistryException(0, "stalled", null));

        assertThatThrownBy(guarded::read)
                .as("the socket noticed first; the caller still sees the stall, not a break to resume from")
                .isInstanceOf(RegistryException.class)
                .hasMessage("stalled");
    }

    /** A body whose bytes never come: a read blocks until the stream is closed. */
    private static final class BlockingUntilClosed extends InputStream {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
