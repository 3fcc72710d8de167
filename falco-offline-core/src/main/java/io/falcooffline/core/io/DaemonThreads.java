package io.falcooffline.core.io;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's own threads: daemons, so that an embedding application can always exit, named {@code falco-offline-…}
 * so that a thread dump says whose they are.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** Makes threads named {@code falco-offline-<kind>-1}, {@code -2}, … */
    public static ThreadFactory named(String kind) {
        AtomicInteger next = new AtomicInteger(1);
        return task -> daemon(task, kind + "-" + next.getAndIncrement());
    }

    /** Starts {@code task} on a thread of its own named {@code falco-offline-<name>}. */
    public static Thread start(String name, Runnable task) {
        Thread thread = daemon(task, name);
        thread.start();
        return thread;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, "falco-offline-" + name);
        thread.setDaemon(true);
        return thread;
    }
}
