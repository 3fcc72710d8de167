package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.InvalidYamlException;
import io.falcooffline.core.yaml.YamlEventStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;

/**
 * Reads a Helm repository index event by event: the entries of the charts asked for are built, every other chart is
 * skipped without building anything, so a 20 MiB index (the size of large public repositories) is read in a few MiB
 * of heap. Also records where things are in the text ({@link Layout}), so that {@link HelmIndexFile} can add a chart
 * version by copying the rest of the file through unchanged.
 */
final class HelmIndexReader {

    /** Most versions kept of the charts read (the largest public charts have a few hundred). */
    static final int MAX_KEPT_VERSIONS = 20_000;

    /** Most keys and values in one chart version's entry. */
    static final int MAX_ENTRY_EVENTS = 100_000;

    private final YamlEventStream events;
    private final Optional<String> wanted;
    private final Map<String, Object> document = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> entries = new TreeMap<>();
    private final List<String> unreadable = new ArrayList<>();
    private final Layout layout = new Layout();
    private int kept;

    private HelmIndexReader(YamlEventStream events, Optional<String> wanted) {
        this.events = events;
        this.wanted = wanted;
    }

    /** What was read: the index (of the wanted chart, or of all) and where its parts are in the text. */
    record Result(HelmIndex index, Layout layout) {}

    /**
     * Where the parts of an index are in its text, as code point offsets and columns; -1 where absent.
     */
    static final class Layout {
        boolean topFlow;
        boolean hasApiVersion;
        int entriesKeyIndex = -1;
        int entriesKeyColumn;
        boolean entriesFlow;
        int entriesStartIndex = -1;
        int entriesEndIndex = -1;
        int entriesEndEndIndex = -1;
        /** The first chart name's column, where a block map writes them; -1 when there is none. */
        int chartKeyColumn = -1;

        int generatedStart = -1;
        int generatedEnd = -1;
        boolean generatedBlockScalar;
        boolean generatedNotScalar;
        /** The wanted chart's key, where the text of its value ends, and the next token (a key or the end). */
        int chartKeyIndex = -1;

        int chartValueEnd = -1;
        int chartValueEndColumn;
        int chartNextIndex = -1;
        boolean chartNextIsEnd;
        int chartOccurrences;
        /** The first chart's key sorting after the wanted one, and where the chart before it ends (-1: none). */
        int insertBeforeIndex = -1;

        int insertBeforeColumn;
        int insertAfterIndex = -1;
        int insertAfterColumn;
        /** Where the text of the last chart's value ends. */
        int lastValueEndIndex = -1;

        int lastValueEndColumn;
    }

    /**
     * Reads an index.
     *
     * @param wanted the chart whose entries are kept; empty to keep all
     * @throws ChartSourceException when it is not a Helm repository index, or breaks a bound
     */
    static Result read(YamlEventStream events, Optional<String> wanted) {
        HelmIndexReader reader = new HelmIndexReader(events, wanted);
        try {
            reader.readDocument();
        } catch (InvalidYamlException e) {
            // The message names the index, the place and the fix.
            throw new ChartSourceException(e.getMessage(), e);
        }
        if (reader.layout.entriesKeyIndex < 0) {
            throw new ChartSourceException(events.sourceName() + " is not a Helm repository index: it has no"
                    + " `entries` map. Check that the URL is the repository's base URL (the directory holding"
                    + " index.yaml).");
        }
        return new Result(new HelmIndex(reader.document, reader.entries, reader.unreadable), reader.layout);
    }

    private void readDocument() {
        events.startDocument("a Helm repository index is a map with `apiVersion` and `entries`");
        if (!(events.peek() instanceof MappingStartEvent top)) {
            throw new InvalidYamlException(
                    events.sourceName() + " is not a map; a Helm repository index is a map with `entries`.");
        }
        events.next();
        layout.topFlow = top.isFlow();
        while (!(events.peek() instanceof MappingEndEvent)) {
            Event key = events.peek();
            if (!(key instanceof ScalarEvent scalar)) {
                events.skipNode();
                events.skipNode();
                continue;
            }
            events.next();
            switch (scalar.getValue()) {
                case "apiVersion" -> {
                    layout.hasApiVersion = true;
                    document.put("apiVersion", events.readNode(MAX_ENTRY_EVENTS, "apiVersion"));
                }
                case "generated" -> readGenerated();
                case "entries" -> {
                    if (events.peek() instanceof MappingStartEvent) {
                        layout.entriesKeyIndex = scalar.getStartMark().getIndex();
                        layout.entriesKeyColumn = scalar.getStartMark().getColumn();
                        readEntries();
                    } else {
                        events.skipNode();
                    }
                }
                default -> {
                    if (wanted.isEmpty()) {
                        document.put(scalar.getValue(), events.readNode(MAX_ENTRY_EVENTS, scalar.getValue()));
                    } else {
                        events.skipNode();
                    }
                }
            }
        }
        events.next();
        events.endDocument();
    }

