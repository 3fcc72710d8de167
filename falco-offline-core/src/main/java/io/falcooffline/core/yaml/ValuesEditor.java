package io.falcooffline.core.yaml;

import io.falcooffline.core.InvalidYamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites a values file so that it loads as the desired values while every line that holds no changed value stays
 * exactly as it was: comments, blank lines, key order and the quoting of untouched values.
 *
 * <p>Only the smallest differing pieces are rewritten. A changed scalar is replaced on its line, keeping the line's
 * comment and, for strings, the original quotes; strings that would read back as another type ({@code "1.0"},
 * {@code "true"}, {@code ""}) are quoted. A map or list of another shape is written as a fresh block at the right
 * indentation (a short flow list such as {@code [falco-rules:5]} stays a flow list). New keys go after the last line
 * of their parent mapping, new top-level keys at the end of the file; removed keys lose their lines. Where a key is
 * duplicated, the last occurrence is the one that counts and the one that is edited; a removed key loses every
 * occurrence.
 *
 * <p>The result is always checked by loading it again. In the rare documents where the line-by-line edit does not
 * read back as desired (anchors shared between changed values, merge keys), the changed top-level values are written
 * whole instead, and as a last resort the whole document.
 */
public final class ValuesEditor {

    /**
     * One changed value.
     *
     * @param path where it is
     * @param before the old value, or null when the key is new
     * @param after the new value, or null when the key is removed (or set to null)
     */
    public record Change(ValuesPath path, Object before, Object after) {}

    /**
     * A rewritten values file.
     *
     * @param text the new file content
     * @param changes what differs between the old and the new values, in document order; empty when nothing does
     * @param values what {@link SafeYaml#loadMap} read from {@code text} when the result was checked, so that a
     *     caller need not parse it again
     */
    public record Result(String text, List<Change> changes, Map<String, Object> values) {
        public Result {
            changes = List.copyOf(changes);
        }
    }

    private ValuesEditor() {}

    /**
     * Rewrites {@code originalText} so that it loads as {@code desired}.
     *
     * @param originalText the values file as it is
     * @param desired the values it should hold: maps, lists, strings, numbers, booleans and nulls
     * @param sourceName names the file in errors, e.g. {@code falco/values.yaml}
     * @return the new text, which {@link SafeYaml#loadMap} reads as values {@link HelmValues#deepEquals equal} to
     *     {@code desired}, and the changes
     * @throws InvalidYamlException when {@code originalText} is not a valid values file
     * @throws IllegalArgumentException when {@code desired} holds something YAML values cannot (a date, an object)
     */
    public static Result rewrite(String originalText, Map<String, Object> desired, String sourceName) {
        return rewrite(LoadedYaml.load(originalText, sourceName), desired, sourceName);
    }

    /**
     * Rewrites a values file already loaded, as {@link #rewrite(String, Map, String)} rewrites its text, without
     * parsing it again.
     */
    public static Result rewrite(LoadedYaml loaded, Map<String, Object> desired, String sourceName) {
        String originalText = loaded.text();
        YamlDocument document = YamlDocument.of(originalText, loaded.events());
        Map<String, Object> original = loaded.values();
        checkWritable(desired, ValuesPath.root(), sourceName);
        List<Change> changes = diff(original, desired);
        if (changes.isEmpty()) {
            return new Result(originalText, changes, original);
        }
        for (ValuesEditPlanner.Granularity granularity : ValuesEditPlanner.Granularity.values()) {
            try {
                String text = new ValuesEditPlanner(document, granularity).rewrite(original, desired);
                Optional<Map<String, Object>> readBack = readBackAs(text, desired);
                if (readBack.isPresent()) {
                    return new Result(text, changes, readBack.get());
                }
            } catch (RuntimeException e) {
                // An edit this document's layout does not allow; the coarser rewrite below handles it.
            }
        }
        String whole = desired.isEmpty()
                ? "{}" + document.newline
                : String.join(document.newline, YamlWriter.block(desired, 0).lines()) + document.newline;
        Map<String, Object> readBack = readBackAs(whole, desired)
                .orElseThrow(() -> new InvalidYamlException("The values for " + sourceName
                        + " cannot be written as YAML that reads back the same: " + SafeYaml.dumpInline(desired)
                        + ". Simplify the value in your values file (plain strings, numbers, booleans, maps and"
                        + " lists)."));
        return new Result(whole, changes, readBack);
    }

