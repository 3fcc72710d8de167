package io.falcooffline.core.chart;

import io.falcooffline.core.InvalidChartException;
import io.falcooffline.core.io.SafeText;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the fields of a Chart.yaml that Helm checks when it loads a chart: {@code apiVersion} ({@code v1} or
 * {@code v2}; absent means {@code v1}, as in Helm's loader), {@code name} (one plain file name) and {@code version}
 * (SemVer 2, with the leniency of Helm's parser: an optional leading {@code v} and optional minor and patch
 * numbers). Name and version become the output file name {@code <name>-<version>.tgz} and the archive's top
 * directory, so what passes here cannot leave a directory.
 */
final class ChartMetadata {

    /** The most bytes a chart name may have, so that {@code <name>-<version>.tgz} fits in a file name. */
    static final int MAX_NAME_BYTES = 128;

    /** The most characters a chart version may have. */
    static final int MAX_VERSION_LENGTH = 64;

    private static final Set<String> API_VERSIONS = Set.of("v1", "v2");
    private static final BigInteger MAX_VERSION_NUMBER = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
    private static final Pattern SEMVER = Pattern.compile("v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?"
            + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?"
            + "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

    private ChartMetadata() {}

    /**
     * @param path the chart's path in the archive, for messages
     * @throws InvalidChartException naming the field, its value and the fix
     */
    static void validate(Map<String, Object> chartYaml, String path, String name, String version) {
        String file = path + "/" + Chart.CHART_YAML;
        Object apiVersion = chartYaml.get("apiVersion");
        if (apiVersion != null && !API_VERSIONS.contains(apiVersion.toString())) {
            throw new InvalidChartException("Chart " + path + " has apiVersion " + SafeText.quote(apiVersion.toString())
                    + " in its Chart.yaml; Helm charts have apiVersion v2 (or v1 for old charts). Set apiVersion: v2"
                    + " in " + file + ".");
        }
        requirePlainName(name, path, file);
        requireSemanticVersion(version, path, file);
    }

    private static void requirePlainName(String name, String path, String file) {
        String problem = null;
        if (name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            problem = "it must not be '.' or '..' or contain '/' or '\\', because it becomes the directory name in"
                    + " the packaged archive";
        } else if (name.codePoints().anyMatch(ChartMetadata::isControlOrSpace)) {
            problem = "it holds a control character or a line break, which Helm would drop or turn into a space";
        } else if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            problem = "it is longer than " + MAX_NAME_BYTES + " bytes, and it becomes the output file name";
        }
        if (problem != null) {
            throw new InvalidChartException(
                    "Chart " + path + " has name " + SafeText.quote(name) + " in its Chart.yaml, which"
                            + " is not a valid chart name: " + problem + ". Set name in " + file
                            + " to the chart's plain name, e.g. falco.");
        }
    }

    private static void requireSemanticVersion(String version, String path, String file) {
        if (version.length() > MAX_VERSION_LENGTH || !isSemanticVersion(version)) {
            throw new InvalidChartException("Chart " + path + " has version " + SafeText.quote(version) + " in its"
                    + " Chart.yaml, which is not a SemVer 2 version (at most " + MAX_VERSION_LENGTH + " characters);"
                    + " Helm refuses it too, and it becomes the output file name. Set version in " + file
                    + " to a version such as 1.2.3 or 1.2.3-rc.1.");
        }
    }

    /** Helm's rule: a SemVer 2 version, optionally with a leading 'v' and without minor or patch. */
    static boolean isSemanticVersion(String version) {
        Matcher matcher = SEMVER.matcher(version);
        if (!matcher.matches()) {
            return false;
        }
        for (int group = 1; group <= 3; group++) {
            String number = matcher.group(group);
            if (number != null && new BigInteger(number).compareTo(MAX_VERSION_NUMBER) > 0) {
                return false;
            }
        }
        String preRelease = matcher.group(4);
        if (preRelease != null) {
            for (String identifier : preRelease.split("\\.")) {
                if (identifier.length() > 1
                        && identifier.startsWith("0")
                        && identifier.chars().allMatch(Character::isDigit)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isControlOrSpace(int codePoint) {
        return Character.isISOControl(codePoint)
                || (Character.isWhitespace(codePoint) && codePoint != ' ')
                || Character.getType(codePoint) == Character.LINE_SEPARATOR
                || Character.getType(codePoint) == Character.PARAGRAPH_SEPARATOR;
    }
}
