package io.falcooffline.core.chart;

import io.falcooffline.core.InvalidChartException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of a chart directory's {@code .helmignore}, evaluated the way Helm's directory loader does: rules are
 * tried in order and the first decision wins; a rule without '/' tests the base name, one with '/' the whole path, a
 * leading '/' anchors it, a trailing '/' restricts it to directories, a leading '!' negates it. Helm always adds
 * {@code templates/.?*}. Archives are never filtered: Helm does not read {@code .helmignore} from them either.
 */
final class HelmIgnore {

    static final String FILE_NAME = ".helmignore";

    private static final String DEFAULT_RULE = "templates/.?*";

    /** The most characters a {@code .helmignore} may have; each rule is tried on every path of the chart. */
    static final int MAX_CHARACTERS = 64 * 1024;

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
        if (text.length() > MAX_CHARACTERS) {
            throw new InvalidChartException(sourceName + " has " + text.length() + " characters, more than the "
                    + MAX_CHARACTERS + " a .helmignore may have here. Keep only the rules the chart needs.");
        }
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
        private final Glob glob;

        private Rule(boolean negate, boolean directoryOnly, boolean wholePath, Glob glob) {
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
            compile(rule, where);
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
            return new Rule(negate, directoryOnly, wholePath, compile(rule, where));
        }

        boolean matches(String relativePath) {
            String subject = wholePath ? relativePath : relativePath.substring(relativePath.lastIndexOf('/') + 1);
            return glob.matches(subject);
        }

        private static Glob compile(String glob, String where) {
            try {
                return Glob.compile(glob);
            } catch (Glob.BadPatternException e) {
                throw badPattern(glob, where);
            }
        }

        private static InvalidChartException badPattern(String glob, String where) {
            return new InvalidChartException(where + ": '" + glob + "' is not a valid pattern (syntax error in"
                    + " pattern). Fix the rule; .helmignore uses shell globs such as *.txt or templates/[a-c]*.");
        }
    }
}
