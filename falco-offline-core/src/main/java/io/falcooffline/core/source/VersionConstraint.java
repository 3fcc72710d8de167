package io.falcooffline.core.source;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.version.SemanticVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chart version requirement read as Helm reads it (the Masterminds semver constraints): {@code 9.0.0},
 * {@code 9.0.*}, {@code ~9.0}, {@code ^9}, {@code >=9 <10}, {@code >= 1.2, < 3.0 || 4.x}, {@code 1.2 - 1.4.5}. Missing
 * or wildcard parts ({@code x}, {@code X}, {@code *}) match any value; a pre-release version satisfies a term only
 * when the term itself names a pre-release. An empty requirement is {@code *}: the newest release.
 */
public final class VersionConstraint {

    private static final int MAX_LENGTH = 256;
    private static final Pattern OPERATOR_SPACE = Pattern.compile("(>=|<=|=>|=<|!=|~>|>|<|=|~|\\^)\\s+");
    private static final Pattern HYPHEN_RANGE = Pattern.compile("(\\S+)\\s+-\\s+(\\S+)");
    private static final Pattern TERM = Pattern.compile(
            "(>=|<=|=>|=<|!=|~>|>|<|=|~|\\^)?v?([0-9]+|[xX*])(?:\\.([0-9]+|[xX*]))?(?:\\.([0-9]+|[xX*]))?"
                    + "(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    private final String text;
    private final List<List<Term>> alternatives;

    private VersionConstraint(String text, List<List<Term>> alternatives) {
        this.text = text;
        this.alternatives = alternatives;
    }

    /**
     * Reads a requirement.
     *
     * @param text the requirement; null or blank for the newest release
     * @throws InvalidRequestException naming {@code chartVersion} when it is not a version or constraint
     */
    public static VersionConstraint parse(String text) {
        String given = text == null || text.isBlank() ? "*" : text.strip();
        if (given.length() > MAX_LENGTH) {
            throw invalid(given.substring(0, 40) + "…", "it is longer than " + MAX_LENGTH + " characters");
        }
        List<List<Term>> alternatives = new ArrayList<>();
        for (String alternative : given.split("\\|\\|", -1)) {
            String normalized = OPERATOR_SPACE
                    .matcher(HYPHEN_RANGE.matcher(alternative.strip()).replaceAll(">=$1 <=$2"))
                    .replaceAll("$1");
            List<Term> terms = new ArrayList<>();
            for (String part : normalized.split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    terms.add(Term.parse(part, given));
                }
            }
            if (terms.isEmpty()) {
                throw invalid(given, "an alternative between '||' is empty");
            }
            alternatives.add(List.copyOf(terms));
        }
        return new VersionConstraint(given, List.copyOf(alternatives));
    }

    /** Whether a version satisfies the requirement; a text that is no version never does. */
    public boolean isSatisfiedBy(String version) {
        Optional<SemanticVersion> parsed = SemanticVersion.parse(version);
        return parsed.isPresent()
                && alternatives.stream().anyMatch(terms -> terms.stream().allMatch(term -> term.matches(parsed.get())));
    }

    /** Whether the requirement is one exact version without wildcards, such as {@code 9.0.0}. */
    public boolean isExact() {
        return alternatives.size() == 1
                && alternatives.get(0).size() == 1
                && alternatives.get(0).get(0).isExact();
    }

    @Override
    public String toString() {
        return text;
    }

    private static InvalidRequestException invalid(String given, String why) {
        return new InvalidRequestException(
                "chartVersion",
                "`chartVersion` '" + given + "' is not a version or a Helm version constraint (" + why
                        + "): write e.g. 9.0.0, 9.0.*, ~9.0, ^9 or >=9 <10.");
    }

    /** One comparison; missing parts are wildcards ({@code dirty} in the semver library's words). */
    private record Term(
            String operator, SemanticVersion version, boolean anyMajor, boolean anyMinor, boolean anyPatch) {

        static Term parse(String text, String whole) {
            Matcher m = TERM.matcher(text);
            if (!m.matches()) {
                throw invalid(whole, "'" + text + "' is not an operator followed by a version");
            }
            String operator = m.group(1) == null ? "=" : m.group(1);
            boolean anyMajor = isWildcard(m.group(2));
            boolean anyMinor = anyMajor || m.group(3) == null || isWildcard(m.group(3));
            boolean anyPatch = anyMinor || m.group(4) == null || isWildcard(m.group(4));
            String preRelease = m.group(5) == null ? "" : m.group(5);
            SemanticVersion version = new SemanticVersion(
                    anyMajor ? 0 : number(m.group(2), whole),
                    anyMinor ? 0 : number(m.group(3), whole),
                    anyPatch ? 0 : number(m.group(4), whole),
                    preRelease);
            return new Term(operator, version, anyMajor, anyMinor, anyPatch);
        }

        boolean isExact() {
            return operator.equals("=") && !anyPatch;
        }

        boolean matches(SemanticVersion v) {
            if (!v.preRelease().isEmpty() && version.preRelease().isEmpty()) {
                return false;
            }
            int compared = v.compareTo(version);
            boolean dirty = anyPatch;
            return switch (operator) {
                case "=" -> dirty ? tilde(v, compared) : compared == 0;
                case "!=" -> dirty ? !tilde(v, compared) : compared != 0;
                case ">" -> greater(v, compared);
                case "<" -> compared < 0;
                case ">=", "=>" -> compared >= 0;
                case "<=", "=<" -> lessOrEqual(v, compared);
                case "~", "~>" -> tilde(v, compared);
                case "^" -> caret(v, compared);
                default -> throw new IllegalStateException("operator " + operator);
            };
        }

        private boolean tilde(SemanticVersion v, int compared) {
            if (compared < 0) {
                return false;
            }
            if (anyMajor) {
                return true;
            }
            return v.major() == version.major() && (anyMinor || v.minor() == version.minor());
        }

        private boolean caret(SemanticVersion v, int compared) {
            if (compared < 0) {
                return false;
            }
            if (anyMajor) {
                return true;
            }
            if (version.major() > 0 || anyMinor) {
                return v.major() == version.major();
            }
            if (version.minor() > 0 || anyPatch) {
                return v.major() == 0 && v.minor() == version.minor();
            }
            return v.major() == 0 && v.minor() == 0 && v.patch() == version.patch();
        }

        private boolean greater(SemanticVersion v, int compared) {
            if (anyMajor) {
                return false;
            }
            if (anyMinor) {
                return v.major() > version.major();
            }
            if (anyPatch) {
                return v.major() > version.major() || (v.major() == version.major() && v.minor() > version.minor());
            }
            return compared > 0;
        }

        private boolean lessOrEqual(SemanticVersion v, int compared) {
            if (anyMajor) {
                return true;
            }
            if (!anyPatch) {
                return compared <= 0;
            }
            if (v.major() != version.major()) {
                return v.major() < version.major();
            }
            return anyMinor || v.minor() <= version.minor();
        }

        private static boolean isWildcard(String part) {
            return part.equals("x") || part.equals("X") || part.equals("*");
        }

        private static long number(String digits, String whole) {
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw invalid(whole, "'" + digits + "' is too large a number");
            }
        }
    }
}
