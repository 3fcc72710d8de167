package io.falcooffline.core.yaml;

import io.falcooffline.core.InvalidYamlException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.events.StreamStartEvent;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Loads YAML from untrusted charts and values files: plain maps, lists and scalars only, with limits on aliases,
 * nesting and size so that a hostile document fails fast instead of exhausting memory.
 *
 * <p>Scalars load as Helm sees them after its YAML-to-JSON step: timestamps such as {@code 2026-01-01} stay strings,
 * and {@code !!binary} values become the decoded text. Everything else follows SnakeYAML's safe YAML 1.1 rules.
 */
public final class SafeYaml {

    /** Most aliases a document may use for collections (SnakeYAML's default; billion-laughs needs far more). */
    public static final int MAX_ALIASES = 50;

    /** Deepest nesting of maps and lists accepted. */
    public static final int MAX_NESTING_DEPTH = 50;

    /** Largest document accepted, in code points (3 MiB). */
    public static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

    private static final String TOO_MANY_ALIASES = "Number of aliases for non-scalar nodes exceeds";
    private static final String TOO_LARGE = "The incoming YAML document exceeds the limit";
    private static final String GLOBAL_TAG = "Global tag is not allowed: ";
    private static final String UNKNOWN_TAG = "could not determine a constructor for the tag ";
    private static final String STANDARD_TAG_PREFIX = "tag:yaml.org,2002:";

    /** SnakeYAML's default resolver; it is only read once built, so one instance serves every parse. */
    private static final Resolver RESOLVER = new Resolver();

    private SafeYaml() {}

    /**
     * Parses one YAML document.
     *
     * @param text the document
     * @param sourceName names the document in errors, e.g. {@code falco/values.yaml}
     * @return maps (insertion-ordered, keys as written), lists, strings, numbers, booleans or null
     * @throws InvalidYamlException naming the source, line and problem
     */
    public static Object load(String text, String sourceName) {
        List<Event> events = guarded(sourceName, () -> events(text));
        return construct(events, sourceName);
    }

    /**
     * Parses a document that must be a mapping, as values files and Chart.yaml are. An empty document is an empty
     * mapping.
     *
     * @throws InvalidYamlException when the document is not a mapping or not valid
     */
    public static Map<String, Object> loadMap(String text, String sourceName) {
        return asValuesMap(load(text, sourceName), sourceName);
    }

