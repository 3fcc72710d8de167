package io.falcooffline.core.version;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version as falcoctl compares them (Go's {@code semver.ParseTolerant}): an optional {@code v}, missing minor and
 * patch read as 0, a pre-release ranks below its release.
 */
public record SemanticVersion(long major, long minor, long patch, String preRelease)
        implements Comparable<SemanticVersion> {

    private static final Pattern TOLERANT =
            Pattern.compile("v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    public static Optional<SemanticVersion> parse(String text) {
        Matcher matcher = TOLERANT.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SemanticVersion(
                    Long.parseLong(matcher.group(1)),
                    matcher.group(2) == null ? 0 : Long.parseLong(matcher.group(2)),
                    matcher.group(3) == null ? 0 : Long.parseLong(matcher.group(3)),
                    matcher.group(4) == null ? "" : matcher.group(4)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether this version can stand in for a requirement: same major, at least as new. */
    public boolean satisfies(SemanticVersion required) {
        return major == required.major && compareTo(required) >= 0;
    }

    @Override
    public int compareTo(SemanticVersion other) {
        int byNumbers = major != other.major
                ? Long.compare(major, other.major)
                : minor != other.minor ? Long.compare(minor, other.minor) : Long.compare(patch, other.patch);
        if (byNumbers != 0) {
            return byNumbers;
        }
        if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
        }
        return comparePreRelease(preRelease, other.preRelease);
    }

    private static int comparePreRelease(String left, String right) {
        String[] a = left.split("\\.");
        String[] b = right.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean aNumeric = a[i].chars().allMatch(Character::isDigit);
            boolean bNumeric = b[i].chars().allMatch(Character::isDigit);
            int result;
            if (aNumeric && bNumeric) {
                result = new java.math.BigInteger(a[i]).compareTo(new java.math.BigInteger(b[i]));
            } else if (aNumeric != bNumeric) {
                result = aNumeric ? -1 : 1;
            } else {
                result = a[i].compareTo(b[i]);
            }
            if (result != 0) {
                return result;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
    }
}
