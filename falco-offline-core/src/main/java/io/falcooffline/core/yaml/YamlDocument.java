package io.falcooffline.core.yaml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;

/**
 * The syntax tree of one YAML document with each node's place in the text, built from parser events so that aliases
 * and duplicated keys stay visible. Offsets are {@link String} indices into {@link #text}.
 */
final class YamlDocument {

    /** A node and the text range it was parsed from; {@code end} may run past trailing comments of a block. */
    sealed interface Node permits Scalar, Mapping, Sequence, Alias {
        int start();

        int end();
    }

    record Scalar(int start, int end, String value, ScalarStyle style, ScalarEvent event) implements Node {
        boolean isBlockScalar() {
            return style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
        }

        boolean isEmpty() {
            return start == end;
        }
    }

    record Entry(Node key, Node value) {}

    record Mapping(int start, int end, boolean flow, List<Entry> entries) implements Node {}

    record Sequence(int start, int end, boolean flow, List<Node> items) implements Node {}

    record Alias(int start, int end) implements Node {}

    final String text;
    /** The parser events the tree was built from. */
    final List<Event> events;
    /** The document's root, or null when it holds only comments. */
    final Node root;
    /** Where an explicit document end marker ({@code ...}) starts, or -1. */
    final int explicitEnd;
    /** The line break the text uses, for inserted lines. */
    final String newline;

    private YamlDocument(String text, List<Event> events, Node root, int explicitEnd) {
        this.text = text;
        this.events = events;
        this.root = root;
        this.explicitEnd = explicitEnd;
        this.newline = text.contains("\r\n") ? "\r\n" : "\n";
    }

    /** Parses a document, with the limits of {@link SafeYaml}. */
    static YamlDocument parse(String text, String sourceName) {
        return of(text, SafeYaml.guarded(sourceName, () -> SafeYaml.events(text)));
    }

    /** The tree of a document from the events {@link SafeYaml#events} parsed from exactly this text. */
    static YamlDocument of(String text, List<Event> events) {
        Offsets offsets = new Offsets(text);
        Deque<Builder> open = new ArrayDeque<>();
        Node root = null;
        int explicitEnd = -1;
        for (Event event : events) {
            Node finished = null;
            if (event instanceof MappingStartEvent start) {
                open.push(new Builder(offsets.of(start.getStartMark()), start.isFlow(), true));
            } else if (event instanceof SequenceStartEvent start) {
                open.push(new Builder(offsets.of(start.getStartMark()), start.isFlow(), false));
            } else if (event instanceof CollectionEndEvent end) {
                finished = open.pop().build(offsets.of(end.getEndMark()));
            } else if (event instanceof ScalarEvent scalar) {
                finished = new Scalar(
                        offsets.of(scalar.getStartMark()),
                        offsets.of(scalar.getEndMark()),
                        scalar.getValue(),
                        scalar.getScalarStyle(),
                        scalar);
            } else if (event instanceof AliasEvent alias) {
                finished = new Alias(offsets.of(alias.getStartMark()), offsets.of(alias.getEndMark()));
            } else if (event instanceof DocumentEndEvent end) {
                if (end.getExplicit()) {
                    explicitEnd = offsets.of(end.getStartMark());
                }
                break;
            }
            if (finished != null) {
                if (open.isEmpty()) {
                    root = finished;
                } else {
                    open.peek().add(finished);
                }
            }
        }
        return new YamlDocument(text, events, root, explicitEnd);
    }

