package io.falcooffline.core.audit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions an artifact tag can stand for. An exact {@code X.Y.Z} tag is one version; a floating {@code X.Y} tag
 * is any {@code X.Y.*} (the plugins CI moves it to each patch release). Major-only and {@code latest} tags are not
 * ranges falco-offline can reason about: they move to new minor versions with new requirements.
 */
record VersionRange(Version lowest, Version below) {

    private static final Pattern EXACT = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)([-+].*)?");
    private static final Pattern MINOR = Pattern.compile("v?(\\d+)\\.(\\d+)");

    /** A semantic version without pre-release or build parts. */
    record Version(int major, int minor, int patch) implements Comparable<Version> {

        static Optional<Version> parse(String text) {
            Matcher exact = EXACT.matcher(text == null ? "" : text.strip());
            if (!exact.matches()) {
                return Optional.empty();
            }
            return Optional.of(new Version(
                    Integer.parseInt(exact.group(1)),
                    Integer.parseInt(exact.group(2)),
                    Integer.parseInt(exact.group(3))));
        }

        @Override
        public int compareTo(Version other) {
            if (major != other.major) {
                return Integer.compare(major, other.major);
            }
            if (minor != other.minor) {
                return Integer.compare(minor, other.minor);
            }
            return Integer.compare(patch, other.patch);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    /** Whether a version tag satisfies a requirement: the verdict Falco and falcoctl would reach for every version. */
    enum Verdict {
        SATISFIED,
        NOT_SATISFIED,
        UNKNOWN
    }

    /** The range a tag stands for; empty for {@code latest}, a major-only tag, a digest or anything else. */
    static Optional<VersionRange> ofTag(String tag) {
        String text = tag == null ? "" : tag.strip();
        Optional<Version> exact = Version.parse(text);
        if (exact.isPresent()) {
            Version version = exact.get();
            return Optional.of(
                    new VersionRange(version, new Version(version.major(), version.minor(), version.patch() + 1)));
        }
        Matcher minor = MINOR.matcher(text);
        if (minor.matches()) {
            int major = Integer.parseInt(minor.group(1));
            int minorNumber = Integer.parseInt(minor.group(2));
            return Optional.of(
                    new VersionRange(new Version(major, minorNumber, 0), new Version(major, minorNumber + 1, 0)));
        }
        return Optional.empty();
    }

    /**
     * Falco and falcoctl accept a plugin for a rules requirement when it has the same major version and is not older
     * ({@code sinsp_version::compatible_with}).
     */
    Verdict satisfies(Version required) {
        if (lowest.major() != required.major()) {
            return Verdict.NOT_SATISFIED;
        }
        if (lowest.compareTo(required) >= 0) {
            return Verdict.SATISFIED;
        }
        Version highest = new Version(below.major(), below.minor(), below.patch() - 1);
        if (below.patch() > 0 && highest.compareTo(required) < 0) {
            return Verdict.NOT_SATISFIED;
        }
        if (below.patch() == 0 && new Version(below.major(), below.minor(), 0).compareTo(required) <= 0) {
            return Verdict.NOT_SATISFIED;
        }
        return Verdict.UNKNOWN;
    }

    /** Whether every version in this range lies in {@code [from, to)}. */
    boolean within(Version from, Version to) {
        return lowest.compareTo(from) >= 0 && below.compareTo(to) <= 0;
    }
}
