package io.falcooffline.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text forms of list and map parameters, as a command line gives them ({@code -Dfalco-offline.platforms=...}):
 * one place that splits them, so every parameter reads commas, blanks and pairs alike.
 */
final class ParameterText {

    private ParameterText() {}

    /** Non-blank, trimmed parts between commas; null means none. */
    static List<String> commaSeparated(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(part -> !part.isEmpty())
                .toList();
    }

    /**
     * {@code key=value} pairs separated by commas (or, with {@code blanksSeparate}, also by white space), in order.
     *
     * @param parameter the parameter the text came from, named in the error
     * @param form the shape of one pair, e.g. {@code registry=mirror}
     * @param example a valid value, shown in the error
     * @throws InvalidRequestException naming the parameter and the malformed pair
     */
    static Map<String, String> pairs(
            String parameter, String form, String text, boolean blanksSeparate, String example) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text == null) {
            return pairs;
        }
        for (String pair : text.split(blanksSeparate ? "[,\\s]+" : ",")) {
            String part = pair.strip();
            if (part.isEmpty()) {
                continue;
            }
            int equals = part.indexOf('=');
            // Checked before the shape, so that even a malformed pair never repeats a password.
            if (equals > 0) {
                RegistryParameters.requireNoCredentials(parameter, part.substring(0, equals));
                RegistryParameters.requireNoCredentials(parameter, part.substring(equals + 1));
            } else {
                RegistryParameters.requireNoCredentials(parameter, part);
            }
            if (equals <= 0 || equals == part.length() - 1 || part.indexOf('=', equals + 1) >= 0) {
                throw new InvalidRequestException(
                        parameter,
                        "`" + parameter + "` takes " + form + " pairs separated by commas, got '" + part + "'; e.g. "
                                + example + ".");
            }
            pairs.put(
                    part.substring(0, equals).strip(),
                    part.substring(equals + 1).strip());
        }
        return pairs;
    }
}
