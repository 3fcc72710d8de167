package io.falcooffline.core.io;

import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the project's readers and writers of OCI, lock, bundle and registry JSON: they share its
 * caches, so Jackson's start-up (several hundred classes, and the introspection behind the first tree read and write)
 * is paid once per process, not once per class that reads JSON.
 */
public final class Json {

    /** Plain settings: trees in, trees out, no data binding to the project's types. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final AtomicBoolean WARMED = new AtomicBoolean();

    private Json() {}

    /**
     * Pays Jackson's start-up on a daemon thread of its own, once per process, so that a run which will need the mapper
     * and reads and renders its chart meanwhile does not pay it on its own thread when it first reads or writes JSON.
     */
    public static void warmUpInBackground() {
        if (!WARMED.compareAndSet(false, true)) {
            return;
        }
        DaemonThreads.start(
                "json-warm-up",
                () -> MAPPER.writeValueAsBytes(MAPPER.readTree("{\"schemaVersion\":2,\"layers\":[{\"size\":1}]}")));
    }
}
