package io.falcooffline.core.render;

import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceLocation;
import io.falcooffline.core.plan.ValuesChange;
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
import java.util.stream.Stream;

/**
 * Builds what a rewritten chart should render like from the input chart, the user's values files and the plan alone:
 * a copy of the input with each of the plan's values changes applied to the values file it names, and each redirected
 * template literal replaced by its target on the line the plan names. The rewritten references must win over what the
 * user wrote, so where a user's values file sets a changed key (or owns the list it sits in), a copy of that file gets
 * the change too. Rendering the copy with those files must give the same objects as rendering the output chart with
 * no values.
 *
 * @param chart the chart directory of the copy
 * @param valuesFiles the user's values files, with the plan's changes where they set a changed key
 */
public record ExpectedChart(Path chart, List<Path> valuesFiles) {

    private static final String VALUES_FILE = "values.yaml";

    /** Renders the copy with the user's values files, as the output chart should render with none. */
    public RenderedManifests render() {
        HelmRenderer renderer = HelmRenderer.of(chart);
        for (Path file : valuesFiles) {
            renderer = renderer.valuesFile(file);
        }
        return renderer.render();
    }

    /**
     * Copies {@code inputChart} (a {@code .tgz} or a chart directory) and the user's values files under
     * {@code workDirectory} and applies the plan to them.
     */
    public static ExpectedChart of(Path inputChart, List<Path> userValuesFiles, Plan plan, Path workDirectory) {
        Path root = copy(inputChart, workDirectory.resolve("chart"));
        List<Map<String, Object>> userValues = new ArrayList<>();
        for (Path file : userValuesFiles) {
            try {
                userValues.add(SafeYaml.loadMap(Files.readString(file), file.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
        for (ValuesChange change : plan.valuesChanges()) {
            // Template literal edits are listed among the changes too; they are applied from the references below.
            if (change.file().endsWith("/" + VALUES_FILE)) {
                List<Object> fromRoot = pathFromRootChart(change, plan.chartName());
                Object after = after(change);
                boolean userSetsIt = false;
                for (Map<String, Object> values : userValues) {
                    userSetsIt |= applyWhereSet(values, fromRoot, after);
                }
                try {
                    apply(root, change);
                } catch (IllegalArgumentException e) {
                    // A change inside what a user's file sets (say, in the user's longer list) need not fit the
                    // chart's own values: the user's file wins there anyway.
                    if (!userSetsIt) {
                        throw new AssertionError(
                                "The plan's change " + change + " fits neither the input chart"
                                        + " nor the user's values: " + e.getMessage(),
                                e);
                    }
                }
            }
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
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < userValues.size(); i++) {
            Path file = workDirectory.resolve(
                    "values-" + i + "-" + userValuesFiles.get(i).getFileName());
            try {
                Files.writeString(file, SafeYaml.dump(userValues.get(i)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + file, e);
            }
            files.add(file);
        }
        return new ExpectedChart(root.resolve(plan.chartName()), files);
    }

    /**
     * Applies a change to a user's values when they set that key or own a list on its way, and tells whether it did;
     * a key they leave to the chart gets the change from the chart's own values file.
     */
    private static boolean applyWhereSet(Map<String, Object> values, List<Object> path, Object after) {
        Object node = values;
        for (Object step : path) {
            if (node instanceof List<?>) {
                break;
            }
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(step)) {
                return false;
            }
            node = map.get(step);
        }
        setValue(values, path, after);
        return true;
    }

    /** Where a change sits in the values of the top chart: a subchart's key is prefixed with the subchart's name. */
    private static List<Object> pathFromRootChart(ValuesChange change, String chartName) {
        List<String> segments = List.of(change.file().split("/"));
        if (!segments.get(0).equals(chartName)) {
            throw new AssertionError("The plan changes " + change.file() + ", outside the chart " + chartName);
        }
        List<Object> path = new ArrayList<>();
        for (int i = 1; i + 1 < segments.size(); i += 2) {
            if (!segments.get(i).equals("charts")) {
                throw new AssertionError("The plan changes " + change.file() + ", which is no chart's values file");
            }
            path.add(segments.get(i + 1));
        }
        path.addAll(ValuesPaths.parse(change.path()));
        return path;
    }

    private static Object after(ValuesChange change) {
        return change.after() == null ? null : SafeYaml.load(change.after(), change.file() + " " + change.path());
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
            setValue(values, ValuesPaths.parse(change.path()), after(change));
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
            Matcher matcher = RenderedManifests.IMAGE_LINE.matcher(line);
            if (!matcher.find()) {
                throw new AssertionError(
                        "The template literal at " + location + " is not on an `image:` line: " + line);
            }
            lines.set(
                    location.line() - 1, line.substring(0, matcher.start(2)) + target + line.substring(matcher.end(2)));
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
