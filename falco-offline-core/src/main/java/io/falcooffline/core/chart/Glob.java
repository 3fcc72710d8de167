package io.falcooffline.core.chart;

import java.util.ArrayList;
import java.util.List;

/**
 * A shell glob with Go's {@code filepath.Match} syntax ('*' and '?' never match '/', {@code [^a-z]} classes, '\'
 * escapes), matched by stepping through the name once while tracking every position the pattern could be at: time
 * proportional to the name's length times the pattern's, whatever the pattern, where a backtracking matcher takes
 * exponential time on patterns such as {@code *a*a*a*a*b}.
 */
final class Glob {

    /** Thrown for a pattern Go's {@code filepath.Match} would report as {@code ErrBadPattern}. */
    static final class BadPatternException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private sealed interface Token permits Star, AnyOne, Literal, CharacterClass {}

    private record Star() implements Token {}

    private record AnyOne() implements Token {}

    private record Literal(int codePoint) implements Token {}

    private record CharacterClass(boolean negated, int[] lows, int[] highs) implements Token {
        boolean contains(int codePoint) {
            boolean inRange = false;
            for (int i = 0; i < lows.length && !inRange; i++) {
                inRange = lows[i] <= codePoint && codePoint <= highs[i];
            }
            return inRange != negated;
        }
    }

    private final Token[] tokens;

    private Glob(List<Token> tokens) {
        this.tokens = tokens.toArray(Token[]::new);
    }

    static Glob compile(String pattern) throws BadPatternException {
        int[] glob = pattern.codePoints().toArray();
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < glob.length) {
            int c = glob[i];
            if (c == '*') {
                if (tokens.isEmpty() || !(tokens.get(tokens.size() - 1) instanceof Star)) {
                    tokens.add(new Star());
                }
                i++;
            } else if (c == '?') {
                tokens.add(new AnyOne());
                i++;
            } else if (c == '\\') {
                if (i + 1 >= glob.length) {
                    throw new BadPatternException();
                }
                tokens.add(new Literal(glob[i + 1]));
                i += 2;
            } else if (c == '[') {
                i = parseClass(glob, i + 1, tokens);
            } else {
                tokens.add(new Literal(c));
                i++;
            }
        }
        return new Glob(tokens);
    }

    private static int parseClass(int[] glob, int start, List<Token> tokens) throws BadPatternException {
        int i = start;
        boolean negated = i < glob.length && glob[i] == '^';
        if (negated) {
            i++;
        }
        List<int[]> ranges = new ArrayList<>();
        while (true) {
            if (i >= glob.length) {
                throw new BadPatternException();
            }
            if (glob[i] == ']' && !ranges.isEmpty()) {
                int[] lows = ranges.stream().mapToInt(range -> range[0]).toArray();
                int[] highs = ranges.stream().mapToInt(range -> range[1]).toArray();
                tokens.add(new CharacterClass(negated, lows, highs));
                return i + 1;
            }
            int[] low = classCharacter(glob, i);
            i = low[1];
            int high = low[0];
            if (i < glob.length && glob[i] == '-') {
                int[] upper = classCharacter(glob, i + 1);
                i = upper[1];
                high = upper[0];
            }
            ranges.add(new int[] {low[0], high});
        }
    }

    /** One character of a class: returns {character, next index}. */
    private static int[] classCharacter(int[] glob, int i) throws BadPatternException {
        if (i >= glob.length || glob[i] == '-' || glob[i] == ']') {
            throw new BadPatternException();
        }
        if (glob[i] == '\\') {
            if (i + 1 >= glob.length) {
                throw new BadPatternException();
            }
            return new int[] {glob[i + 1], i + 2};
        }
        return new int[] {glob[i], i + 1};
    }

    /** Whether the whole of {@code name} matches. */
    boolean matches(String name) {
        int states = tokens.length + 1;
        boolean[] current = new boolean[states];
        boolean[] next = new boolean[states];
        current[0] = true;
        skipStars(current);
        for (int offset = 0; offset < name.length(); ) {
            int c = name.codePointAt(offset);
            offset += Character.charCount(c);
            java.util.Arrays.fill(next, false);
            boolean alive = false;
            for (int state = 0; state < tokens.length; state++) {
                if (!current[state]) {
                    continue;
                }
                Token token = tokens[state];
                if (token instanceof Star) {
                    if (c != '/') {
                        next[state] = true;
                        alive = true;
                    }
                } else if (matchesOne(token, c)) {
                    next[state + 1] = true;
                    alive = true;
                }
            }
            if (!alive) {
                return false;
            }
            boolean[] swap = current;
            current = next;
            next = swap;
            skipStars(current);
        }
        return current[tokens.length];
    }

    /** A star may match nothing: wherever one is possible, so is the token after it. */
    private void skipStars(boolean[] states) {
        for (int state = 0; state < tokens.length; state++) {
            if (states[state] && tokens[state] instanceof Star) {
                states[state + 1] = true;
            }
        }
    }

    private static boolean matchesOne(Token token, int c) {
        if (token instanceof AnyOne) {
            return c != '/';
        }
        if (token instanceof Literal literal) {
            return literal.codePoint() == c;
        }
        return ((CharacterClass) token).contains(c);
    }
}
