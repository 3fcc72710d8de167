package io.falcooffline.core.oci;

import java.io.IOException;
import java.util.List;

/** Runs a set of tasks, some at the same time, as the caller's scheduling allows. */
@FunctionalInterface
public interface ParallelWork {

    /** Runs each task in turn on the calling thread. */
    ParallelWork IN_TURN = tasks -> {
        for (Task task : tasks) {
            task.run();
        }
    };

    /**
     * Runs every task, the calling thread taking part, and returns when all have ended; after the first failure no
     * further task starts, and that failure is thrown once the running ones have ended.
     *
     * @param tasks the tasks; the first is started first
     */
    void runAll(List<Task> tasks) throws IOException;

    /** One piece of work that may do I/O. */
    @FunctionalInterface
    interface Task {
        /** Does the work. */
        void run() throws IOException;
    }
}
