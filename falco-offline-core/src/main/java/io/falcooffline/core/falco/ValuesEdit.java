package io.falcooffline.core.falco;

import java.util.List;

/**
 * A value the {@code falco} stage sets in the output chart's root values.
 *
 * @param path the key path, e.g. {@code [falcoctl, config, indexes]}
 * @param value the whole new value at that path
 * @param reason why, for the plan
 */
public record ValuesEdit(List<Object> path, Object value, String reason) {

    public ValuesEdit {
        path = List.copyOf(path);
    }

    static ValuesEdit at(String dottedPath, Object value, String reason) {
        return new ValuesEdit(List.of((Object[]) dottedPath.split("\\.")), value, reason);
    }

    /** The dotted path, e.g. {@code falcoctl.config.indexes}. */
    public String dottedPath() {
        return String.join(".", path.stream().map(String::valueOf).toList());
    }
}
