package io.falcooffline.core.falco;

import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.ValuesPath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The edits as one overlay of the root chart's values, each edit a whole value at its path. */
    public static Map<String, Object> overlay(List<ValuesEdit> edits) {
        Map<String, Object> overlay = new LinkedHashMap<>();
        for (ValuesEdit edit : edits) {
            overlay = HelmValues.with(overlay, new ValuesPath(edit.path()), edit.value());
        }
        return overlay;
    }

    /** A mapping of the values, keys and values alternating, in order: the volumes, mounts and variables edits set. */
    static Map<String, Object> mapping(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** The dotted path, e.g. {@code falcoctl.config.indexes}. */
    public String dottedPath() {
        return String.join(".", path.stream().map(String::valueOf).toList());
    }
}
