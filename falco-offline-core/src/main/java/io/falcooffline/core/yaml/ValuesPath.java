package io.falcooffline.core.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a value sits inside a values tree: map keys ({@link String}) and list indices ({@link Integer}) from the root.
 *
 * <p>Written form: keys joined by dots, list indices in brackets, and keys that are not plain words in brackets and
 * double quotes, e.g. {@code falcoctl.config.artifact.install.refs[0]} or
 * {@code podAnnotations["app.kubernetes.io/name"]}. A plain word is letters, digits, {@code _} and {@code -}. Inside
 * quotes, {@code \"} and {@code \\} stand for a quote and a backslash. The root is the empty string.
 *
 * @param segments the keys and indices from the root, never null
 */
public record ValuesPath(List<Object> segments) {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    /** Checks the segments and takes an unmodifiable copy. */
    public ValuesPath {
        segments = List.copyOf(segments);
        for (Object segment : segments) {
            if (segment instanceof Integer index) {
                if (index < 0) {
                    throw new IllegalArgumentException("A values path index must not be negative: " + index);
                }
            } else if (!(segment instanceof String)) {
                throw new IllegalArgumentException(
                        "A values path segment is a String key or an Integer index, not " + segment.getClass());
            }
        }
    }

    /** The path of the whole values tree. */
    public static ValuesPath root() {
        return new ValuesPath(List.of());
    }

    /** A path of keys, e.g. {@code ValuesPath.of("image", "registry")}. */
    public static ValuesPath of(Object... segments) {
        return new ValuesPath(List.of(segments));
    }

    /**
     * Reads the written form.
     *
     * @throws IllegalArgumentException naming the position of the first mistake
     */
    public static ValuesPath parse(String path) {
        return new Parser(path).parse();
    }

    /** This path followed by a map key. */
    public ValuesPath child(String key) {
        return append(key);
    }

    /** This path followed by a list index. */
    public ValuesPath child(int index) {
        return append(index);
    }

    /** The path one level up; the root has no parent. */
    public ValuesPath parent() {
        if (segments.isEmpty()) {
            throw new IllegalStateException("The values root has no parent");
        }
        return new ValuesPath(segments.subList(0, segments.size() - 1));
    }

    /** True for the path of the whole tree. */
    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The written form, which {@link #parse} reads back to an equal path. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Object segment : segments) {
            if (segment instanceof Integer index) {
                out.append('[').append(index).append(']');
            } else {
                String key = (String) segment;
                if (PLAIN_KEY.matcher(key).matches()) {
                    if (out.length() > 0) {
                        out.append('.');
                    }
                    out.append(key);
                } else {
                    out.append("[\"")
                            .append(key.replace("\\", "\\\\").replace("\"", "\\\""))
                            .append("\"]");
                }
            }
        }
        return out.toString();
    }

    private ValuesPath append(Object segment) {
        List<Object> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new ValuesPath(longer);
    }

    private static final class Parser {
        private final String text;
        private int position;
        private final List<Object> segments = new ArrayList<>();

        Parser(String text) {
            this.text = Objects.requireNonNull(text, "path");
        }

        ValuesPath parse() {
            while (position < text.length()) {
                char c = text.charAt(position);
                if (c == '[') {
                    bracket();
                } else if (c == '.' && !segments.isEmpty()) {
                    position++;
                    plainKey();
                } else if (segments.isEmpty()) {
                    plainKey();
                } else {
                    throw mistake("expected '.' or '['");
                }
            }
            return new ValuesPath(segments);
        }

        private void plainKey() {
            int start = position;
            while (position < text.length()
                    && ".[]\"'".indexOf(text.charAt(position)) < 0
                    && !Character.isWhitespace(text.charAt(position))) {
                position++;
            }
            if (position == start) {
                throw mistake("expected a key");
            }
            segments.add(text.substring(start, position));
        }

        private void bracket() {
            position++;
            if (position >= text.length()) {
                throw mistake("expected an index or a quoted key after '['");
            }
            char c = text.charAt(position);
            if (c == '"' || c == '\'') {
                segments.add(quotedKey(c));
            } else if (Character.isDigit(c)) {
                int start = position;
                while (position < text.length() && Character.isDigit(text.charAt(position))) {
                    position++;
                }
                try {
                    segments.add(Integer.valueOf(text.substring(start, position)));
                } catch (NumberFormatException e) {
                    throw mistake("index too large");
                }
            } else {
                throw mistake("expected an index or a quoted key after '['");
            }
            if (position >= text.length() || text.charAt(position) != ']') {
                throw mistake("expected ']'");
            }
            position++;
        }

        private String quotedKey(char quote) {
            position++;
            StringBuilder key = new StringBuilder();
            while (position < text.length()) {
                char c = text.charAt(position++);
                if (c == quote) {
                    return key.toString();
                }
                if (c == '\\' && position < text.length()) {
                    key.append(text.charAt(position++));
                } else {
                    key.append(c);
                }
            }
            throw mistake("unterminated quoted key");
        }

        private IllegalArgumentException mistake(String what) {
            return new IllegalArgumentException("Invalid values path '" + text + "' at character " + (position + 1)
                    + ": " + what + ". Write keys joined by dots, indices as [0], and keys with other characters"
                    + " as [\"key\"], e.g. annotations[\"app.kubernetes.io/name\"].");
        }
    }
}
