package io.falcooffline.core.io;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pays Jackson's start-up ahead, on a daemon thread. A class of its own: calling into {@link Json} would build its
 * mapper, the start-up itself, on the caller's thread before the warm-up thread even started.
 */
public final class JsonWarmUp {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private JsonWarmUp() {}

    /**
     * Builds {@link Json#MAPPER} and reads and writes a tree with it on a daemon thread of its own, once per process,
     * so that a run which will need the mapper and reads and renders its chart meanwhile does not pay for it on its
     * own thread when it first reads or writes JSON.
     */
    public static void inBackground() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        DaemonThreads.start(
                "json-warm-up",
                () -> Json.MAPPER.writeValueAsBytes(
                        Json.MAPPER.readTree("{\"schemaVersion\":2,\"layers\":[{\"size\":1}]}")));
    }
}
