package io.falcooffline.core.plan;

/**
 * One edit of a values file in the output chart.
 *
 * @param file the file inside the output archive, e.g. {@code falco/values.yaml}
 * @param path the dotted YAML path, e.g. {@code image.registry}
 * @param before the old value as compact YAML, or null when the key is new
 * @param after the new value as compact YAML, or null when the key is removed
 */
public record ValuesChange(String file, String path, String before, String after) {}
