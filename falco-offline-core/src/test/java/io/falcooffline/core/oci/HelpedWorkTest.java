package io.falcooffline.core.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HelpedWorkTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tasksRunAtTheSameTimeOnTheCallerAndItsHelpers() throws Exception {
        int tasks = 4;
        // Every task waits until all have started: only possible when they run at once.
        CountDownLatch allStarted = new CountDownLatch(tasks);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<ParallelWork.Task> work = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            work.add(() -> {
                threads.add(Thread.currentThread().getName());
                allStarted.countDown();
                try {
                    if (!allStarted.await(10, TimeUnit.SECONDS)) {
                        throw new IOException("the tasks did not run at the same time");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        new HelpedWork(pool, tasks - 1, HelpedWork.Admission.OPEN).runAll(work);
        assertEquals(tasks, threads.size(), "each task on a thread of its own: " + threads);
        assertTrue(threads.contains(Thread.currentThread().getName()), "the caller takes part");
    }

    @Test
    void callersThatFillAFixedPoolStillFinishTheirWork() {
        ExecutorService single = Executors.newFixedThreadPool(1);
        try {
            AtomicInteger done = new AtomicInteger();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                // The caller holds the pool's only thread, so none of its helpers can ever start.
                Future<?> caller = single.submit(() -> {
                    List<ParallelWork.Task> work = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        work.add(done::incrementAndGet);
                    }
                    new HelpedWork(single, 4, HelpedWork.Admission.OPEN).runAll(work);
                    return null;
                });
                caller.get();
            });
            assertEquals(8, done.get());
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void theFirstFailureStopsTheRestAndIsThrown() {
        AtomicInteger ran = new AtomicInteger();
        List<ParallelWork.Task> work = new ArrayList<>();
        work.add(() -> {
            ran.incrementAndGet();
            throw new IOException("manifest 1 unreadable");
        });
        for (int i = 0; i < 50; i++) {
            work.add(ran::incrementAndGet);
        }
        IOException thrown =
                assertThrows(IOException.class, () -> new HelpedWork(pool, 0, HelpedWork.Admission.OPEN).runAll(work));
        assertEquals("manifest 1 unreadable", thrown.getMessage());
        assertEquals(1, ran.get(), "no task starts after the failure");
    }
}
