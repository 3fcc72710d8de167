package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.ByteBoundedInputStream;
import io.falcooffline.core.io.RegularFiles;
import io.falcooffline.core.yaml.SafeYaml;
import io.falcooffline.core.yaml.YamlEventStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds a chart version to an existing {@code index.yaml} without building the whole index: one streaming read finds
 * where this chart's entries, {@code generated} and the other charts are in the text, and one streaming copy writes
 * the file again with only this chart's entries and {@code generated} replaced. Every other byte is copied through,
 * so other charts' entries, comments and layout stay exactly as they were. Helm reads the entries in any order; like
 * {@code helm repo index}, charts stay sorted by name and a chart's versions are written newest first.
 */
final class HelmIndexFile {

    private static final String WHAT = "existing Helm repository index";
    private static final String FIX =
            "Replace it with the repository's real index.yaml, or remove it to start a new index.";

    /**
     * A part of the original text, from one code point offset to another, replaced by new text. With {@code
     * startAtLineEnd} the text goes after the line break that ends the start's line (a comment after the start stays
     * where it is); with {@code endAtLineEnd} the rest of the end's line goes too, line break included.
     */
    private record Splice(int start, int end, String text, boolean startAtLineEnd, boolean endAtLineEnd) {
        Splice(int start, int end, String text) {
            this(start, end, text, false, false);
        }
    }

    private HelmIndexFile() {}

    static void add(Path file, Map<String, Object> entry, Instant generated) {
        String name = String.valueOf(entry.get("name"));
        Optional<InputStream> existing = RegularFiles.open(file, HelmIndex.MAX_INDEX_BYTES, WHAT, FIX);
        if (existing.isEmpty()) {
            AtomicFiles.write(file, HelmIndex.empty().withEntry(entry).toYaml(generated));
            return;
        }
        HelmIndexReader.Result read;
        // Bounded by RegularFiles, which also refuses a file grown past the bound while it is read.
        try (YamlEventStream events = new YamlEventStream(existing.get(), file.toString())) {
            read = HelmIndexReader.read(events, Optional.of(name));
        } catch (IOException e) {
            throw new ChartSourceException("Cannot read the " + WHAT + " " + file + ": " + e.getMessage(), e);
        }
        read.index().requireEveryEntryReadable(file.toString());
        HelmIndexReader.Layout layout = read.layout();
        if (layout.chartOccurrences > 1) {
            throw new ChartSourceException(file + " names the chart " + name + " more than once under `entries`;"
                    + " Helm keeps only the last. Merge them into one list, or remove the file to start a new index.");
        }
        if (layout.generatedNotScalar) {
            throw new ChartSourceException(file + " has a `generated` that is not a time. Fix it (e.g. generated:"
                    + " \"2026-01-01T00:00:00Z\"), or remove the file to start a new index.");
        }
        List<Splice> splices =
                splices(layout, name, read.index().withEntry(entry).entries(name), generated);
        AtomicFiles.write(file, "Helm repository index", out -> copy(file, splices, out));
    }

    private static List<Splice> splices(
            HelmIndexReader.Layout layout, String name, List<Map<String, Object>> versions, Instant generated) {
        List<Splice> splices = new ArrayList<>();
        String time = SafeYaml.dumpInline(generated.toString());
        String missing = (layout.hasApiVersion ? "" : topLevel(layout, "apiVersion: v1"))
                + (layout.generatedStart < 0 ? topLevel(layout, "generated: " + time) : "");
        if (!missing.isEmpty()) {
            splices.add(new Splice(layout.entriesKeyIndex, layout.entriesKeyIndex, missing));
        }
        if (layout.generatedStart >= 0) {
            // A block scalar's end includes its line break.
            splices.add(new Splice(
                    layout.generatedStart, layout.generatedEnd, time + (layout.generatedBlockScalar ? "\n" : "")));
        }
        String key = SafeYaml.dumpInline(name);
        if (layout.entriesFlow && !layout.topFlow && layout.chartKeyColumn < 0) {
            // `entries: {}` in a block document becomes a block map, as Helm writes it.
            int column = layout.entriesKeyColumn + 2;
            splices.add(new Splice(
                    layout.entriesStartIndex,
                    layout.entriesEndEndIndex,
                    "\n" + spaces(column) + key + ":\n"
                            + indented(versions, column).stripTrailing()));
        } else if (layout.entriesFlow) {
            String chart = key + ": " + SafeYaml.dumpInline(versions);
            if (layout.chartKeyIndex >= 0) {
                splices.add(new Splice(
                        layout.chartKeyIndex, layout.chartNextIndex, chart + (layout.chartNextIsEnd ? " " : ", ")));
            } else if (layout.insertBeforeIndex >= 0) {
                splices.add(new Splice(layout.insertBeforeIndex, layout.insertBeforeIndex, chart + ", "));
            } else if (layout.chartKeyColumn < 0) {
                splices.add(new Splice(layout.entriesEndIndex, layout.entriesEndIndex, chart));
            } else {
                splices.add(new Splice(layout.lastValueEndIndex, layout.lastValueEndIndex, ", " + chart));
            }
        } else if (layout.chartKeyIndex >= 0) {
            // From the key to the end of the old list's line: comments and blank lines after it stay.
            splices.add(new Splice(
                    layout.chartKeyIndex,
                    layout.chartValueEnd,
                    key + ":\n" + indented(versions, layout.chartKeyColumn),
                    false,
                    layout.chartValueEndColumn > 0));
        } else if (layout.insertBeforeIndex >= 0 && layout.insertAfterIndex < 0) {
            // The chart sorts first: before the first chart's key, at its column.
            splices.add(new Splice(
                    layout.insertBeforeIndex,
                    layout.insertBeforeIndex,
                    key + ":\n" + indented(versions, layout.insertBeforeColumn) + spaces(layout.insertBeforeColumn)));
        } else {
            // After the line where the chart sorting before it ends.
            boolean between = layout.insertBeforeIndex >= 0;
            int after = between ? layout.insertAfterIndex : layout.lastValueEndIndex;
            int column = between ? layout.insertAfterColumn : layout.lastValueEndColumn;
            splices.add(new Splice(
                    after,
                    after,
                    spaces(layout.chartKeyColumn) + key + ":\n" + indented(versions, layout.chartKeyColumn),
                    column > 0,
                    false));
        }
        splices.sort(Comparator.comparingInt(Splice::start));
        return splices;
    }

