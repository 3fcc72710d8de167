package io.falcooffline.core.values;

import io.falcooffline.core.yaml.HelmValues;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read-only navigation in loaded values: dotted paths, Helm truthiness, numbers written as strings. */
public final class Values {

    private Values() {}

    /** The value at a dotted path such as {@code falco.webserver.listen_port}; empty when any step is missing. */
    public static Optional<Object> at(Map<String, Object> root, String dottedPath) {
        return HelmValues.get(root, dottedPath);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    public static Map<String, Object> mapAt(Map<String, Object> root, String dottedPath) {
        return map(at(root, dottedPath).orElse(null));
    }

    public static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    public static List<?> listAt(Map<String, Object> root, String dottedPath) {
        return list(at(root, dottedPath).orElse(null));
    }

    /** Helm's truthiness for the values this package reads: booleans, and the strings YAML 1.1 reads as booleans. */
    public static boolean isTrue(Object value) {
        if (value instanceof Boolean bool) {
            return bool;
        }
        return value instanceof String text && text.equalsIgnoreCase("true");
    }

    public static boolean isTrueAt(Map<String, Object> root, String dottedPath) {
        return isTrue(at(root, dottedPath).orElse(null));
    }

    public static String string(Object value) {
        return value == null ? "" : value.toString();
    }

    public static String stringAt(Map<String, Object> root, String dottedPath) {
        return string(at(root, dottedPath).orElse(null));
    }

    /** A port or count written as a YAML number or a string of digits; empty for anything else. */
    public static Optional<Integer> integer(Object value) {
        if (value instanceof Integer number) {
            return Optional.of(number);
        }
        if (value instanceof Long number && number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
            return Optional.of(number.intValue());
        }
        if (value instanceof String text && text.strip().matches("\\d{1,9}")) {
            return Optional.of(Integer.parseInt(text.strip()));
        }
        return Optional.empty();
    }
}
