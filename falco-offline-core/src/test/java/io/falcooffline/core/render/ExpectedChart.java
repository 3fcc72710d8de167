package io.falcooffline.core.render;

import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ValuesChange;
import io.falcooffline.core.reference.ReferenceLocation;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds what a rewritten chart should render like from the input chart and a plan alone: a copy of the input with
 * each of the plan's values changes applied to the values file it names, and each redirected template literal
 * replaced by its target on the line the plan names. Rendering that copy with the user's values files must give the
 * same objects as rendering the output chart with no values.
 */
public final class ExpectedChart {

    private static final Pattern IMAGE_VALUE = Pattern.compile("(image:[ \\t]*)([\"']?)([^\"'\\s#]+)\\2");

    private ExpectedChart() {}

    /**
     * Copies {@code inputChart} (a {@code .tgz} or a chart directory) under {@code workDirectory} and applies the plan.
     *
     * @return the chart directory of the copy
     */
    public static Path rewrittenCopy(Path inputChart, Plan plan, Path workDirectory) {
        Path root = copy(inputChart, workDirectory);
        for (ValuesChange change : plan.valuesChanges()) {
            apply(root, change);
        }
        for (PlannedReference reference : plan.references()) {
            if (reference.disposition() != Disposition.REDIRECTED) {
                continue;
            }
            for (ReferenceLocation location : reference.locations()) {
                if (location.yamlPath().isEmpty()) {
                    rewriteLiteral(root, location, reference.target());
                }
            }
        }
        return root.resolve(plan.chartName());
    }

    /**
     * Sets one value in a parsed values tree, creating maps on the way; {@code null} removes the key.
     *
     * @throws IllegalArgumentException when a step of the path is not a map or list, or an index is out of range
     */
    @SuppressWarnings("unchecked")
    public static void setValue(Map<String, Object> values, List<Object> path, Object value) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("Empty values path");
        }
        Object parent = values;
        for (int i = 0; i < path.size() - 1; i++) {
            Object step = path.get(i);
            Object child = childOf(parent, step, path);
            if (child == null && parent instanceof Map<?, ?> && step instanceof String) {
                child = new LinkedHashMap<String, Object>();
                ((Map<String, Object>) parent).put((String) step, child);
            }
            if (!(child instanceof Map) && !(child instanceof List)) {
                throw new IllegalArgumentException("Values path " + path + " runs through a scalar at " + step);
            }
            parent = child;
        }
        Object last = path.get(path.size() - 1);
        if (parent instanceof Map<?, ?> && last instanceof String key) {
            if (value == null) {
                ((Map<String, Object>) parent).remove(key);
            } else {
                ((Map<String, Object>) parent).put(key, value);
            }
        } else if (parent instanceof List<?> && last instanceof Integer index) {
            List<Object> list = (List<Object>) parent;
            if (index < 0 || index > list.size() || (value == null && index == list.size())) {
                throw new IllegalArgumentException("Values path " + path + " indexes past the list end");
            }
            if (value == null) {
                list.remove((int) index);
            } else if (index == list.size()) {
                list.add(value);
            } else {
                list.set(index, value);
            }
        } else {
            throw new IllegalArgumentException("Values path " + path + " does not fit the values at " + last);
        }
    }

    private static Object childOf(Object parent, Object step, List<Object> path) {
        if (parent instanceof Map<?, ?> map && step instanceof String) {
            return map.get(step);
        }
        if (parent instanceof List<?> list && step instanceof Integer index) {
            if (index < 0 || index >= list.size()) {
                throw new IllegalArgumentException("Values path " + path + " indexes past the list end");
            }
            return list.get(index);
        }
        throw new IllegalArgumentException("Values path " + path + " does not fit the values at " + step);
    }

    private static void apply(Path root, ValuesChange change) {
        Path file = root.resolve(change.file()).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            throw new AssertionError("The plan changes " + change.file() + ", which the input chart does not have");
        }
        try {
            Map<String, Object> values = SafeYaml.loadMap(Files.readString(file), change.file());
            Object after = change.after() == null ? null : SafeYaml.load(change.after(), change.file() + " change");
            setValue(values, ValuesPaths.parse(change.path()), after);
            Files.writeString(file, SafeYaml.dump(values));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot apply " + change + " under " + root, e);
        }
    }

    private static void rewriteLiteral(Path root, ReferenceLocation location, String target) {
        Path file = root.resolve(location.chart()).resolve(location.file()).normalize();
        if (location.line() <= 0 || !file.startsWith(root) || !Files.isRegularFile(file)) {
            throw new AssertionError("The plan names a template literal at " + location
                    + ", which is not a line of a file in the input chart");
        }
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file));
            String line = lines.get(location.line() - 1);
            Matcher matcher = IMAGE_VALUE.matcher(line);
            if (!matcher.find()) {
                throw new AssertionError(
                        "The template literal at " + location + " is not on an `image:` line: " + line);
            }
            lines.set(
                    location.line() - 1, line.substring(0, matcher.start(3)) + target + line.substring(matcher.end(3)));
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rewrite " + file, e);
        }
    }

    private static Path copy(Path inputChart, Path workDirectory) {
        if (!Files.isDirectory(inputChart)) {
            return ChartArchive.read(inputChart).extractTo(workDirectory);
        }
        Path target = workDirectory.resolve(inputChart.getFileName().toString());
        try (Stream<Path> files = Files.walk(inputChart)) {
            for (Path source : files.toList()) {
                Path copy = target.resolve(inputChart.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + inputChart, e);
        }
        return workDirectory;
    }
}
