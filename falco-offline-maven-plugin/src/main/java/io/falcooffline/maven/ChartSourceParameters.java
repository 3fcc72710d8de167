package io.falcooffline.maven;

import io.falcooffline.core.ChartSource;
import io.falcooffline.core.InvalidRequestException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The chart parameters ({@code chart}, {@code chartSha256}, {@code chartVersion}, {@code chartRepository},
 * {@code chartGitRepository}, {@code chartGitRef}, {@code chartGitPath}) as one {@link ChartSource}: which kind they
 * describe, and which of them do not fit that kind.
 */
final class ChartSourceParameters {

    private ChartSourceParameters() {}

    /**
     * The source the parameters describe: {@code chartGitRepository} set means git, {@code chartRepository} set means
     * a Helm repository with {@code chart} as the chart name, otherwise {@code chart} is an {@code http(s)} URL, an
     * {@code oci://} reference or a local path (relative to {@code baseDirectory}).
     *
     * @throws InvalidRequestException naming the parameter that is missing or does not fit the others
     */
    static ChartSource of(
            String chart,
            String chartSha256,
            String chartVersion,
            String chartRepository,
            String chartGitRepository,
            String chartGitRef,
            String chartGitPath,
            Path baseDirectory) {
        boolean hasVersion = isSet(chartVersion);
        if (isSet(chartGitRepository)) {
            if (isSet(chartRepository)) {
                throw new InvalidRequestException(
                        "chartRepository", "Set either `chartRepository` or `chartGitRepository`, not both.");
            }
            return ChartSource.git(chartGitRepository, chartGitRef, chartGitPath);
        }
        if (!isSet(chart)) {
            throw new InvalidRequestException(
                    "chart",
                    "No chart given: set `chart` to a chart .tgz or directory, an https:// URL or an oci:// reference,"
                            + " or set `chartRepository` with `chart` as the chart name, or `chartGitRepository`.");
        }
        String given = chart.strip();
        if (isSet(chartRepository)) {
            return ChartSource.repository(chartRepository, given, chartVersion);
        }
        String lower = given.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            requireNoVersion(hasVersion, "an http(s) URL names one archive");
            return ChartSource.url(given, chartSha256);
        }
        if (isSet(chartSha256)) {
            throw new InvalidRequestException(
                    "chartSha256", "`chartSha256` applies to an http(s) chart URL only; remove it.");
        }
        if (lower.startsWith("oci://")) {
            boolean namesVersion = given.contains("@") || given.lastIndexOf(':') > given.lastIndexOf('/');
            return ChartSource.oci(hasVersion && !namesVersion ? given + ":" + chartVersion.strip() : given);
        }
        requireNoVersion(hasVersion, "a local chart is one version");
        Path path = Path.of(given);
        return ChartSource.local(baseDirectory == null ? path : baseDirectory.resolve(path));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static void requireNoVersion(boolean hasVersion, String why) {
        if (hasVersion) {
            throw new InvalidRequestException(
                    "chartVersion",
                    "`chartVersion` applies to a Helm repository or an oci:// chart only (" + why + "); remove it.");
        }
    }
}
