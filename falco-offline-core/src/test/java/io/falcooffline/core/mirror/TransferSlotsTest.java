package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.oci.ParallelWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
                    slots.acquire(4 << 20);
                    try {
                        List<ParallelWork.Task> tasks = new ArrayList<>();
                        for (int range = 0; range < 4; range++) {
                            tasks.add(() -> {
                                sleep(20);
                                ranges.incrementAndGet();
                            });
                        }
                        slots.parallelWork(helpers, 3, 4 << 20).runAll(tasks);
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

    /** A large blob that asks after smaller ones gets the next free slot first; equal ones go in the order they came. */
    @Test
    void shouldGiveAFreedSlotToTheLargestBlobWaiting() throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService waiting = Executors.newCachedThreadPool();
        List<Long> order = new CopyOnWriteArrayList<>();
        try (TransferSlots slots =
                new TransferSlots(1, Duration.ofHours(1), () -> 0, () -> 0, sampler, decision -> {})) {
            slots.acquire(1);
            List<Future<?>> transfers = new ArrayList<>();
            for (long size : new long[] {10, 30, 20, 30}) {
                int queued = slots.queued();
                transfers.add(waiting.submit(() -> {
                    slots.acquire(size);
                    order.add(size);
                    slots.release();
                    return null;
                }));
                while (slots.queued() == queued) {
                    Thread.onSpinWait();
                }
            }
            slots.release();
            for (Future<?> transfer : transfers) {
                transfer.get(20, TimeUnit.SECONDS);
            }
            assertThat(order).containsExactly(30L, 30L, 20L, 10L);
        } finally {
            waiting.shutdownNow();
            sampler.shutdownNow();
        }
    }

    @Test
    void shouldLetTheWaitingTransfersStartOnceBlobsComeFromAcrossTheInternet() throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService waiting = Executors.newCachedThreadPool();
        List<AdaptiveConcurrency.Decision> told = new CopyOnWriteArrayList<>();
        try (TransferSlots slots = new TransferSlots(16, Duration.ofHours(1), () -> 0, () -> 0, sampler, told::add)) {
            for (int i = 0; i < TransferSlots.START; i++) {
                slots.acquire(1);
            }
            int more = TransferSlots.START_ACROSS_THE_INTERNET - TransferSlots.START;
            List<Future<?>> transfers = new ArrayList<>();
            for (int i = 0; i < more; i++) {
                transfers.add(waiting.submit(() -> {
                    slots.acquire(1);
                    return null;
                }));
            }
            while (slots.queued() < more) {
                Thread.onSpinWait();
            }

            slots.acrossTheInternet();
            slots.acrossTheInternet();

            for (Future<?> transfer : transfers) {
                transfer.get(20, TimeUnit.SECONDS);
            }
            assertThat(slots.limit()).isEqualTo(TransferSlots.START_ACROSS_THE_INTERNET);
            assertThat(told).singleElement().satisfies(decision -> {
                assertThat(decision.reason()).isEqualTo(AdaptiveConcurrency.Reason.DISTANT);
                assertThat(decision.from()).isEqualTo(TransferSlots.START);
            });
        } finally {
            waiting.shutdownNow();
            sampler.shutdownNow();
        }
    }
}
