package io.falcooffline.core.yaml;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Helm's rules for values trees (maps, lists, scalars as {@link SafeYaml} loads them): coalescing a user's values over
 * chart defaults, reading a path, copying and comparing.
 *
 * <p>Every method leaves its arguments untouched and returns new, mutable, insertion-ordered maps and lists.
 */
public final class HelmValues {

    private HelmValues() {}

    /**
     * The values a chart renders with when {@code override} is given to {@code helm install -f} over the chart's
     * {@code values.yaml} ({@code base}), as Helm's {@code CoalesceValues} computes them for a chart without
     * subcharts. Shorthand for {@link #coalesce(Map, Map, Set)} with no subchart names.
     */
    public static Map<String, Object> coalesce(Map<String, Object> base, Map<String, Object> override) {
        return coalesce(base, override, Set.of());
    }

    /**
     * The values a chart renders with when {@code override} is given to {@code helm install -f} over the chart's
     * {@code values.yaml} ({@code base}), as Helm's {@code CoalesceValues} computes them:
     *
     * <ul>
     *   <li>maps merge key by key, recursively;
     *   <li>a list or scalar in {@code override} replaces whatever {@code base} has, and so does a map over a scalar;
     *   <li>a key set to null in {@code override} removes the key when {@code base} has a non-null value for it, at
     *       any depth (at the top level, even when {@code base} holds null); a null for a key {@code base} does not
     *       have stays null, as in Helm;
     *   <li>under a top-level key named in {@code subchartNames} nulls are kept, because Helm removes those keys later
     *       against the subchart's own defaults;
     *   <li>keys keep {@code base}'s order, then come {@code override}'s new keys in its order.
     * </ul>
     *
     * @param base the chart's default values
     * @param override the user's values
     * @param subchartNames the chart's dependency names (keys whose maps belong to subcharts), possibly empty
     * @return a new deep copy; neither argument is changed
     */
    public static Map<String, Object> coalesce(
            Map<String, Object> base, Map<String, Object> override, Set<String> subchartNames) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : base.entrySet()) {
            String key = entry.getKey();
            Object baseValue = entry.getValue();
            if (!override.containsKey(key)) {
                result.put(key, deepCopy(baseValue));
                continue;
            }
            Object overrideValue = override.get(key);
            if (overrideValue == null) {
                continue;
            }
            if (overrideValue instanceof Map<?, ?> overrideMap && baseValue instanceof Map<?, ?> baseMap) {
                result.put(key, coalesceTables(overrideMap, baseMap, subchartNames.contains(key)));
            } else {
                result.put(key, deepCopy(overrideValue));
            }
        }
        for (Map.Entry<String, Object> entry : override.entrySet()) {
            if (!base.containsKey(entry.getKey())) {
                result.put(entry.getKey(), deepCopy(entry.getValue()));
            }
        }
        return result;
    }

    /**
     * The values a chart renders with for {@code helm install -f layers[1] -f layers[2] ...}, where {@code layers[0]}
     * is the chart's {@code values.yaml}: Helm first merges the user's files left to right (maps merge, anything else
     * in a later file replaces, nulls are kept), then {@link #coalesce coalesces} the result over the defaults. For
     * values without nulls this equals folding {@link #coalesce(Map, Map)} from left to right.
     *
     * @param layers the chart defaults followed by the user's values files, at least one
     * @return a new deep copy
     */
    public static Map<String, Object> merge(List<Map<String, Object>> layers) {
        return merge(layers, Set.of());
    }

    /**
     * {@link #merge(List)} for a chart with subcharts; see {@link #coalesce(Map, Map, Set)}.
     *
     * @param layers the chart defaults followed by the user's values files, at least one
     * @param subchartNames the chart's dependency names, possibly empty
     */
    public static Map<String, Object> merge(List<Map<String, Object>> layers, Set<String> subchartNames) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("merge needs at least the chart's default values");
        }
        Map<Object, Object> userValues = new LinkedHashMap<>();
        for (Map<String, Object> layer : layers.subList(1, layers.size())) {
            userValues = mergeUserFiles(userValues, layer);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> override = (Map<String, Object>) (Map<?, ?>) userValues;
        return coalesce(layers.get(0), override, subchartNames);
    }

    /**
     * The value at a path written as in {@link ValuesPath}, e.g. {@code falcoctl.config.artifact.install.refs[0]}.
     *
     * @return the value, or empty when the path leads nowhere or to null
     * @throws IllegalArgumentException when the path is not valid
     */
    public static Optional<Object> get(Map<String, Object> values, String dottedPath) {
        return get(values, ValuesPath.parse(dottedPath));
    }

    /**
     * The value at a path.
     *
     * @return the value, or empty when the path leads nowhere or to null
     */
    public static Optional<Object> get(Map<String, Object> values, ValuesPath path) {
        Object current = values;
        for (Object segment : path.segments()) {
            if (segment instanceof Integer index) {
                if (!(current instanceof List<?> list) || index >= list.size()) {
                    return Optional.empty();
                }
                current = list.get(index);
            } else {
                if (!(current instanceof Map<?, ?> map)) {
                    return Optional.empty();
                }
                Optional<Object> key = findKey(map, (String) segment);
                if (key.isEmpty()) {
                    return Optional.empty();
                }
                current = map.get(key.get());
            }
        }
        return Optional.ofNullable(current);
    }

    /**
     * A deep copy of {@code values} with {@code value} at {@code path}. Missing maps on the way are created; a list
     * index must exist, or equal the list's size to append.
     *
     * @param value the new value, deep-copied; may be null
     * @throws IllegalArgumentException when a scalar or a too short list is in the way, or the path is the root
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> with(Map<String, Object> values, ValuesPath path, Object value) {
        if (path.isRoot()) {
            throw new IllegalArgumentException("Cannot replace the values root; give a path to a key");
        }
        Map<String, Object> copy = deepCopy(values);
        set(copy, path, value);
        return copy;
    }

    /**
     * Puts {@code value} at {@code path} in {@code values} itself, as {@link #with} does in its copy: for a caller
     * that owns every map and list of {@code values} and would otherwise copy the whole tree for each key it sets.
     * When it throws, the maps created on the way may remain.
     *
     * @param value the new value, deep-copied; may be null
     * @throws IllegalArgumentException when a scalar or a too short list is in the way, or the path is the root
     */
    @SuppressWarnings("unchecked")
    public static void set(Map<String, Object> values, ValuesPath path, Object value) {
        if (path.isRoot()) {
            throw new IllegalArgumentException("Cannot replace the values root; give a path to a key");
        }
        Object container = values;
        List<Object> segments = path.segments();
        for (int i = 0; i < segments.size(); i++) {
            Object segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            Object next = last ? deepCopy(value) : null;
            if (segment instanceof Integer index) {
                if (!(container instanceof List<?>)) {
                    throw notContainer(path, i, "list");
                }
                List<Object> list = (List<Object>) container;
                if (index > list.size()) {
                    throw new IllegalArgumentException("Cannot set " + path + ": the list at "
                            + new ValuesPath(segments.subList(0, i)) + " has only " + list.size() + " items");
                }
                if (!last) {
                    next = index < list.size() ? list.get(index) : null;
                    next = next != null ? next : newContainerFor(segments.get(i + 1));
                }
                if (index == list.size()) {
                    list.add(next);
                } else {
                    list.set(index, next);
                }
                container = next;
            } else {
                if (!(container instanceof Map<?, ?>)) {
                    throw notContainer(path, i, "map");
                }
                Map<Object, Object> map = (Map<Object, Object>) container;
                Object key = findKey(map, (String) segment).orElse(segment);
                if (!last) {
                    next = map.get(key);
                    next = next != null ? next : newContainerFor(segments.get(i + 1));
                }
                map.put(key, next);
                container = next;
            }
        }
    }

    /** A deep copy that cannot be changed: unmodifiable maps (insertion-ordered) and lists all the way down. */
    @SuppressWarnings("unchecked")
    public static <T> T unmodifiableCopy(T value) {
        if (value instanceof Map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            ((Map<Object, Object>) value).forEach((key, item) -> copy.put(key, unmodifiableCopy(item)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List) {
            List<Object> copy = new ArrayList<>();
            for (Object item : (List<Object>) value) {
                copy.add(unmodifiableCopy(item));
            }
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }

    /** A deep copy: new maps (insertion-ordered) and lists all the way down; scalars are shared. */
    @SuppressWarnings("unchecked")
    public static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(key, deepCopy(item)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(deepCopy(item)));
            return (T) copy;
        }
        if (value instanceof Set<?> set) {
            Set<Object> copy = new LinkedHashSet<>();
            set.forEach(item -> copy.add(deepCopy(item)));
            return (T) copy;
        }
        return value;
    }

    /**
     * Whether two values trees are equal: maps by key set and values (order ignored), lists item by item, whole
     * numbers by numeric value whatever their Java type ({@code Integer 1} equals {@code Long 1}), floating-point
     * numbers likewise. A whole number never equals a floating-point one, because YAML writes them differently.
     */
    public static boolean deepEquals(Object left, Object right) {
        if (left == right) {
            return true;
        }
        if (left == null || right == null) {
            return false;
        }
        if (left instanceof Map<?, ?> leftMap && right instanceof Map<?, ?> rightMap) {
            if (leftMap.size() != rightMap.size()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : leftMap.entrySet()) {
                if (!rightMap.containsKey(entry.getKey())
                        || !deepEquals(entry.getValue(), rightMap.get(entry.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (left instanceof List<?> leftList && right instanceof List<?> rightList) {
            if (leftList.size() != rightList.size()) {
                return false;
            }
            Iterator<?> rightItems = rightList.iterator();
            for (Object item : leftList) {
                if (!deepEquals(item, rightItems.next())) {
                    return false;
                }
            }
            return true;
        }
        if (isWholeNumber(left) && isWholeNumber(right)) {
            return toBigInteger((Number) left).equals(toBigInteger((Number) right));
        }
        if (isFloatingNumber(left) && isFloatingNumber(right)) {
            return Double.compare(((Number) left).doubleValue(), ((Number) right).doubleValue()) == 0;
        }
        return left.equals(right);
    }

    static boolean isWholeNumber(Object value) {
        return value instanceof Integer
                || value instanceof Long
                || value instanceof BigInteger
                || value instanceof Short
                || value instanceof Byte;
    }

    static boolean isFloatingNumber(Object value) {
        return value instanceof Double || value instanceof Float || value instanceof BigDecimal;
    }

    /** A map key equal to {@code key}, or whose text is {@code key} when the map has non-string keys such as 80. */
    static Optional<Object> findKey(Map<?, ?> map, String key) {
        if (map.containsKey(key)) {
            return Optional.of(key);
        }
        for (Object candidate : map.keySet()) {
            if (!(candidate instanceof String) && String.valueOf(candidate).equals(key)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Coalesces a user's map (authoritative) over a chart's map, as Helm's {@code coalesceTablesFullKey}. */
    private static Map<Object, Object> coalesceTables(Map<?, ?> user, Map<?, ?> chart, boolean keepNulls) {
        Map<Object, Object> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : chart.entrySet()) {
            Object key = entry.getKey();
            Object chartValue = entry.getValue();
            if (!user.containsKey(key)) {
                result.put(key, deepCopy(chartValue));
                continue;
            }
            Object userValue = user.get(key);
            if (userValue == null) {
                // Helm deletes a default the user nulls out; a null over a null (or in a subchart's map) stays.
                if (chartValue == null || keepNulls) {
                    result.put(key, null);
                }
            } else if (userValue instanceof Map<?, ?> userMap && chartValue instanceof Map<?, ?> chartMap) {
                result.put(key, coalesceTables(userMap, chartMap, keepNulls));
            } else {
                result.put(key, deepCopy(userValue));
            }
        }
        for (Map.Entry<?, ?> entry : user.entrySet()) {
            if (!chart.containsKey(entry.getKey())) {
                result.put(entry.getKey(), deepCopy(entry.getValue()));
            }
        }
        return result;
    }

    /** Helm's {@code mergeMaps} for {@code -f} files: later maps merge into earlier ones, anything else replaces. */
    private static Map<Object, Object> mergeUserFiles(Map<?, ?> earlier, Map<?, ?> later) {
        Map<Object, Object> result = new LinkedHashMap<>();
        earlier.forEach((key, value) -> result.put(key, deepCopy(value)));
        for (Map.Entry<?, ?> entry : later.entrySet()) {
            Object existing = result.get(entry.getKey());
            if (entry.getValue() instanceof Map<?, ?> laterMap && existing instanceof Map<?, ?> earlierMap) {
                result.put(entry.getKey(), mergeUserFiles(earlierMap, laterMap));
            } else {
                result.put(entry.getKey(), deepCopy(entry.getValue()));
            }
        }
        return result;
    }

    private static Object newContainerFor(Object nextSegment) {
        return nextSegment instanceof Integer ? new ArrayList<>() : new LinkedHashMap<>();
    }

    private static IllegalArgumentException notContainer(ValuesPath path, int depth, String expected) {
        return new IllegalArgumentException("Cannot set " + path + ": the value at "
                + new ValuesPath(path.segments().subList(0, depth)) + " is not a " + expected);
    }

    private static BigInteger toBigInteger(Number number) {
        return number instanceof BigInteger big ? big : BigInteger.valueOf(number.longValue());
    }
}