    /** {@link #loadMap} for the events of a document that {@link #events} has parsed. */
    static Map<String, Object> loadMap(List<Event> events, String sourceName) {
        return asValuesMap(construct(events, sourceName), sourceName);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asValuesMap(Object loaded, String sourceName) {
        if (loaded == null) {
            return new LinkedHashMap<>();
        }
        if (!(loaded instanceof Map)) {
            throw new InvalidYamlException(sourceName + " must be a YAML mapping (key: value lines) but is a "
                    + (loaded instanceof List ? "list" : "scalar") + ".");
        }
        Map<Object, Object> map = (Map<Object, Object>) loaded;
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new InvalidYamlException(sourceName + " has a top-level key that is not a string: " + key
                        + ". Quote it to make it a string key.");
            }
        }
        return (Map<String, Object>) loaded;
    }

    /** Writes a value as block-style YAML, the way values files are usually written. */
    public static String dump(Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        return dumper(options).dump(value);
    }

    /** Writes a value as one line of flow-style YAML, for plans and messages. */
    public static String dumpInline(Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        return dumper(options).dump(value).strip();
    }

    private static Yaml dumper(DumperOptions options) {
        return new Yaml(new SafeConstructor(new LoaderOptions()), new HelmSafeRepresenter(options), options, RESOLVER);
    }

    /**
     * The parser events of a document that has already passed {@link #load}, or any document: the size and nesting
     * limits apply here too. Aliases are events, never expanded.
     */
    static List<Event> events(String text) {
        // SnakeYAML counts only the characters of tokens, not comments, against its own limit.
        if (text.length() > MAX_CODE_POINTS && text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            throw new YAMLException(TOO_LARGE + ": " + MAX_CODE_POINTS + " code points.");
        }
        List<Event> events = new ArrayList<>();
        int depth = 0;
        // The parser alone, as Yaml.parse uses it, without the constructor and representer a Yaml object sets up.
        Parser parser = new ParserImpl(new StreamReader(new StringReader(text)), loaderOptions());
        while (parser.peekEvent() != null) {
            Event event = parser.getEvent();
            if (event instanceof CollectionStartEvent) {
                depth++;
                if (depth > MAX_NESTING_DEPTH) {
                    throw new NestingTooDeep(event.getStartMark());
                }
            } else if (event instanceof CollectionEndEvent) {
                depth--;
            }
            events.add(event);
        }
        return events;
    }

    /** Composes and constructs parsed events as {@link #load} does, without parsing the text again. */
    private static Object construct(List<Event> events, String sourceName) {
        return guarded(sourceName, () -> {
            HelmCompatibleConstructor constructor = new HelmCompatibleConstructor(loaderOptions());
            constructor.setComposer(new Composer(new ReplayedEvents(events), RESOLVER, loaderOptions()));
            return constructor.getSingleData(Object.class);
        });
    }

    /**
     * Builds one node from its events, e.g. one entry that {@link YamlEventStream} read from a large document, as
     * {@link #load} builds a whole document.
     */
    static Object constructNode(List<Event> nodeEvents, String sourceName) {
        List<Event> document = new ArrayList<>(nodeEvents.size() + 4);
        document.add(new StreamStartEvent(null, null));
        document.add(new DocumentStartEvent(null, null, false, null, null));
        document.addAll(nodeEvents);
        document.add(new DocumentEndEvent(null, null, false));
        document.add(new StreamEndEvent(null, null));
        return construct(document, sourceName);
    }

    /**
     * Gives the values scalar events stand for, e.g. mapping keys, resolved and constructed exactly as {@link #load}
     * does, one after another with one constructor, which is costly to set up. For one thread.
     */
    static final class ScalarReader {
        private final HelmCompatibleConstructor constructor = new HelmCompatibleConstructor(loaderOptions());

        Object read(ScalarEvent scalar) {
            Tag tag;
            if (scalar.getTag() != null && !"!".equals(scalar.getTag())) {
                tag = new Tag(scalar.getTag());
            } else if (scalar.getImplicit().canOmitTagInPlainScalar()) {
                tag = RESOLVER.resolve(NodeId.scalar, scalar.getValue(), true);
            } else {
                tag = Tag.STR;
            }
            return constructor.constructNode(
                    new ScalarNode(tag, scalar.getValue(), null, null, scalar.getScalarStyle()));
        }
    }

    /** Runs a parse, turning SnakeYAML's failures into messages that name the source, the place and the fix. */
    static <T> T guarded(String sourceName, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (NestingTooDeep e) {
            throw new InvalidYamlException(
                    sourceName + at(e.mark) + " nests maps and lists deeper than " + MAX_NESTING_DEPTH
                            + " levels; falco-offline refuses such documents. Flatten the structure there.",
                    e);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = firstLine(e.getProblem());
            if (problem.startsWith(GLOBAL_TAG) || problem.startsWith(UNKNOWN_TAG)) {
                String tag = problem.startsWith(GLOBAL_TAG)
                        ? problem.substring(GLOBAL_TAG.length())
                        : problem.substring(UNKNOWN_TAG.length());
                throw new InvalidYamlException(
                        sourceName + at(mark) + " uses the tag " + shortTag(tag)
                                + "; only plain YAML maps, lists and scalars are allowed and nothing is built from"
                                + " tags. Remove the tag there.",
                        e);
            }
            String context = e.getContext() == null ? "" : firstLine(e.getContext());
            Mark opened = e.getContextMark();
            if (context.startsWith("while scanning a quoted scalar") && opened != null) {
                // The parser only notices an unclosed quote where the document ends, often many lines later.
                throw new InvalidYamlException(
                        sourceName + at(opened) + ": a quoted string starts here and is never closed (the parser"
                                + " reached" + at(mark) + "). Close the quote on that line.",
                        e);
            }
            String where = opened != null && mark != null && opened.getLine() != mark.getLine()
                    ? " (" + readable(context).replaceFirst("^while (parsing|scanning) ", "in ") + " that starts at"
                            + at(opened) + ")"
                    : "";
            throw new InvalidYamlException(
                    sourceName + at(mark) + " is not valid YAML: " + readable(problem) + where
                            + ". Fix the YAML there.",
                    e);
        } catch (YAMLException e) {
            String problem = firstLine(e.getMessage());
            if (problem.startsWith(TOO_MANY_ALIASES)) {
                throw new InvalidYamlException(
                        sourceName + " uses more than " + MAX_ALIASES + " aliases (*name) of anchored maps or lists;"
                                + " falco-offline refuses it because aliases can expand exponentially (the"
                                + " \"billion laughs\" attack). Write the values out instead of repeating anchors.",
                        e);
            }
            if (problem.startsWith(TOO_LARGE)) {
                throw new InvalidYamlException(
                        sourceName + " is larger than " + MAX_CODE_POINTS + " characters (3 MiB); falco-offline"
                                + " refuses larger YAML documents. Remove what the chart does not need.",
                        e);
            }
            throw new InvalidYamlException(sourceName + " cannot be loaded safely: " + problem + ".", e);
        }
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        // Helm keeps the last of duplicated keys; so do we.
        options.setAllowDuplicateKeys(true);
        return options;
    }

    private static String at(Mark mark) {
        return mark == null ? "" : " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String shortTag(String tag) {
        return tag.startsWith(STANDARD_TAG_PREFIX) ? "!!" + tag.substring(STANDARD_TAG_PREFIX.length()) : tag;
    }

    /**
     * SnakeYAML's problem text as a person reads it: escaped characters ({@code '\u000a'}) named, and its indentation
     * hint kept only where it applies (a tab).
     */
    static String readable(String problem) {
        String text = problem.replaceAll(" \\(Do not use (?!\\\\t)[^)]*\\)", "")
                .replace("flow sequence", "list in [brackets]")
                .replace("flow mapping", "map in {braces}")
                .replaceFirst("\\.+$", "");
        java.util.regex.Matcher escaped =
                java.util.regex.Pattern.compile("\\\\u([0-9a-fA-F]{4})").matcher(text);
        StringBuilder named = new StringBuilder();
        while (escaped.find()) {
            int code = Integer.parseInt(escaped.group(1), 16);
            String name = switch (code) {
                case 0x0a -> "line feed";
                case 0x0d -> "carriage return";
                case 0x09 -> "tab";
                case 0x00 -> "NUL";
                case 0xfeff -> "byte order mark";
                default -> String.format(java.util.Locale.ROOT, "U+%04X", code);
            };
            escaped.appendReplacement(named, java.util.regex.Matcher.quoteReplacement(name));
        }
        escaped.appendTail(named);
        return named.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown problem";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** SnakeYAML counts sequences one level late; this check counts every map and list the same way. */
    private static final class NestingTooDeep extends YAMLException {

        private static final long serialVersionUID = 1L;

        private final transient Mark mark;

        NestingTooDeep(Mark mark) {
            super("nesting too deep");
            this.mark = mark;
        }
    }

    /** SnakeYAML's representer, quoting the strings Helm would read as numbers or booleans ({@code y}, {@code 1e3}). */
    private static final class HelmSafeRepresenter extends Representer {

        HelmSafeRepresenter(DumperOptions options) {
            super(options);
            Represent strings = representers.get(String.class);
            representers.put(
                    String.class,
                    data -> YamlWriter.helmReadsAsNonString((String) data)
                            ? representScalar(Tag.STR, (String) data, DumperOptions.ScalarStyle.SINGLE_QUOTED)
                            : strings.representData(data));
        }
    }

    /** Feeds already parsed events to SnakeYAML's composer. */
    private static final class ReplayedEvents implements Parser {
        private final List<Event> events;
        private int next;

        ReplayedEvents(List<Event> events) {
            this.events = events;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return next < events.size() && events.get(next).getEventId() == choice;
        }

        @Override
        public Event peekEvent() {
            return next < events.size() ? events.get(next) : null;
        }

        @Override
        public Event getEvent() {
            return next < events.size() ? events.get(next++) : null;
        }
    }

    private static final class InvalidBinary extends MarkedYAMLException {

        private static final long serialVersionUID = 1L;

        InvalidBinary(String problem, Node node) {
            super(null, null, problem, node.getStartMark());
        }
    }

    /** SafeConstructor with Helm's view of timestamps and binary scalars. */
    private static final class HelmCompatibleConstructor extends SafeConstructor {

        HelmCompatibleConstructor(LoaderOptions options) {
            super(options);
            // Helm turns values into JSON, where a YAML timestamp is just the string that was written.
            yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
            yamlConstructors.put(Tag.BINARY, new ConstructBinaryAsText());
        }

        Object constructNode(Node node) {
            return constructObject(node);
        }

        /** Go's YAML decoder gives the decoded bytes of {@code !!binary} as a string. */
        private final class ConstructBinaryAsText extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String encoded = constructScalar((ScalarNode) node);
                try {
                    return new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new InvalidBinary("invalid base64 in a !!binary value (" + e.getMessage() + ")", node);
                }
            }
        }
    }
}
