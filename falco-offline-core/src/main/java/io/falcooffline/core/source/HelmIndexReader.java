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
        /** The first key's column, where the charts' names are written in a block mapping; -1 when empty. */
        int chartKeyColumn = -1;

        int generatedStart = -1;
        int generatedEnd = -1;
        boolean generatedBlockScalar;
        boolean generatedNotScalar;
        /** The wanted chart's key, and the next token after its value (the next key or the end of the entries). */
        int chartKeyIndex = -1;

        int chartNextIndex = -1;
        int chartNextColumn;
        boolean chartNextIsEnd;
        int chartOccurrences;
        /** The first chart's key sorting after the wanted one, before which it is inserted when absent. */
        int insertBeforeIndex = -1;

        int insertBeforeColumn;
        int entriesStartIndex = -1;
        int entriesEndIndex = -1;
        int entriesEndEndIndex = -1;
        int entriesEndColumn;
        /** Where the last value in the entries ends, exactly (flow style). */
        int lastValueEndIndex = -1;

        int streamEndIndex = -1;
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
        layout.streamEndIndex = events.endDocument().getStartMark().getIndex();
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
                layout.lastValueEndIndex = skipValue();
                continue;
            }
            events.next();
            String name = scalar.getValue();
            Mark mark = scalar.getStartMark();
            if (layout.chartKeyColumn < 0) {
                layout.chartKeyColumn = mark.getColumn();
            }
            if (wanted.isEmpty() || wanted.get().equals(name)) {
                layout.lastValueEndIndex = readVersions(name);
                if (wanted.isPresent()) {
                    layout.chartOccurrences++;
                    layout.chartKeyIndex = mark.getIndex();
                    Event next = events.peek();
                    layout.chartNextIndex = next.getStartMark().getIndex();
                    layout.chartNextColumn = next.getStartMark().getColumn();
                    layout.chartNextIsEnd = next instanceof MappingEndEvent;
                }
            } else {
                if (layout.insertBeforeIndex < 0 && name.compareTo(wanted.get()) > 0) {
                    layout.insertBeforeIndex = mark.getIndex();
                    layout.insertBeforeColumn = mark.getColumn();
                }
                layout.lastValueEndIndex = skipValue();
            }
        }
        Event end = events.next();
        layout.entriesEndIndex = end.getStartMark().getIndex();
        layout.entriesEndColumn = end.getStartMark().getColumn();
        layout.entriesEndEndIndex = end.getEndMark().getIndex();
    }

    /** Skips a value, returning where it ends. */
    private int skipValue() {
        Event last = events.peek();
        int level = 0;
        do {
            last = events.next();
            if (last instanceof MappingStartEvent || last instanceof SequenceStartEvent) {
                level++;
            } else if (last instanceof MappingEndEvent || last instanceof SequenceEndEvent) {
                level--;
            }
        } while (level > 0);
        return last.getEndMark().getIndex();
    }

    /** Reads a chart's list of versions, returning where it ends. */
    private int readVersions(String name) {
        List<Map<String, Object>> versions = new ArrayList<>();
        // A chart named twice: the last one counts, as in Helm.
        entries.put(name, versions);
        if (!(events.peek() instanceof SequenceStartEvent)) {
            unreadable.add("entries." + name + " (not a list of versions)");
            return skipValue();
        }
        events.next();
        for (int i = 0; !(events.peek() instanceof SequenceEndEvent); i++) {
            String what = "entries." + name + "[" + i + "]";
            if (!(events.peek() instanceof MappingStartEvent)) {
                skipValue();
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
        return events.next().getEndMark().getIndex();
    }
}
