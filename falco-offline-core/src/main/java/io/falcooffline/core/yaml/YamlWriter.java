package io.falcooffline.core.yaml;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Writes values as YAML text that reads back, through both SnakeYAML and Helm's Go YAML decoder, as the same value:
 * strings that either would take for a number, boolean, null or date are quoted.
 */
final class YamlWriter {

    /** Flow collections longer than this are written as blocks. */
    static final int MAX_FLOW_LINE = 120;

    private static final Resolver RESOLVER = new Resolver();
    private static final String ALWAYS_INDICATORS = ",[]{}#&*!|>'\"%@`";
    private static final String FLOW_INDICATORS = ",[]{}";
    /** What Go's strconv accepts as a number once {@code _} are removed: Helm's decoder reads these as numbers. */
    private static final Pattern GO_NUMBER = Pattern.compile(
            "[-+]?(?:0x[0-9a-f]+|0o?[0-7]+|0b[01]+|[0-9]+"
                    + "|(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:e[-+]?[0-9]+)?"
                    + "|0x[0-9a-f]*\\.?[0-9a-f]*p[-+]?[0-9]+"
                    + "|inf|infinity|nan)",
            Pattern.CASE_INSENSITIVE);
    /** Go's YAML 1.1 decoder also reads these as booleans; SnakeYAML does not. */
    private static final Pattern GO_ONLY_BOOLEAN = Pattern.compile("[yYnN]");

    private YamlWriter() {}

    /** Lines of a block rendering, and whether the last one is inside a literal block (nothing may follow it). */
    record Block(List<String> lines, boolean endsInLiteral) {}

