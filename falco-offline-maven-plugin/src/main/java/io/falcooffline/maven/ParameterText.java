package io.falcooffline.maven;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text forms of list and map parameters, as a command line gives them ({@code -Dfalco-offline.platforms=...}):
 * one place that splits them, so every parameter reads commas, blanks and pairs alike. The core API takes the typed
 * values; a malformed text is an {@link InvalidRequestException} naming the parameter.
 */
final class ParameterText {

    private static final String CREDENTIALS_ADVICE =
            "credentials go into a <server> of settings.xml whose id is the host, never into parameters";

    private ParameterText() {}

    /** Non-blank, trimmed parts between commas; null means none. */
    static List<String> commaSeparated(String text) {
        return split(text, ",");
    }

    /** {@code platforms}: comma-separated {@code os/architecture[/variant]}, e.g. {@code linux/arm64}. */
    static List<Platform> platforms(String text) {
        return commaSeparated(text).stream().map(Platform::parse).toList();
    }

    /** {@code overrides}: {@code source=target} pairs separated by commas or blanks, in order. */
    static Map<String, String> overrides(String text) {
        return pairs(
                "overrides",
                "source=target",
                text,
                true,
                "docker.io/falcosecurity/falco=192.168.5.96:30003/falco/falco");
    }

    /** {@code registryMirrors}: comma-separated {@code registry=mirror} pairs, in order. */
    static Map<String, String> registryMirrors(String text) {
        return pairs(
                "registryMirrors",
                "registry=mirror",
                text,
                false,
                "docker.io=nexus.corp:8443/dockerhub,ghcr.io=127.0.0.1:5001");
    }

    /** {@code driverKernels}: entries separated by commas, semicolons or white space. */
    static List<String> driverKernels(String text) {
        return split(text, "[,;\\s]+");
    }

    /**
     * {@code key=value} pairs separated by commas (or, with {@code blanksSeparate}, also by white space), in order. A
     * malformed pair holding {@code @} is not repeated in the message, as it may hold a password; the core refuses
     * user-info in well-formed pairs, naming the parameter.
     *
     * @param parameter the parameter the text came from, named in the error
     * @param form the shape of one pair, e.g. {@code registry=mirror}
     * @param example a valid value, shown in the error
     * @throws InvalidRequestException naming the parameter and the malformed pair
     */
    static Map<String, String> pairs(
            String parameter, String form, String text, boolean blanksSeparate, String example) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String part : split(text, blanksSeparate ? "[,\\s]+" : ",")) {
            int equals = part.indexOf('=');
            if (equals <= 0 || equals == part.length() - 1 || part.indexOf('=', equals + 1) >= 0) {
                String shown = part.contains("@")
                        ? "a pair holding '@' (not repeated here: " + CREDENTIALS_ADVICE + ")"
                        : "'" + part + "'";
                throw new InvalidRequestException(
                        parameter,
                        "`" + parameter + "` takes " + form + " pairs separated by commas, got " + shown + "; e.g. "
                                + example + ".");
            }
            pairs.put(
                    part.substring(0, equals).strip(),
                    part.substring(equals + 1).strip());
        }
        return pairs;
    }

    private static List<String> split(String text, String separator) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split(separator))
                .map(String::strip)
                .filter(part -> !part.isEmpty())
                .toList();
    }
}