    private void readGenerated() {
        Event value = events.peek();
        if (value instanceof ScalarEvent scalar) {
            layout.generatedStart = scalar.getStartMark().getIndex();
            layout.generatedEnd = scalar.getEndMark().getIndex();
            DumperOptions.ScalarStyle style = scalar.getScalarStyle();
            layout.generatedBlockScalar =
                    style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED;
            document.put("generated", scalar.getValue());
        } else {
            layout.generatedNotScalar = true;
        }
        events.skipNode();
    }

    private void readEntries() {
        MappingStartEvent start = (MappingStartEvent) events.next();
        layout.entriesFlow = start.isFlow();
        layout.entriesStartIndex = start.getStartMark().getIndex();
        while (!(events.peek() instanceof MappingEndEvent)) {
            Event key = events.peek();
            if (!(key instanceof ScalarEvent scalar)) {
                events.skipNode();
                if (wanted.isEmpty()) {
                    // Copied through when adding a chart; only an index read whole would lose it.
                    unreadable.add("a key of `entries` that is not a chart name (line "
                            + (key.getStartMark().getLine() + 1) + ")");
                }
                events.skipNode();
                valueRead();
                continue;
            }
            events.next();
            String name = scalar.getValue();
            Mark mark = scalar.getStartMark();
            if (layout.chartKeyColumn < 0) {
                layout.chartKeyColumn = mark.getColumn();
            }
            if (wanted.isEmpty() || wanted.get().equals(name)) {
                readVersions(name);
                valueRead();
                if (wanted.isPresent()) {
                    layout.chartOccurrences++;
                    layout.chartKeyIndex = mark.getIndex();
                    layout.chartValueEnd = layout.lastValueEndIndex;
                    layout.chartValueEndColumn = layout.lastValueEndColumn;
                    Event next = events.peek();
                    layout.chartNextIndex = next.getStartMark().getIndex();
                    layout.chartNextIsEnd = next instanceof MappingEndEvent;
                }
            } else {
                if (layout.insertBeforeIndex < 0 && name.compareTo(wanted.get()) > 0) {
                    layout.insertBeforeIndex = mark.getIndex();
                    layout.insertBeforeColumn = mark.getColumn();
                    layout.insertAfterIndex = layout.lastValueEndIndex;
                    layout.insertAfterColumn = layout.lastValueEndColumn;
                }
                events.skipNode();
                valueRead();
            }
        }
        Event end = events.next();
        layout.entriesEndIndex = end.getStartMark().getIndex();
        layout.entriesEndEndIndex = end.getEndMark().getIndex();
    }

    private void valueRead() {
        Mark end = events.contentEnd();
        layout.lastValueEndIndex = end.getIndex();
        layout.lastValueEndColumn = end.getColumn();
    }

    /** Reads a chart's list of versions. */
    private void readVersions(String name) {
        List<Map<String, Object>> versions = new ArrayList<>();
        // A chart named twice: the last one counts, as in Helm.
        entries.put(name, versions);
        if (!(events.peek() instanceof SequenceStartEvent)) {
            unreadable.add("entries." + name + " (not a list of versions)");
            events.skipNode();
            return;
        }
        events.next();
        for (int i = 0; !(events.peek() instanceof SequenceEndEvent); i++) {
            String what = "entries." + name + "[" + i + "]";
            if (!(events.peek() instanceof MappingStartEvent)) {
                events.skipNode();
                unreadable.add(what + " (not a map with a version)");
                continue;
            }
            Map<?, ?> entry = (Map<?, ?>) events.readNode(MAX_ENTRY_EVENTS, what);
            if (entry.get("version") == null) {
                unreadable.add(what + " (not a map with a version)");
                continue;
            }
            if (++kept > MAX_KEPT_VERSIONS) {
                throw new InvalidYamlException(events.sourceName() + " lists more than " + MAX_KEPT_VERSIONS
                        + " versions of " + (wanted.isPresent() ? "the chart " + name : "its charts")
                        + "; falco-offline refuses it. Remove old versions from the index.");
            }
            versions.add(HelmIndex.stringKeys(entry));
        }
        versions.sort(HelmIndex.NEWEST_FIRST);
        events.next();
    }
}
