package io.falcooffline.core.oci.registry;

import io.falcooffline.core.ProgressListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every message, at every level, so tests can check what would reach a log. */
final class CapturingListener implements ProgressListener {

    private final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public void log(Level level, String message) {
        messages.add(level + " " + message);
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    String all() {
        return String.join("\n", messages);
    }
}