    /**
     * Where a node's own text ends: a block collection's parse range runs on to the next token and so can swallow
     * comments and blank lines, and a block scalar's range includes its trailing line breaks.
     */
    int contentEnd(Node node) {
        if (node instanceof Mapping mapping && !mapping.flow()) {
            Entry last = mapping.entries().get(mapping.entries().size() - 1);
            return Math.max(contentEnd(last.key()), contentEnd(last.value()));
        }
        if (node instanceof Sequence sequence && !sequence.flow()) {
            return contentEnd(sequence.items().get(sequence.items().size() - 1));
        }
        if (node instanceof Scalar scalar && scalar.isBlockScalar()) {
            int end = scalar.end();
            while (end > scalar.start() && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            return end;
        }
        return node.end();
    }

    /** The offset just after the {@code :} that follows a mapping key. */
    int colonEnd(Entry entry) {
        int position = contentEnd(entry.key());
        while (position < text.length() && text.charAt(position) != ':') {
            position++;
        }
        return Math.min(position + 1, text.length());
    }

    /**
     * The offset of the {@code -} of each block sequence item, or null when one cannot be found (an item's dash is
     * separated from the previous item only by blanks and comments).
     */
    int[] dashes(Sequence sequence) {
        int[] dashes = new int[sequence.items().size()];
        for (int i = 0; i < dashes.length; i++) {
            int position = i == 0
                    ? sequence.start()
                    : skipBlanksAndComments(contentEnd(sequence.items().get(i - 1)));
            if (position >= text.length() || text.charAt(position) != '-') {
                return null;
            }
            dashes[i] = position;
        }
        return dashes;
    }

    int lineStart(int position) {
        return text.lastIndexOf('\n', position - 1) + 1;
    }

    /** The end of the line holding {@code position}, before its line break. */
    int lineEnd(int position) {
        int newline = text.indexOf('\n', position);
        if (newline < 0) {
            return text.length();
        }
        return newline > 0 && text.charAt(newline - 1) == '\r' ? newline - 1 : newline;
    }

    /** The start of the line after the one holding {@code position}, or the end of the text. */
    int nextLineStart(int position) {
        int newline = text.indexOf('\n', position);
        return newline < 0 ? text.length() : newline + 1;
    }

    int column(int position) {
        return position - lineStart(position);
    }

    boolean onlyBlanksBefore(int position) {
        for (int i = lineStart(position); i < position; i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    boolean sameLine(int first, int second) {
        return lineStart(first) == lineStart(second);
    }

    /** The comment that ends the line after {@code position} ({@code # ...}), or null when only blanks follow. */
    String commentAfter(int position) {
        String rest = text.substring(position, lineEnd(position)).strip();
        return rest.startsWith("#") ? rest : null;
    }

    private int skipBlanksAndComments(int position) {
        int i = position;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '#') {
                i = nextLineStart(i);
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static final class Builder {
        private final int start;
        private final boolean flow;
        private final boolean mapping;
        private final List<Node> children = new ArrayList<>();

        Builder(int start, boolean flow, boolean mapping) {
            this.start = start;
            this.flow = flow;
            this.mapping = mapping;
        }

        void add(Node child) {
            children.add(child);
        }

        Node build(int end) {
            if (!mapping) {
                return new Sequence(start, end, flow, List.copyOf(children));
            }
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i + 1 < children.size(); i += 2) {
                entries.add(new Entry(children.get(i), children.get(i + 1)));
            }
            return new Mapping(start, end, flow, List.copyOf(entries));
        }
    }

    /** SnakeYAML marks count code points; strings index UTF-16 units. */
    private static final class Offsets {
        private final int[] charIndexOfCodePoint;

        Offsets(String text) {
            if (text.codePointCount(0, text.length()) == text.length()) {
                charIndexOfCodePoint = null;
            } else {
                int codePoints = text.codePointCount(0, text.length());
                charIndexOfCodePoint = new int[codePoints + 1];
                int charIndex = 0;
                for (int i = 0; i < codePoints; i++) {
                    charIndexOfCodePoint[i] = charIndex;
                    charIndex += Character.charCount(text.codePointAt(charIndex));
                }
                charIndexOfCodePoint[codePoints] = text.length();
            }
        }

        int of(Mark mark) {
            int index = mark.getIndex();
            if (charIndexOfCodePoint == null) {
                return index;
            }
            return charIndexOfCodePoint[Math.min(index, charIndexOfCodePoint.length - 1)];
        }
    }
}
