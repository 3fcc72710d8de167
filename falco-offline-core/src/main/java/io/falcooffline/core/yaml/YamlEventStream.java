package io.falcooffline.core.yaml;

import io.falcooffline.core.InvalidYamlException;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.events.StreamStartEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads a YAML document too large for {@link SafeYaml} (a Helm repository's index) one parser event at a time, so
 * that the caller keeps only what it needs and skips the rest without building it. Everything read is bounded: the
 * characters of any one token (a scalar, or a comment), the nesting depth, and the events of each node built; the
 * caller bounds the document's bytes. Aliases are refused, so nothing is ever expanded, and so are tags other than YAML's own.
 */
public final class YamlEventStream implements AutoCloseable {

    /** Most characters read for one token: a scalar, a key or a comment (1 Mi). */
    public static final int MAX_TOKEN_CODE_POINTS = 1024 * 1024;

    private static final String STANDARD_TAG_PREFIX = "tag:yaml.org,2002:";
    private static final Set<String> STANDARD_TAGS =
            Set.of("str", "int", "float", "bool", "null", "map", "seq", "binary", "timestamp");

    private final String sourceName;
    private final TokenBoundedReader reader;
    private final Parser parser;
    private int depth;
    /** Whether each open map or list is in flow style ({@code [..]}, {@code {..}}), by depth. */
    private final BitSet flowLevels = new BitSet();

    private Mark contentEnd;

    /**
     * @param in the document, UTF-8, its bytes bounded by the caller (e.g. with {@code io.ByteBoundedInputStream})
     * @param sourceName names the document in errors, e.g. its URL
     */
    public YamlEventStream(InputStream in, String sourceName) {
        this.sourceName = sourceName;
        Reader text = new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
        this.reader = new TokenBoundedReader(text);
        LoaderOptions options = new LoaderOptions();
        // The caller bounds the bytes; SnakeYAML's own limit counts tokens only and would stop a large index.
        options.setCodePointLimit(Integer.MAX_VALUE);
        this.parser = new ParserImpl(new StreamReader(reader), options);
    }

    /** Names the document in errors. */
    public String sourceName() {
        return sourceName;
    }

    /** The next event, not consumed; {@code null} after the stream's end. */
    public Event peek() {
        return parse(parser::peekEvent);
    }

    /** The next event, consumed and checked. */
    public Event next() {
        Event event = parse(parser::getEvent);
        reader.tokenRead();
        if (event instanceof AliasEvent) {
            throw new InvalidYamlException(
                    sourceName + at(event) + " uses an alias (*" + ((AliasEvent) event).getAnchor()
                            + "); falco-offline refuses aliases here, as nothing in this file needs them and they can"
                            + " expand exponentially. Write the value out instead.");
        }
        if (event instanceof NodeEvent node) {
            requireStandardTag(event, tagOf(node));
        }
        if (event instanceof CollectionStartEvent collection) {
            flowLevels.set(depth, collection.isFlow());
            depth++;
            if (depth > SafeYaml.MAX_NESTING_DEPTH) {
                throw new InvalidYamlException(sourceName + at(event) + " nests maps and lists deeper than "
                        + SafeYaml.MAX_NESTING_DEPTH + " levels; falco-offline refuses such documents. Flatten the"
                        + " structure there.");
            }
        } else if (event instanceof CollectionEndEvent) {
            depth--;
            if (flowLevels.get(depth)) {
                contentEnd = event.getEndMark();
            }
        } else if (event instanceof ScalarEvent) {
            contentEnd = event.getEndMark();
        }
        return event;
    }

    /**
     * Where the text of the events consumed so far ends: the end of the last scalar or of the last {@code ]} or
     * {@code }}. The end of a block map or list is not, as the parser only sees it at the next token, after any
     * comments and blank lines that follow.
     */
    public Mark contentEnd() {
        return contentEnd;
    }

    /** Consumes the next event, which must be of the given kind, e.g. the stream's start. */
    public <T extends Event> T expect(Class<T> kind, String what) {
        Event event = next();
        if (!kind.isInstance(event)) {
            throw new InvalidYamlException(sourceName + at(event) + " " + what + ".");
        }
        return kind.cast(event);
    }

    /** Consumes the stream's and the document's start, refusing an empty stream. */
    public void startDocument(String what) {
        expect(StreamStartEvent.class, "does not start as a YAML stream");
        if (peek() instanceof StreamEndEvent) {
            throw new InvalidYamlException(sourceName + " is empty; " + what + ".");
        }
        expect(DocumentStartEvent.class, "does not start a YAML document");
    }

    /** Consumes the document's and the stream's end, refusing a second document, and gives the stream's end. */
    public StreamEndEvent endDocument() {
        expect(DocumentEndEvent.class, "does not end its document");
        if (!(next() instanceof StreamEndEvent end)) {
            throw new InvalidYamlException(sourceName + " holds more than one YAML document; it must hold one."
                    + " Remove what follows the first `---` separator.");
        }
        return end;
    }

    /** Consumes the next node (a scalar, or a map or list with everything in it) without building it. */
    public void skipNode() {
        int level = 0;
        do {
            Event event = next();
            if (event instanceof CollectionStartEvent) {
                level++;
            } else if (event instanceof CollectionEndEvent) {
                level--;
            }
        } while (level > 0);
    }

    /**
     * Consumes the events of the next node.
     *
     * @param maxEvents the most events the node may have
     * @param what names the node in errors, e.g. {@code entries.falco[3]}
     */
    private List<Event> nodeEvents(int maxEvents, String what) {
        List<Event> events = new ArrayList<>();
        int level = 0;
        do {
            Event event = next();
            if (events.size() == maxEvents) {
                throw new InvalidYamlException(sourceName + " has more than " + maxEvents + " keys and values in "
                        + what + "; falco-offline refuses it. Shorten it.");
            }
            events.add(event);
            if (event instanceof CollectionStartEvent) {
                level++;
            } else if (event instanceof CollectionEndEvent) {
                level--;
            }
        } while (level > 0);
        return events;
    }

    /**
     * Builds the next node as {@link SafeYaml#load} builds a document: maps, lists and scalars as Helm reads them.
     *
     * @param maxEvents the most events the node may have
     * @param what names the node in errors
     */
    public Object readNode(int maxEvents, String what) {
        return SafeYaml.constructNode(nodeEvents(maxEvents, what), sourceName);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private <T> T parse(java.util.function.Supplier<T> step) {
        try {
            return SafeYaml.guarded(sourceName, step);
        } catch (InvalidYamlException e) {
            if (e.getCause() != null && e.getCause().getCause() instanceof CharacterCodingException) {
                throw new InvalidYamlException(
                        sourceName + " is not UTF-8 text; a YAML file must be. Save it as UTF-8.", e);
            }
            throw e;
        }
    }

    private void requireStandardTag(Event event, String tag) {
        if (tag == null || "!".equals(tag)) {
            return;
        }
        if (!tag.startsWith(STANDARD_TAG_PREFIX)
                || !STANDARD_TAGS.contains(tag.substring(STANDARD_TAG_PREFIX.length()))) {
            throw new InvalidYamlException(sourceName + at(event) + " uses the tag " + tag
                    + "; only plain YAML maps, lists and scalars are allowed and nothing is built from tags. Remove"
                    + " the tag there.");
        }
    }

    private static String tagOf(NodeEvent event) {
        if (event instanceof ScalarEvent scalar) {
            return scalar.getTag();
        }
        if (event instanceof CollectionStartEvent collection) {
            return collection.getTag();
        }
        return null;
    }

    private static String at(Event event) {
        return event == null || event.getStartMark() == null
                ? ""
                : " line " + (event.getStartMark().getLine() + 1) + ", column "
                        + (event.getStartMark().getColumn() + 1);
    }

    /**
     * Counts the characters read since the parser last gave an event: the parser reads ahead only within the token it
     * is scanning, so this bounds each token, which SnakeYAML would otherwise collect in memory however long.
     */
    private final class TokenBoundedReader extends FilterReader {
        private long sinceEvent;

        TokenBoundedReader(Reader in) {
            super(in);
        }

        void tokenRead() {
            sinceEvent = 0;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                counted(1);
            }
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) {
            sinceEvent += n;
            if (sinceEvent > MAX_TOKEN_CODE_POINTS) {
                throw new InvalidYamlException(sourceName + " holds a value, key or comment longer than "
                        + MAX_TOKEN_CODE_POINTS + " characters; falco-offline refuses it. Shorten it.");
            }
        }
    }
}
