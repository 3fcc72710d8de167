package io.falcooffline.bench;

import java.util.Map;

/** The {@code key=value} settings of one benchmark run. */
final class BenchSettings {

    private final Map<String, String> values;

    BenchSettings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    int number(String key, int defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting " + key + "=" + value + " is not a whole number.", e);
        }
    }

    String text(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }
}
