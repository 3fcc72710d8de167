package io.falcooffline.maven;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.RepositoryLayout;
import java.io.File;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Turns goal parameters as Maven hands them over (strings, {@link File}s, {@link Properties}) into the values a
 * {@link io.falcooffline.core.PackageRequest} takes. A malformed value is an {@link InvalidRequestException} naming
 * the parameter, like the ones the core throws.
 */
final class ParameterValues {

    /** The artifactId of the project Maven makes up when a goal runs outside any project. */
    static final String STANDALONE_ARTIFACT_ID = "standalone-pom";

    /** The output directory's name, under the build directory or, without a project, the current directory. */
    static final String OUTPUT_DIRECTORY_NAME = "falco-offline";

    private ParameterValues() {}

    /** {@code keep} or {@code flatten}, in any case; blank means {@code keep}. */
    static RepositoryLayout repositoryLayout(String value) {
        if (value == null || value.isBlank()) {
            return RepositoryLayout.KEEP;
        }
        try {
            return RepositoryLayout.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String choices = Arrays.stream(RepositoryLayout.values())
                    .map(layout -> layout.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            throw new InvalidRequestException(
                    "repositoryLayout", "`repositoryLayout` must be one of " + choices + ", got '" + value + "'.");
        }
    }

    /**
     * Overrides from the POM ({@code <overrides><property><name>src</name><value>target</value></property>}), by
     * source; they are applied after the text form ({@code -Dfalco-offline.overrides=src=target,...}), so they win on
     * equal sources.
     */
    static Map<String, String> pomOverrides(Properties fromPom) {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (fromPom != null) {
            fromPom.stringPropertyNames().stream()
                    .sorted()
                    .forEach(source -> overrides.put(
                            source.strip(), fromPom.getProperty(source).strip()));
        }
        return overrides;
    }

    /**
     * The time stamped on the output chart's entries: {@code project.build.outputTimestamp} (ISO-8601 with offset, or
     * seconds since the epoch), else the {@code SOURCE_DATE_EPOCH} environment variable (seconds), else empty. As in
     * Maven, a project value shorter than two characters means "not set".
     */
    static Optional<Instant> outputTimestamp(String projectValue, String sourceDateEpoch) {
        if (projectValue != null && projectValue.strip().length() >= 2) {
            return Optional.of(
                    parseTimestamp(projectValue.strip(), "outputTimestamp", "project.build.outputTimestamp"));
        }
        if (sourceDateEpoch != null && !sourceDateEpoch.isBlank()) {
            String epoch = sourceDateEpoch.strip();
            if (!epoch.chars().allMatch(Character::isDigit)) {
                throw new InvalidRequestException(
                        "outputTimestamp",
                        "The SOURCE_DATE_EPOCH environment variable must be whole seconds since 1970-01-01T00:00:00Z, got '"
                                + sourceDateEpoch + "'. Fix or unset it, or set project.build.outputTimestamp.");
            }
            return Optional.of(parseTimestamp(epoch, "outputTimestamp", "SOURCE_DATE_EPOCH"));
        }
        return Optional.empty();
    }

    private static Instant parseTimestamp(String value, String parameter, String source) {
        try {
            if (value.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochSecond(Long.parseLong(value));
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InvalidRequestException(
                    parameter,
                    source
                            + " must be an ISO-8601 date-time with offset (2026-11-22T00:00:00Z) or seconds since the epoch, got '"
                            + value + "'.");
        }
    }

    /**
     * Where to write. Without a project Maven's stand-in project has its build directory under the current
     * directory; there the default is {@code ./falco-offline}, as a user running the goal in a plain directory
     * expects, while a directory the user chose is kept.
     */
    static File outputDirectory(File configured, boolean standalone, File buildDirectory, File workingDirectory) {
        File defaultUnderBuild = new File(buildDirectory, OUTPUT_DIRECTORY_NAME);
        if (configured == null
                || (standalone && configured.getAbsoluteFile().equals(defaultUnderBuild.getAbsoluteFile()))) {
            return new File(standalone ? workingDirectory : buildDirectory, OUTPUT_DIRECTORY_NAME);
        }
        return configured;
    }

    /** Non-blank entries, trimmed, in order; null means none. */
    static List<String> names(List<String> values) {
        return values == null
                ? List.of()
                : values.stream()
                        .map(String::strip)
                        .filter(value -> !value.isEmpty())
                        .toList();
    }
}
