package io.falcooffline.core.chart;

import io.falcooffline.core.InvalidChartException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of a chart directory's {@code .helmignore}, evaluated the way Helm's directory loader does: rules are
 * tried in order and the first decision wins; a rule without '/' tests the base name, one with '/' the whole path, a
 * leading '/' anchors it, a trailing '/' restricts it to directories, a leading '!' negates it. Helm always adds
 * {@code templates/.?*}. Archives are never filtered: Helm does not read {@code .helmignore} from them either.
 */
final class HelmIgnore {

    static final String FILE_NAME = ".helmignore";

    private static final String DEFAULT_RULE = "templates/.?*";

    private final List<Rule> rules;

    private HelmIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Only Helm's default rule, for a directory without {@code .helmignore}. */
    static HelmIgnore defaults() {
        return parse("", "(none)");
    }

    /**
     * Parses a {@code .helmignore} file.
     *
     * @param sourceName names the file in errors
     * @throws InvalidChartException for a rule Helm would refuse too
     */
    static HelmIgnore parse(String text, String sourceName) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Rule rule = Rule.parse(lines[i], sourceName + " line " + (i + 1));
            if (rule != null) {
                rules.add(rule);
            }
        }
        rules.add(Rule.parse(DEFAULT_RULE, "the default rule"));
        return new HelmIgnore(rules);
    }

    /**
     * Whether a file or directory is left out of the chart.
     *
     * @param relativePath '/'-separated path relative to the chart directory, without a trailing '/'
     */
    boolean ignores(String relativePath, boolean directory) {
        if (relativePath.isEmpty() || relativePath.equals(".")) {
            return false;
        }
        for (Rule rule : rules) {
            if (rule.negate) {
                // Helm's order: a negated rule that does not match ends the evaluation with "ignore".
                if (rule.directoryOnly && !directory) {
                    return true;
                }
                if (!rule.matches(relativePath)) {
                    return true;
                }
                continue;
            }
            if (rule.directoryOnly && !directory) {
                continue;
            }
            if (rule.matches(relativePath)) {
                return true;
            }
        }
        return false;
    }

    private static final class Rule {
        private final boolean negate;
        private final boolean directoryOnly;
        private final boolean wholePath;
        private final Pattern glob;

        private Rule(boolean negate, boolean directoryOnly, boolean wholePath, Pattern glob) {
            this.negate = negate;
            this.directoryOnly = directoryOnly;
            this.wholePath = wholePath;
            this.glob = glob;
        }

        static Rule parse(String line, String where) {
            String rule = line.strip();
            if (rule.isEmpty() || rule.startsWith("#")) {
                return null;
            }
            if (rule.contains("**")) {
                throw new InvalidChartException(where + ": rule '" + rule + "' uses '**', which .helmignore does not"
                        + " support (Helm rejects it too). Use '*' patterns per directory level instead.");
            }
            // Helm checks the whole raw line as a glob first, so a malformed '!' or '/' rule fails as well.
            toRegex(rule, where);
            boolean negate = rule.startsWith("!");
            if (negate) {
                rule = rule.substring(1);
            }
            boolean directoryOnly = rule.endsWith("/");
            if (directoryOnly) {
                rule = rule.substring(0, rule.length() - 1);
            }
            boolean wholePath = rule.contains("/");
            if (rule.startsWith("/")) {
                rule = rule.substring(1);
            }
            return new Rule(negate, directoryOnly, wholePath, Pattern.compile(toRegex(rule, where)));
        }

        boolean matches(String relativePath) {
            String subject = wholePath ? relativePath : relativePath.substring(relativePath.lastIndexOf('/') + 1);
            return glob.matcher(subject).matches();
        }

        /**
         * Translates a glob with Go's {@code filepath.Match} syntax: '*' and '?' never match '/', {@code [^a-z]}
         * classes, '\' escapes.
         */
        private static String toRegex(String glob, String where) {
            StringBuilder regex = new StringBuilder();
            int i = 0;
            while (i < glob.length()) {
                char c = glob.charAt(i);
                if (c == '*') {
                    regex.append("[^/]*");
                    i++;
                } else if (c == '?') {
                    regex.append("[^/]");
                    i++;
                } else if (c == '\\') {
                    if (i + 1 >= glob.length()) {
                        throw badPattern(glob, where);
                    }
                    regex.append(literal(glob.charAt(i + 1)));
                    i += 2;
                } else if (c == '[') {
                    i = appendCharacterClass(glob, i + 1, regex, where);
                } else {
                    regex.append(literal(c));
                    i++;
                }
            }
            return regex.toString();
        }

        private static int appendCharacterClass(String glob, int start, StringBuilder regex, String where) {
            int i = start;
            regex.append('[');
            if (i < glob.length() && glob.charAt(i) == '^') {
                regex.append('^');
                i++;
            }
            int ranges = 0;
            while (true) {
                if (i >= glob.length()) {
                    throw badPattern(glob, where);
                }
                if (glob.charAt(i) == ']' && ranges > 0) {
                    regex.append(']');
                    return i + 1;
                }
                int[] low = classCharacter(glob, i, where);
                i = low[1];
                regex.append(literal((char) low[0]));
                if (i < glob.length() && glob.charAt(i) == '-') {
                    int[] high = classCharacter(glob, i + 1, where);
                    i = high[1];
                    regex.append('-').append(literal((char) high[0]));
                }
                ranges++;
            }
        }

        /** One character of a class: returns {character, next index}. */
        private static int[] classCharacter(String glob, int i, String where) {
            if (i >= glob.length() || glob.charAt(i) == '-' || glob.charAt(i) == ']') {
                throw badPattern(glob, where);
            }
            if (glob.charAt(i) == '\\') {
                if (i + 1 >= glob.length()) {
                    throw badPattern(glob, where);
                }
                return new int[] {glob.charAt(i + 1), i + 2};
            }
            return new int[] {glob.charAt(i), i + 1};
        }

        private static String literal(char c) {
            return String.format("\\x{%x}", (int) c);
        }

        private static InvalidChartException badPattern(String glob, String where) {
            return new InvalidChartException(where + ": '" + glob + "' is not a valid pattern (syntax error in"
                    + " pattern). Fix the rule; .helmignore uses shell globs such as *.txt or templates/[a-c]*.");
        }
    }
}