    /**
     * A scalar or empty collection on one line. Strings keep {@code preferred} quoting when it was single or double
     * quotes, are plain when that reads back the same, and are double-quoted otherwise.
     */
    static String inline(Object value, ScalarStyle preferred) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            if (preferred == ScalarStyle.SINGLE_QUOTED && singleQuotable(text)) {
                return singleQuoted(text);
            }
            if (preferred == ScalarStyle.DOUBLE_QUOTED || !isPlainSafe(text, false)) {
                return doubleQuoted(text);
            }
            return text;
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        if (HelmValues.isWholeNumber(value)) {
            return value instanceof BigInteger ? value.toString() : String.valueOf(((Number) value).longValue());
        }
        if (HelmValues.isFloatingNumber(value)) {
            return floating(((Number) value).doubleValue());
        }
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "{}";
        }
        if (value instanceof List<?> list && list.isEmpty()) {
            return "[]";
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new IllegalArgumentException("A non-empty collection has no one-line scalar form: " + value);
        }
        throw new IllegalArgumentException("Cannot write a " + value.getClass().getName()
                + " into a values file; use maps, lists, strings, numbers, booleans or null");
    }

    /** A one-line flow list of scalars, or null when the value is not such a list or would not read well. */
    static String flowList(Object value, int column) {
        if (!(value instanceof List<?> list)) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> || item instanceof List<?>) {
                return null;
            }
            if (item instanceof String text && !isPlainSafe(text, true)) {
                items.add(doubleQuoted(text));
            } else {
                items.add(inline(item, ScalarStyle.PLAIN));
            }
        }
        String flow = "[" + String.join(", ", items) + "]";
        return column + flow.length() <= MAX_FLOW_LINE ? flow : null;
    }

    /** Whether a string is best written as a literal block ({@code |}). */
    static boolean prefersLiteral(Object value) {
        return value instanceof String text && text.indexOf('\n') >= 0 && literalSafe(text);
    }

    /** The header of a literal block for {@code text}: {@code |}, {@code |-}. */
    static String literalHeader(String text) {
        return text.endsWith("\n") ? "|" : "|-";
    }

    /** The body lines of a literal block, each indented by {@code indent} spaces (empty lines stay empty). */
    static List<String> literalBody(String text, int indent) {
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        List<String> lines = new ArrayList<>();
        for (String line : body.split("\n", -1)) {
            lines.add(line.isEmpty() ? "" : " ".repeat(indent) + line);
        }
        return lines;
    }

    /**
     * A non-empty map or list in block style, every line indented by {@code indent} spaces: maps as {@code key: value}
     * lines, lists as {@code - item} lines, nested collections two spaces deeper.
     */
    static Block block(Object value, int indent) {
        List<String> lines = new ArrayList<>();
        boolean endsInLiteral = appendBlock(value, indent, lines);
        return new Block(lines, endsInLiteral);
    }

    /** A mapping key: plain when that reads back as the same key, else double-quoted. */
    static String key(Object key) {
        if (key instanceof String text) {
            return isPlainSafe(text, false) && isPlainSafeKey(text) ? text : doubleQuoted(text);
        }
        return inline(key, ScalarStyle.PLAIN);
    }

    /**
     * Whether {@code text} can be written unquoted and read back as the same string by SnakeYAML and by Helm, in a
     * block context or, when {@code flow}, inside {@code [...]}.
     */
    static boolean isPlainSafe(String text, boolean flow) {
        if (text.isEmpty() || !text.strip().equals(text)) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
                return false;
            }
            if (flow && FLOW_INDICATORS.indexOf(c) >= 0) {
                return false;
            }
        }
        if (ALWAYS_INDICATORS.indexOf(text.charAt(0)) >= 0
                || text.contains(": ")
                || text.contains(" #")
                || text.endsWith(":")) {
            return false;
        }
        if (!RESOLVER.resolve(NodeId.scalar, text, true).equals(Tag.STR)) {
            return false;
        }
        if (helmReadsAsNonString(text)) {
            return false;
        }
        return flow ? readsBack("[" + text + "]", List.of(text)) : readsBackInBlock(text);
    }

    /**
     * Whether Helm's Go decoder reads this plain scalar as a number or boolean where SnakeYAML's YAML 1.1 rules see a
     * string ({@code 1e3}, {@code 0o17}, {@code y}).
     */
    static boolean helmReadsAsNonString(String text) {
        return GO_NUMBER.matcher(text.replace("_", "")).matches()
                || GO_ONLY_BOOLEAN.matcher(text).matches();
    }

    static String doubleQuoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20
                            || (c >= 0x7f && c <= 0x9f)
                            || c == '\u2028'
                            || c == '\u2029'
                            || c == '\ufeff'
                            || Character.isSurrogate(c) && !validSurrogatePair(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                        if (Character.isHighSurrogate(c)) {
                            out.append(text.charAt(++i));
                        }
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static boolean validSurrogatePair(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i))
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
    }

    private static boolean singleQuotable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20
                    || (c >= 0x7f && c <= 0x9f)
                    || c == '\u2028'
                    || c == '\u2029'
                    || c == '\ufeff'
                    || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String singleQuoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static boolean literalSafe(String text) {
        // Trailing blank lines would need "keep" chomping, which also swallows blank lines after the block.
        if (text.endsWith("\n\n") || text.startsWith(" ") || text.startsWith("\t") || text.startsWith("\n")) {
            return false;
        }
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty() && line.isBlank()) {
                return false;
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t')
                    || (c >= 0x7f && c <= 0x9f)
                    || c == '\u2028'
                    || c == '\u2029'
                    || c == '\ufeff'
                    || Character.isSurrogate(c) && !Character.isHighSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String floating(double value) {
        if (Double.isNaN(value)) {
            return ".nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? ".inf" : "-.inf";
        }
        String text = Double.toString(value);
        // SnakeYAML's YAML 1.1 float needs a sign on the exponent; Go accepts both.
        int exponent = text.indexOf('E');
        if (exponent >= 0 && text.charAt(exponent + 1) != '-') {
            text = text.substring(0, exponent) + "e+" + text.substring(exponent + 1);
        }
        return text;
    }

    private static boolean appendBlock(Object value, int indent, List<String> lines) {
        String pad = " ".repeat(indent);
        boolean endsInLiteral = false;
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                endsInLiteral = appendEntry(pad + key(entry.getKey()) + ":", entry.getValue(), indent, lines);
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                endsInLiteral = appendItem(item, indent, lines);
            }
        } else {
            throw new IllegalArgumentException("Only maps and lists are written as blocks: " + value);
        }
        return endsInLiteral;
    }

    private static boolean appendEntry(String head, Object value, int indent, List<String> lines) {
        if (isNonEmptyCollection(value)) {
            lines.add(head);
            return appendBlock(value, indent + 2, lines);
        }
        if (prefersLiteral(value)) {
            lines.add(head + " " + literalHeader((String) value));
            lines.addAll(literalBody((String) value, indent + 2));
            return true;
        }
        lines.add(head + " " + inline(value, ScalarStyle.PLAIN));
        return false;
    }

    private static boolean appendItem(Object item, int indent, List<String> lines) {
        String dash = " ".repeat(indent) + "- ";
        if (isNonEmptyCollection(item)) {
            List<String> nested = new ArrayList<>();
            boolean endsInLiteral = appendBlock(item, indent + 2, nested);
            lines.add(dash + nested.get(0).substring(indent + 2));
            lines.addAll(nested.subList(1, nested.size()));
            return endsInLiteral;
        }
        if (prefersLiteral(item)) {
            lines.add(dash + literalHeader((String) item));
            lines.addAll(literalBody((String) item, indent + 2));
            return true;
        }
        lines.add(dash + inline(item, ScalarStyle.PLAIN));
        return false;
    }

    static boolean isNonEmptyCollection(Object value) {
        return (value instanceof Map<?, ?> map && !map.isEmpty()) || (value instanceof List<?> list && !list.isEmpty());
    }

    private static boolean isPlainSafeKey(String key) {
        return !key.startsWith("-") && !key.startsWith("?") && !key.startsWith(":") && !key.contains(":");
    }

    private static boolean readsBackInBlock(String text) {
        return readsBack("k: " + text, Map.of("k", text)) && readsBack("- " + text, List.of(text));
    }

    private static boolean readsBack(String yaml, Object expected) {
        try {
            return HelmValues.deepEquals(SafeYaml.load(yaml, "generated YAML"), expected);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