    /** A top-level key and value put before {@code entries}, in the document's style. */
    private static String topLevel(HelmIndexReader.Layout layout, String keyAndValue) {
        return layout.topFlow ? keyAndValue + ", " : keyAndValue + "\n" + spaces(layout.entriesKeyColumn);
    }

    /** A chart's versions as a block list whose dashes are at a column, ending with a line break. */
    private static String indented(List<Map<String, Object>> versions, int column) {
        String dumped = SafeYaml.dump(versions);
        StringBuilder text = new StringBuilder();
        for (String line : dumped.substring(0, dumped.length() - 1).split("\n", -1)) {
            // An empty line inside a block scalar stays empty.
            text.append(line.isEmpty() ? "" : spaces(column) + line).append('\n');
        }
        return text.toString();
    }

    private static String spaces(int count) {
        return " ".repeat(Math.max(0, count));
    }

    /** Copies the file through, replacing the spliced parts, counting code points as the YAML parser does. */
    private static void copy(Path file, List<Splice> splices, OutputStream out) throws IOException {
        InputStream opened = RegularFiles.open(file, HelmIndex.MAX_INDEX_BYTES, WHAT, FIX)
                .orElseThrow(() -> new ChartSourceException(file + " disappeared while it was being updated."));
        try (Reader in = new InputStreamReader(
                new ByteBoundedInputStream(
                        opened,
                        HelmIndex.MAX_INDEX_BYTES,
                        () -> new ChartSourceException(file + " grew while it was being updated.")),
                StandardCharsets.UTF_8)) {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            char[] buffer = new char[1 << 16];
            int position = 0;
            int next = 0;
            Splice atLineEnd = null;
            int skipUntil = -1;
            boolean skipLineEnd = false;
            boolean afterHighSurrogate = false;
            char last = '\n';
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    char c = buffer[i];
                    boolean continuesCodePoint = afterHighSurrogate && Character.isLowSurrogate(c);
                    afterHighSurrogate = Character.isHighSurrogate(c);
                    if (!continuesCodePoint) {
                        if (skipUntil >= 0 && position >= skipUntil && !skipLineEnd) {
                            skipUntil = -1;
                        }
                        while (skipUntil < 0
                                && atLineEnd == null
                                && next < splices.size()
                                && splices.get(next).start() == position) {
                            Splice splice = splices.get(next++);
                            if (splice.startAtLineEnd()) {
                                atLineEnd = splice;
                            } else {
                                writer.write(splice.text());
                                if (splice.end() > position || splice.endAtLineEnd()) {
                                    skipUntil = splice.end();
                                    skipLineEnd = splice.endAtLineEnd();
                                }
                            }
                        }
                        position++;
                    }
                    if (skipUntil >= 0) {
                        if (skipLineEnd && position > skipUntil && c == '\n') {
                            skipUntil = -1;
                            skipLineEnd = false;
                        }
                        continue;
                    }
                    writer.write(c);
                    last = c;
                    if (atLineEnd != null && c == '\n') {
                        writer.write(atLineEnd.text());
                        atLineEnd = null;
                    }
                }
            }
            // Splices at the very end of the file, which may lack its last line break.
            if (atLineEnd != null) {
                // Still waiting for a line break the file does not have: the last splice taken, taken again below.
                next--;
            }
            while (next < splices.size()) {
                Splice splice = splices.get(next++);
                String text = (splice.startAtLineEnd() && last != '\n' ? "\n" : "") + splice.text();
                writer.write(text);
                last = text.isEmpty() ? last : text.charAt(text.length() - 1);
            }
            writer.flush();
        }
    }
}
