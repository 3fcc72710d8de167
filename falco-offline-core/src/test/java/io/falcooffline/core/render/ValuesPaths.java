package io.falcooffline.core.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the values path syntax of plans, {@code a.b[0]["x.y"]}: dotted keys, {@code [n]} list indices, and
 * {@code ["…"]} for keys holding dots, brackets or quotes ({@code \"} and {@code \\} escaped). Kept apart from the
 * code under test so that tests check the plan against their own reading of it.
 */
public final class ValuesPaths {

    private ValuesPaths() {}

    /**
     * The steps of a path: {@code String} keys and {@code Integer} indices.
     *
     * @throws IllegalArgumentException when the text is not a values path
     */
    public static List<Object> parse(String text) {
        List<Object> steps = new ArrayList<>();
        int i = 0;
        boolean expectKey = true;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '[') {
                int close;
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    StringBuilder key = new StringBuilder();
                    int j = i + 2;
                    while (j < text.length() && text.charAt(j) != '"') {
                        if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                            j++;
                        }
                        key.append(text.charAt(j));
                        j++;
                    }
                    if (j + 1 >= text.length() || text.charAt(j + 1) != ']') {
                        throw malformed(text);
                    }
                    steps.add(key.toString());
                    close = j + 1;
                } else {
                    close = text.indexOf(']', i);
                    if (close < 0) {
                        throw malformed(text);
                    }
                    try {
                        steps.add(Integer.parseInt(text.substring(i + 1, close)));
                    } catch (NumberFormatException e) {
                        throw malformed(text);
                    }
                }
                i = close + 1;
                expectKey = false;
            } else if (c == '.') {
                if (expectKey) {
                    throw malformed(text);
                }
                i++;
                expectKey = true;
            } else {
                if (!expectKey) {
                    throw malformed(text);
                }
                int end = i;
                while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
                    end++;
                }
                steps.add(text.substring(i, end));
                i = end;
                expectKey = false;
            }
        }
        if (steps.isEmpty() || expectKey) {
            throw malformed(text);
        }
        return steps;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("Not a values path: " + text);
    }
}
