package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.oci.ParallelWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransferSlotsTest {

    /**
     * Two large blobs, each fetched in ranges by a transfer that holds one of the only two slots: each caller runs
     * its own ranges when no helper gets a slot, and its waiting helpers give up instead of holding it forever.
     */
    @Test
    void shouldFinishRangedFetchesWhenEverySlotIsHeldByACallerWaitingForItsHelpers() throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        ExecutorService helpers = Executors.newCachedThreadPool();
        AtomicInteger ranges = new AtomicInteger();
        try (TransferSlots slots =
                new TransferSlots(2, Duration.ofHours(1), () -> 0, () -> 0, sampler, decision -> {})) {
            List<Future<?>> fetches = new ArrayList<>();
            for (int blob = 0; blob < 2; blob++) {
                fetches.add(callers.submit(() -> {
                    slots.acquire();
                    try {
                        List<ParallelWork.Task> tasks = new ArrayList<>();
                        for (int range = 0; range < 4; range++) {
                            tasks.add(() -> {
                                sleep(20);
                                ranges.incrementAndGet();
                            });
                        }
                        slots.parallelWork(helpers, 3).runAll(tasks);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> fetch : fetches) {
                fetch.get(20, TimeUnit.SECONDS);
            }
            assertThat(ranges).hasValue(8);
            assertThat(slots.limit()).isEqualTo(2);
        } finally {
            callers.shutdownNow();
            helpers.shutdownNow();
            sampler.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
