package io.falcooffline.core.chart;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidChartException;
import io.falcooffline.core.InvalidYamlException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a chart, from a packaged {@code .tgz} or a chart directory, into a {@link Chart} with its subcharts.
 *
 * <p>Subcharts are the directories under {@code charts/} (what {@code helm package} writes) and the {@code .tgz}
 * files there, read recursively; a nested archive becomes a subchart in directory form. Everything read, nested
 * archives included, shares one budget of decompressed bytes ({@link #MAX_DECOMPRESSED_BYTES} by default, Helm's
 * limit), counted from the bytes actually read.
 *
 * <p>Refused with an {@link InvalidChartException} naming the archive and entry: data that is not gzip, truncated
 * or corrupt archives, empty archives, a missing Chart.yaml, Chart.yaml outside the chart directory, more than one
 * top-level directory, absolute, parent-relative or drive-letter entry names, symbolic and hard links, devices,
 * duplicate entries, charts over the budget, and Chart.yaml names that are not plain directory names. A chart
 * directory's {@code .helmignore} is honoured as Helm honours it; an archive is taken as it is, like Helm does.
 */
public final class ChartReader {

    /** Helm's limit on the decompressed size of a chart: 100 MiB. */
    public static final long MAX_DECOMPRESSED_BYTES = 100L * 1024 * 1024;

    private final long maxDecompressedBytes;

    /** A reader with Helm's limit of {@link #MAX_DECOMPRESSED_BYTES}. */
    public ChartReader() {
        this(MAX_DECOMPRESSED_BYTES);
    }

    /**
     * A reader with its own limit.
     *
     * @param maxDecompressedBytes most bytes a chart with all its subcharts may expand to
     */
    public ChartReader(long maxDecompressedBytes) {
        if (maxDecompressedBytes <= 0) {
            throw new IllegalArgumentException("maxDecompressedBytes must be positive, was " + maxDecompressedBytes);
        }
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /**
     * Reads a chart.
     *
     * @param tgzOrDirectory a packaged chart ({@code .tgz}) or a chart directory
     * @throws InvalidChartException when the chart cannot be read safely; the message names the archive or
     *     directory, the entry, and what is expected
     * @throws InvalidYamlException when Chart.yaml or values.yaml is not valid YAML
     */
    public Chart read(Path tgzOrDirectory) {
        DecompressionBudget budget = new DecompressionBudget(maxDecompressedBytes);
        if (Files.isDirectory(tgzOrDirectory)) {
            return readDirectory(tgzOrDirectory, budget);
        }
        if (!Files.exists(tgzOrDirectory)) {
            throw new InvalidChartException("Chart " + tgzOrDirectory + " does not exist. Pass the path of a"
                    + " packaged chart (.tgz) or of a chart directory.");
        }
        if (!Files.isRegularFile(tgzOrDirectory)) {
            throw new InvalidChartException("Chart " + tgzOrDirectory + " is neither a regular file nor a"
                    + " directory. Pass the path of a packaged chart (.tgz) or of a chart directory.");
        }
        String archiveName = tgzOrDirectory.toString();
        try {
            return readArchive(Files.newInputStream(tgzOrDirectory), archiveName, budget);
        } catch (IOException e) {
            throw new InvalidChartException(
                    "Chart archive " + archiveName + " cannot be read: " + e.getMessage()
                            + ". Check that the file exists and is readable.",
                    e);
        }
    }

    /**
     * Reads a packaged chart already in memory, with the same checks as {@link #read(Path)}.
     *
     * @param archiveName names the archive in messages, e.g. its path
     * @throws InvalidChartException when the chart cannot be read safely
     * @throws InvalidYamlException when Chart.yaml or values.yaml is not valid YAML
     */
    public Chart readArchive(byte[] archive, String archiveName) {
        return readArchive(
                new ByteArrayInputStream(archive), archiveName, new DecompressionBudget(maxDecompressedBytes));
    }

    private Chart readArchive(InputStream archive, String archiveName, DecompressionBudget budget) {
        ChartArchive.Content content = ChartArchive.read(archive, archiveName, budget);
        String top = content.topDirectory();
        return assemble(top, top, archiveName, top + "/", content.files(), budget);
    }

    /**
     * Turns a flat file map into a chart and its subcharts.
     *
     * @param sourceName the archive or directory, for messages
     * @param entryPrefix what precedes these files' paths in {@code sourceName}, for messages
     */
    private Chart assemble(
            String directoryName,
            String chartPath,
            String sourceName,
            String entryPrefix,
            SortedMap<String, RawFile> files,
            DecompressionBudget budget) {
        Map<String, byte[]> ownFiles = new TreeMap<>();
        Map<String, SortedMap<String, RawFile>> subchartDirectories = new TreeMap<>();
        Map<String, RawFile> nestedArchives = new TreeMap<>();
        Instant newest = null;
        for (Map.Entry<String, RawFile> file : files.entrySet()) {
            String path = file.getKey();
            newest = ChartArchive.newer(newest, file.getValue().modified());
            if (!path.startsWith(Chart.CHARTS_DIR)) {
                ownFiles.put(path, file.getValue().content());
                continue;
            }
            String belowCharts = path.substring(Chart.CHARTS_DIR.length());
            int slash = belowCharts.indexOf('/');
            String first = slash < 0 ? belowCharts : belowCharts.substring(0, slash);
            if (!Chart.isSubchartDirectoryName(first)) {
                // Helm skips charts/_* and charts/.*; they stay plain files of this chart.
                ownFiles.put(path, file.getValue().content());
            } else if (slash >= 0) {
                subchartDirectories
                        .computeIfAbsent(first, directory -> new TreeMap<>())
                        .put(belowCharts.substring(slash + 1), file.getValue());
            } else if (first.endsWith(".tgz")) {
                nestedArchives.put(path, file.getValue());
            } else {
                // A .prov signature or another plain file beside the subcharts.
                ownFiles.put(path, file.getValue().content());
            }
        }

        Map<String, String> subchartOrigins = new LinkedHashMap<>();
        List<Chart> subcharts = new ArrayList<>();
        for (Map.Entry<String, SortedMap<String, RawFile>> directory : subchartDirectories.entrySet()) {
            String subchartDirectory = directory.getKey();
            subchartOrigins.put(subchartDirectory, entryPrefix + Chart.CHARTS_DIR + subchartDirectory + "/");
            subcharts.add(assemble(
                    subchartDirectory,
                    Chart.subchartPath(chartPath, subchartDirectory),
                    sourceName,
                    entryPrefix + Chart.CHARTS_DIR + subchartDirectory + "/",
                    directory.getValue(),
                    budget));
        }
        for (Map.Entry<String, RawFile> nested : nestedArchives.entrySet()) {
            String nestedName = sourceName + "!/" + entryPrefix + nested.getKey();
            ChartArchive.Content content =
                    ChartArchive.read(new ByteArrayInputStream(nested.getValue().content()), nestedName, budget);
            String subchartDirectory = content.topDirectory();
            if (!Chart.isSubchartDirectoryName(subchartDirectory)) {
                throw new InvalidChartException("Chart archive " + nestedName + " has top-level directory '"
                        + subchartDirectory + "', which cannot be a subchart directory: Helm skips names starting"
                        + " with '_' or '.'. Package the subchart again with `helm package <dir>`.");
            }
            String previous = subchartOrigins.put(subchartDirectory, entryPrefix + nested.getKey());
            if (previous != null) {
                throw new InvalidChartException("Chart " + sourceName + " has two subcharts for directory charts/"
                        + subchartDirectory + " of chart " + chartPath + ": " + previous + " and " + entryPrefix
                        + nested.getKey() + ". Keep only one of them in " + chartPath + "/charts/.");
            }
            subcharts.add(assemble(
                    subchartDirectory,
                    Chart.subchartPath(chartPath, subchartDirectory),
                    nestedName,
                    subchartDirectory + "/",
                    content.files(),
                    budget));
        }
        for (Chart subchart : subcharts) {
            newest = ChartArchive.newer(newest, subchart.newestEntryTime().orElse(null));
        }

        try {
            return Chart.of(directoryName, chartPath, ownFiles, subcharts, Optional.ofNullable(newest));
        } catch (InvalidYamlException e) {
            throw new InvalidYamlException(sourceName + ": " + e.getMessage(), e);
        } catch (FalcoOfflineException e) {
            throw new InvalidChartException(sourceName + ": " + e.getMessage(), e);
        }
    }

    private Chart readDirectory(Path directory, DecompressionBudget budget) {
        String sourceName = directory.toString();
        Path root = directory.toAbsolutePath().normalize();
        HelmIgnore ignore = readHelmIgnore(root, sourceName);
        SortedMap<String, RawFile> files = new TreeMap<>();
        try {
            Files.walkFileTree(
                    root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                            String relative = relativePath(root, dir);
                            if (!relative.isEmpty() && ignore.ignores(relative, true)) {
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                            String relative = relativePath(root, file);
                            if (ignore.ignores(relative, attributes.isDirectory())) {
                                return FileVisitResult.CONTINUE;
                            }
                            requireRegularFile(file, attributes, sourceName, relative);
                            files.put(
                                    relative,
                                    new RawFile(
                                            readFile(file, attributes, sourceName, relative, budget),
                                            attributes.lastModifiedTime().toInstant()));
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            throw e;
                        }
                    });
        } catch (IOException e) {
            throw new InvalidChartException(
                    "Chart directory " + sourceName + " cannot be read: " + e
                            + ". Check that the directory and its files are readable.",
                    e);
        }
        Path fileName = root.getFileName();
        String directoryName = fileName == null ? "chart" : fileName.toString();
        return assemble(directoryName, directoryName, sourceName, "", files, budget);
    }

    private HelmIgnore readHelmIgnore(Path root, String sourceName) {
        Path ignoreFile = root.resolve(HelmIgnore.FILE_NAME);
        if (!Files.exists(ignoreFile, LinkOption.NOFOLLOW_LINKS)) {
            return HelmIgnore.defaults();
        }
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(ignoreFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            requireRegularFile(ignoreFile, attributes, sourceName, HelmIgnore.FILE_NAME);
            // Counted once, when the walk reads it as a chart file; this read is bounded by the same limit.
            DecompressionBudget probe = new DecompressionBudget(maxDecompressedBytes);
            byte[] content = readFile(ignoreFile, attributes, sourceName, HelmIgnore.FILE_NAME, probe);
            return HelmIgnore.parse(
                    new String(content, StandardCharsets.UTF_8), sourceName + "/" + HelmIgnore.FILE_NAME);
        } catch (IOException e) {
            throw new InvalidChartException(
                    "Chart directory " + sourceName + ": " + HelmIgnore.FILE_NAME + " cannot be read: " + e + ".", e);
        }
    }

    private static void requireRegularFile(
            Path file, BasicFileAttributes attributes, String sourceName, String relative) throws IOException {
        if (attributes.isSymbolicLink()) {
            throw new InvalidChartException("Chart " + sourceName + " contains a symbolic link " + relative + " -> "
                    + Files.readSymbolicLink(file) + "; falco-offline accepts only regular files. Replace the link"
                    + " with a copy of the file, or list it in .helmignore.");
        }
        if (!attributes.isRegularFile()) {
            throw new InvalidChartException("Chart " + sourceName + " contains " + relative + ", which is not a"
                    + " regular file (a device, socket or pipe); falco-offline accepts only regular files. Remove"
                    + " it, or list it in .helmignore.");
        }
        if (relative.indexOf('\\') >= 0) {
            throw new InvalidChartException("Chart " + sourceName + " contains " + relative + ", whose name has a"
                    + " backslash; Helm reads a backslash as a directory separator. Rename the file.");
        }
    }

    private static byte[] readFile(
            Path file, BasicFileAttributes attributes, String sourceName, String relative, DecompressionBudget budget)
            throws IOException {
        String where = "Chart directory " + sourceName + ", file " + relative;
        budget.requireRoomFor(attributes.size(), where);
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            // One byte over the remaining budget is enough to tell that a file grew past it.
            long limit = Math.min(budget.remaining() + 1, Integer.MAX_VALUE - 8L);
            byte[] content = in.readNBytes((int) limit);
            budget.consume(content.length, where);
            return content;
        }
    }

    private static String relativePath(Path root, Path path) {
        List<String> names = new ArrayList<>();
        for (Path name : root.relativize(path)) {
            names.add(name.toString());
        }
        return String.join("/", names);
    }
}