    /**
     * What differs between two values trees: a changed scalar, a key added or removed, a list of another length or a
     * value of another type is one change each; equal-length lists are compared item by item and maps key by key.
     *
     * @return the changes in document order: {@code before}'s keys first, then keys only {@code after} has
     */
    public static List<Change> diff(Map<String, Object> before, Map<String, Object> after) {
        List<Change> changes = new ArrayList<>();
        diff(ValuesPath.root(), before, after, changes);
        return List.copyOf(changes);
    }

    /** Rewrites at the finest granularity only, without checking; for tests of the line-by-line edits. */
    static String rewriteInPlace(String originalText, Map<String, Object> desired, String sourceName) {
        YamlDocument document = YamlDocument.parse(originalText, sourceName);
        Map<String, Object> original = SafeYaml.loadMap(document.events, sourceName);
        return new ValuesEditPlanner(document, ValuesEditPlanner.Granularity.FINE).rewrite(original, desired);
    }

    private static void diff(ValuesPath path, Object before, Object after, List<Change> changes) {
        if (HelmValues.deepEquals(before, after)) {
            return;
        }
        if (before instanceof Map<?, ?> beforeMap && after instanceof Map<?, ?> afterMap) {
            beforeMap.forEach((key, value) -> {
                ValuesPath child = path.child(String.valueOf(key));
                if (afterMap.containsKey(key)) {
                    diff(child, value, afterMap.get(key), changes);
                } else {
                    changes.add(new Change(child, HelmValues.deepCopy(value), null));
                }
            });
            afterMap.forEach((key, value) -> {
                if (!beforeMap.containsKey(key)) {
                    changes.add(new Change(path.child(String.valueOf(key)), null, HelmValues.deepCopy(value)));
                }
            });
        } else if (before instanceof List<?> beforeList
                && after instanceof List<?> afterList
                && beforeList.size() == afterList.size()) {
            for (int i = 0; i < beforeList.size(); i++) {
                diff(path.child(i), beforeList.get(i), afterList.get(i), changes);
            }
        } else {
            changes.add(new Change(path, HelmValues.deepCopy(before), HelmValues.deepCopy(after)));
        }
    }

    private static void checkWritable(Object value, ValuesPath path, String sourceName) {
        // A plain scalar is always writable: only collections and refused values need their own path.
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> {
                if (key instanceof Map<?, ?> || key instanceof List<?>) {
                    throw new InvalidYamlException(sourceName + ": the values key at " + path + " is a collection ("
                            + key + "); Helm values keys are strings: write it as a string key.");
                }
                checkWritable(key, path, sourceName);
                if (!isPlainScalar(item)) {
                    checkWritable(item, path.child(String.valueOf(key)), sourceName);
                }
            });
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (!isPlainScalar(list.get(i))) {
                    checkWritable(list.get(i), path.child(i), sourceName);
                }
            }
        } else if (!isPlainScalar(value)) {
            throw new InvalidYamlException(sourceName + ": the value at " + path + " is a "
                    + value.getClass().getName()
                    + "; values files hold only maps, lists, strings, numbers, booleans and nulls.");
        }
    }

    private static boolean isPlainScalar(Object value) {
        return value == null
                || value instanceof String
                || value instanceof Boolean
                || HelmValues.isWholeNumber(value)
                || HelmValues.isFloatingNumber(value);
    }

    /** What the text loads as, when that equals the desired values. */
    private static Optional<Map<String, Object>> readBackAs(String text, Map<String, Object> desired) {
        try {
            Map<String, Object> loaded = SafeYaml.loadMap(text, "the rewritten values");
            return HelmValues.deepEquals(loaded, desired) ? Optional.of(loaded) : Optional.empty();
        } catch (InvalidYamlException e) {
            return Optional.empty();
        }
    }
}
