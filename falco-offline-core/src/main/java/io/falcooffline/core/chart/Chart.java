package io.falcooffline.core.chart;

import io.falcooffline.core.InvalidChartException;
import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.LoadedYaml;
import io.falcooffline.core.yaml.SafeYaml;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable Helm chart: its own files, byte for byte as read, and its subcharts.
 *
 * <p>Files are keyed by their path relative to this chart's directory, {@code /}-separated, e.g.
 * {@code templates/daemonset.yaml}. A subchart's files belong to the subchart, never to its parent: the parent's
 * {@link #files()} holds no path under {@code charts/<subchart>/}. Files under {@code charts/} that Helm does not
 * treat as a subchart (for example {@code charts/_ignore_me} or a {@code .prov} file) stay files of this chart.
 *
 * <p>Changes return new instances: {@link #withFile(String, byte[])} and {@link #withSubchart(Chart)}.
 */
public final class Chart {

    static final String CHART_YAML = "Chart.yaml";
    static final String VALUES_YAML = "values.yaml";
    static final String CHARTS_DIR = "charts/";

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final String directoryName;
    private final String path;
    private final SortedMap<String, byte[]> files;
    private final List<Chart> subcharts;
    private final Map<String, Object> chartYaml;
    private final Map<String, Object> values;
    /** values.yaml as loaded, when its text is the file as stored (no byte order mark dropped); else null. */
    private final LoadedYaml loadedValues;

    private final String name;
    private final String version;
    private final String appVersion;
    private final Instant newestEntryTime;

    private Chart(
            String directoryName,
            String path,
            SortedMap<String, byte[]> files,
            List<Chart> subcharts,
            Map<String, Object> chartYaml,
            Map<String, Object> values,
            LoadedYaml loadedValues,
            Instant newestEntryTime) {
        this.directoryName = directoryName;
        this.path = path;
        this.files = files;
        this.subcharts = subcharts;
        this.chartYaml = chartYaml;
        this.values = values;
        this.loadedValues = loadedValues;
        this.name = requiredField(chartYaml, "name", path);
        this.version = requiredField(chartYaml, "version", path);
        this.appVersion = optionalField(chartYaml, "appVersion", path);
        this.newestEntryTime = newestEntryTime;
        ChartMetadata.validate(chartYaml, path, name, version);
    }

    /**
     * Builds a chart from files already read and checked for safe paths.
     *
     * @param directoryName the chart's directory name: the archive's top directory, or its directory under
     *     {@code charts/} for a subchart
     * @param path where the chart sits in the archive, e.g. {@code falco/charts/falcosidekick}
     * @param files this chart's own files (none of its subcharts'); the arrays are taken over, not copied, so that
     *     a large chart is held in memory once
     * @param subcharts its subcharts, in any order; re-rooted under {@code path}
     * @param newestEntryTime the newest modification time seen while reading, if any
     * @throws InvalidChartException when Chart.yaml is missing or lacks a safe name or a version
     */
    static Chart of(
            String directoryName,
            String path,
            Map<String, byte[]> files,
            List<Chart> subcharts,
            Optional<Instant> newestEntryTime) {
        SortedMap<String, byte[]> ownFiles = new TreeMap<>();
        ownFiles.putAll(files);
        List<Chart> rooted = new ArrayList<>();
        for (Chart subchart : subcharts) {
            rooted.add(subchart.relocatedTo(subchartPath(path, subchart.directoryName)));
        }
        rooted.sort(Comparator.comparing(Chart::directoryName));
        return create(directoryName, path, ownFiles, rooted, newestEntryTime.orElse(null));
    }

    private static Chart create(
            String directoryName,
            String path,
            SortedMap<String, byte[]> ownFiles,
            List<Chart> subcharts,
            Instant newestEntryTime) {
        byte[] chartYamlBytes = ownFiles.get(CHART_YAML);
        if (chartYamlBytes == null) {
            throw new InvalidChartException("Chart " + path + " has no Chart.yaml (expected " + path + "/" + CHART_YAML
                    + "). Every chart and subchart needs a Chart.yaml with at least name and version.");
        }
        Map<String, Object> chartYaml =
                parseYaml(chartYamlBytes, path + "/" + CHART_YAML).values();
        byte[] valuesBytes = ownFiles.get(VALUES_YAML);
        ParsedFile values = valuesBytes == null ? null : parseYaml(valuesBytes, path + "/" + VALUES_YAML);
        return new Chart(
                directoryName,
                path,
                Collections.unmodifiableSortedMap(ownFiles),
                List.copyOf(subcharts),
                chartYaml,
                values == null ? Map.of() : values.values(),
                values == null ? null : values.asStored(),
                newestEntryTime);
    }

    /** The chart name from Chart.yaml. */
    public String name() {
        return name;
    }

    /** The chart version from Chart.yaml. */
    public String version() {
        return version;
    }

    /** The appVersion from Chart.yaml, or {@code ""} when it has none. */
    public String appVersion() {
        return appVersion;
    }

    /**
     * Where this chart sits in the archive, for messages and plans: {@code falco} for the top chart,
     * {@code falco/charts/falcosidekick} for a subchart. A subchart read from a nested {@code .tgz} has the path it
     * gets once written as a directory.
     */
    public String path() {
        return path;
    }

    /**
     * The name of this chart's directory: the archive's top directory for the top chart, its directory under
     * {@code charts/} for a subchart (for a nested {@code charts/x-1.2.3.tgz}, the chart directory inside it).
     */
    public String directoryName() {
        return directoryName;
    }

    /**
     * This chart's own files, keyed by path relative to its directory, sorted; none of its subcharts' files.
     *
     * @return an unmodifiable map holding copies of the contents
     */
    public SortedMap<String, byte[]> files() {
        SortedMap<String, byte[]> copy = new TreeMap<>();
        files.forEach((file, content) -> copy.put(file, content.clone()));
        return Collections.unmodifiableSortedMap(copy);
    }

    /** The paths of this chart's own files, sorted. */
    public List<String> filePaths() {
        return List.copyOf(files.keySet());
    }

    /** The content of one of this chart's own files (a copy), if it has that file. */
    public Optional<byte[]> file(String relativePath) {
        byte[] content = files.get(relativePath);
        return content == null ? Optional.empty() : Optional.of(content.clone());
    }

    /**
     * One of this chart's own files decoded as UTF-8, exactly as stored (a byte order mark, if any, is kept).
     *
     * @throws InvalidChartException when the file is not valid UTF-8
     */
    public Optional<String> text(String relativePath) {
        byte[] content = files.get(relativePath);
        return content == null ? Optional.empty() : Optional.of(decodeUtf8(content, path + "/" + relativePath));
    }

    /** The subcharts, ordered by {@link #directoryName()}. */
    public List<Chart> subcharts() {
        return subcharts;
    }

    /** The subchart in {@code charts/<directoryName>}, if there is one. */
    public Optional<Chart> subchart(String directoryName) {
        return subcharts.stream()
                .filter(subchart -> subchart.directoryName.equals(directoryName))
                .findFirst();
    }

    /** Chart.yaml, parsed; unmodifiable. */
    public Map<String, Object> chartYaml() {
        return chartYaml;
    }

    /** values.yaml, parsed; an empty map when the chart has none; unmodifiable. */
    public Map<String, Object> values() {
        return values;
    }

    /**
     * values.yaml as it was loaded, text and parse, for editing it without parsing it again; empty when the chart has
     * none, when its stored text is not what was parsed (a byte order mark was dropped), or when the values came
     * from {@link #withValuesText}.
     */
    public Optional<LoadedYaml> loadedValues() {
        return Optional.ofNullable(loadedValues);
    }

    /**
     * The newest modification time among the entries or files this chart and its subcharts were read from, a
     * sensible default timestamp for the repacked archive. Changing files does not change it.
     */
    public Optional<Instant> newestEntryTime() {
        return Optional.ofNullable(newestEntryTime);
    }

    /**
     * This chart with one of its own files added or replaced. Replacing Chart.yaml or values.yaml re-parses it.
     *
     * @param relativePath a {@code /}-separated path inside this chart, not inside one of its subcharts (change a
     *     subchart with {@code withSubchart(subchart.withFile(..))})
     * @throws IllegalArgumentException when the path is not a plain relative path or lies inside a subchart
     * @throws io.falcooffline.core.FalcoOfflineException when the new Chart.yaml or values.yaml is invalid
     */
    public Chart withFile(String relativePath, byte[] content) {
        Objects.requireNonNull(content, "content");
        requirePlainRelativePath(relativePath);
        for (Chart subchart : subcharts) {
            if (relativePath.startsWith(CHARTS_DIR + subchart.directoryName + "/")) {
                throw new IllegalArgumentException(relativePath + " lies inside subchart " + subchart.path
                        + "; change it with withSubchart(subchart.withFile(..)).");
            }
        }
        byte[] copy = content.clone();
        SortedMap<String, byte[]> changed = new TreeMap<>(files);
        changed.put(relativePath, copy);
        // Only the file that changed is parsed again: the other parsed file still holds.
        if (relativePath.equals(CHART_YAML)) {
            return withOwnFiles(
                    changed, parseYaml(copy, path + "/" + CHART_YAML).values(), values, loadedValues);
        }
        if (relativePath.equals(VALUES_YAML)) {
            ParsedFile changedValues = parseYaml(copy, path + "/" + VALUES_YAML);
            return withOwnFiles(changed, chartYaml, changedValues.values(), changedValues.asStored());
        }
        return withOwnFiles(changed, chartYaml, values, loadedValues);
    }

    /**
     * This chart with values.yaml replaced by {@code text}, taking {@code loaded} as its values instead of parsing the
     * text once more: for a caller that has just loaded this very text with {@link SafeYaml#loadMap}, as
     * {@code ValuesEditor} does to check what it wrote. Text that does not encode to UTF-8 and back unchanged, or
     * that starts with a byte order mark, is parsed as {@link #withFile} parses it.
     */
    public Chart withValuesText(String text, Map<String, Object> loaded) {
        Optional<byte[]> encoded = text.startsWith("\uFEFF") ? Optional.empty() : encodeUtf8(text);
        if (encoded.isEmpty()) {
            return withFile(VALUES_YAML, text.getBytes(StandardCharsets.UTF_8));
        }
        SortedMap<String, byte[]> changed = new TreeMap<>(files);
        changed.put(VALUES_YAML, encoded.get());
        return withOwnFiles(changed, chartYaml, HelmValues.unmodifiableCopy(loaded), null);
    }

    private Chart withOwnFiles(
            SortedMap<String, byte[]> ownFiles,
            Map<String, Object> parsedChartYaml,
            Map<String, Object> parsedValues,
            LoadedYaml parsedValuesAsStored) {
        return new Chart(
                directoryName,
                path,
                Collections.unmodifiableSortedMap(ownFiles),
                subcharts,
                parsedChartYaml,
                parsedValues,
                parsedValuesAsStored,
                newestEntryTime);
    }

    /**
     * This chart with a subchart added, or replacing the subchart with the same {@link #directoryName()}. The
     * subchart is re-rooted under this chart's path.
     *
     * @throws IllegalArgumentException when the subchart's directory name cannot be a directory under
     *     {@code charts/}, or this chart has own files in that directory
     */
    public Chart withSubchart(Chart subchart) {
        String directory = subchart.directoryName;
        if (!isSubchartDirectoryName(directory)) {
            throw new IllegalArgumentException("'" + directory + "' cannot be a subchart directory under charts/:"
                    + " it must be a plain name that does not start with '_' or '.'.");
        }
        String prefix = CHARTS_DIR + directory + "/";
        for (String file : files.keySet()) {
            if (file.startsWith(prefix)) {
                throw new IllegalArgumentException(
                        "chart " + path + " has its own file " + file + " where subchart " + directory + " would go.");
            }
        }
        List<Chart> changed = new ArrayList<>();
        for (Chart existing : subcharts) {
            if (!existing.directoryName.equals(directory)) {
                changed.add(existing);
            }
        }
        changed.add(subchart.relocatedTo(subchartPath(path, directory)));
        changed.sort(Comparator.comparing(Chart::directoryName));
        return new Chart(
                directoryName, path, files, List.copyOf(changed), chartYaml, values, loadedValues, newestEntryTime);
    }

    /** The live file map, for writers in this package that must not copy every file. */
    SortedMap<String, byte[]> filesView() {
        return files;
    }

    /** Whether Helm would load {@code charts/<name>/} as a subchart: it skips names starting with '_' or '.'. */
    static boolean isSubchartDirectoryName(String name) {
        return !name.isEmpty()
                && !name.startsWith("_")
                && !name.startsWith(".")
                && name.indexOf('/') < 0
                && name.indexOf('\\') < 0;
    }

    static String subchartPath(String parentPath, String directoryName) {
        return parentPath + "/" + CHARTS_DIR + directoryName;
    }

    private Chart relocatedTo(String newPath) {
        if (newPath.equals(path)) {
            return this;
        }
        List<Chart> relocated = new ArrayList<>();
        for (Chart subchart : subcharts) {
            relocated.add(subchart.relocatedTo(subchartPath(newPath, subchart.directoryName)));
        }
        return new Chart(
                directoryName,
                newPath,
                files,
                List.copyOf(relocated),
                chartYaml,
                values,
                loadedValues,
                newestEntryTime);
    }

    private static void requirePlainRelativePath(String relativePath) {
        if (relativePath == null
                || relativePath.isEmpty()
                || relativePath.startsWith("/")
                || relativePath.indexOf('\\') >= 0
                || relativePath.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + relativePath + "' is not a relative, '/'-separated chart path.");
        }
        for (String segment : relativePath.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "'" + relativePath + "' is not a plain chart path: it has an empty, '.' or '..' segment.");
            }
        }
    }

    private static String requiredField(Map<String, Object> chartYaml, String field, String path) {
        String value = optionalField(chartYaml, field, path);
        if (value.isBlank()) {
            throw new InvalidChartException("Chart " + path + " has no " + field + " in its Chart.yaml. Add '" + field
                    + ": <" + field + ">' to " + path + "/Chart.yaml; Helm requires it too.");
        }
        return value;
    }

    private static String optionalField(Map<String, Object> chartYaml, String field, String path) {
        Object value = chartYaml.get(field);
        if (value == null) {
            return "";
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new InvalidChartException("Chart " + path + " has a " + field + " in its Chart.yaml that is not a"
                + " plain value: " + SafeYaml.dumpInline(value) + ". Make it a string in " + path + "/Chart.yaml.");
    }

    /**
     * A parsed Chart.yaml or values.yaml.
     *
     * @param asStored the file as loaded when its text is the file's whole content; null when a byte order mark was
     *     dropped first
     */
    private record ParsedFile(Map<String, Object> values, LoadedYaml asStored) {}

    private static ParsedFile parseYaml(byte[] content, String sourceName) {
        boolean byteOrderMark = content.length >= UTF8_BOM.length
                && Arrays.equals(content, 0, UTF8_BOM.length, UTF8_BOM, 0, UTF8_BOM.length);
        // Helm drops a leading byte order mark before parsing; the stored bytes keep it.
        byte[] withoutBom = byteOrderMark ? Arrays.copyOfRange(content, UTF8_BOM.length, content.length) : content;
        LoadedYaml loaded = LoadedYaml.load(decodeUtf8(withoutBom, sourceName), sourceName);
        return new ParsedFile(loaded.values(), byteOrderMark ? null : loaded);
    }

    private static String decodeUtf8(byte[] content, String sourceName) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidChartException(
                    sourceName + " is not valid UTF-8 text. Save it as UTF-8 and package the chart again.", e);
        }
    }

    /** The text as UTF-8, unless it holds a lone surrogate, which UTF-8 cannot carry. */
    private static Optional<byte[]> encodeUtf8(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.empty();
            }
        }
        return Optional.of(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Charts are equal when they sit at the same path with the same directory name and have the same files, byte
     * for byte, and equal subcharts. {@link #newestEntryTime()} is not compared.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Chart)) {
            return false;
        }
        Chart that = (Chart) other;
        if (!directoryName.equals(that.directoryName)
                || !path.equals(that.path)
                || !files.keySet().equals(that.files.keySet())
                || !subcharts.equals(that.subcharts)) {
            return false;
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            if (!Arrays.equals(file.getValue(), that.files.get(file.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = Objects.hash(directoryName, path, subcharts);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            hash = 31 * hash + (file.getKey().hashCode() ^ Arrays.hashCode(file.getValue()));
        }
        return hash;
    }

    @Override
    public String toString() {
        return "Chart[" + name + " " + version + " at " + path + ", " + files.size() + " files, subcharts "
                + subcharts.stream().map(Chart::directoryName).toList() + "]";
    }
}
