package io.falcooffline.core.chart;

import io.falcooffline.core.InvalidChartException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads the files of a gzipped chart archive into memory with Helm's safety rules, and stricter ones where Helm is
 * lenient: links, duplicate entries and extra top-level directories are refused rather than guessed at.
 */
final class ChartArchive {

    /** Bytes after the end of the tar data that are read to reach and verify the gzip trailer. */
    static final int MAX_TRAILING_BYTES = 1024 * 1024;

    private static final Pattern DRIVE_PATH = Pattern.compile("^[a-zA-Z]:/");
    private static final int MAX_ARRAY_SIZE = Integer.MAX_VALUE - 8;
    private static final int GZIP_BUFFER_SIZE = 64 * 1024;
    private static final String REPACKAGE_HINT = " Package the chart directory again with `helm package <dir>`.";

    private ChartArchive() {}

    /**
     * The files of one archive.
     *
     * @param topDirectory the single top-level directory, normally the chart name
     * @param files paths relative to the top directory, '/'-separated, cleaned
     */
    record Content(String topDirectory, SortedMap<String, RawFile> files) {}

    /**
     * Reads a whole archive.
     *
     * @param compressed the gzipped tar; closed when done
     * @param archiveName names the archive in messages, e.g. its file path
     * @param budget the decompression budget shared with the rest of the chart
     * @throws InvalidChartException naming the archive and the entry at fault
     */
    static Content read(InputStream compressed, String archiveName, DecompressionBudget budget) {
        InputStream in = compressed.markSupported() ? compressed : new BufferedInputStream(compressed);
        try (in) {
            requireGzip(in, archiveName);
            // The JDK's reader, not commons-compress 1.28's: that one rejects the free-form gzip "extra" field
            // with which Helm marks every archive it packages.
            try (GZIPInputStream gzip = new GZIPInputStream(in, GZIP_BUFFER_SIZE);
                    TarArchiveInputStream tar = new BoundedTarInputStream(gzip, archiveName, budget)) {
                try {
                    return readEntries(tar, gzip, archiveName, budget);
                } catch (InvalidChartException e) {
                    // Damaged compressed data can still inflate to tar headers that look wrong; its checksum tells.
                    requireIntactGzip(gzip, archiveName, e);
                    throw e;
                }
            }
        } catch (InvalidChartException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(archiveName, e, "");
        }
    }

    private static Content readEntries(
            TarArchiveInputStream tar, InputStream gzip, String archiveName, DecompressionBudget budget) {
        String position = "before the first entry";
        try {
            SortedMap<String, RawFile> files = new TreeMap<>();
            String topDirectory = null;
            String topDirectoryEntry = null;
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                position = "at entry " + entry.getName();
                if (entry.isGlobalPaxHeader() || entry.isPaxHeader() || entry.isDirectory()) {
                    position = "after entry " + entry.getName();
                    continue;
                }
                String[] topAndPath = splitEntryName(entry.getName(), archiveName);
                requireRegularFile(entry, archiveName);
                if (topDirectory == null) {
                    topDirectory = topAndPath[0];
                    topDirectoryEntry = entry.getName();
                } else if (!topDirectory.equals(topAndPath[0])) {
                    throw new InvalidChartException("Chart archive " + archiveName
                            + " has more than one top-level directory: '" + topDirectory + "' (entry "
                            + topDirectoryEntry + ") and '" + topAndPath[0] + "' (entry " + entry.getName()
                            + "). A chart archive holds exactly one directory, named after the chart."
                            + REPACKAGE_HINT);
                }
                String path = topAndPath[1];
                if (files.containsKey(path)) {
                    throw new InvalidChartException("Chart archive " + archiveName + " contains entry "
                            + topDirectory + "/" + path + " more than once (last: " + entry.getName()
                            + "). Helm would silently use one copy, so the chart's content is ambiguous."
                            + REPACKAGE_HINT);
                }
                byte[] content = readContent(tar, entry, archiveName, budget);
                files.put(path, new RawFile(content, entry.getLastModifiedTime().toInstant()));
                position = "after entry " + entry.getName();
            }
            position = "after the last entry";
            verifyTrailer(gzip, archiveName);
            if (files.isEmpty()) {
                throw new InvalidChartException("Chart archive " + archiveName + " is empty: no files in chart"
                        + " archive. Pass a chart packaged with `helm package <dir>` or downloaded with"
                        + " `helm pull`.");
            }
            return new Content(topDirectory, files);
        } catch (InvalidChartException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(archiveName, e, ", " + position);
        }
    }

    private static InvalidChartException corrupt(String archiveName, Exception e, String position) {
        return new InvalidChartException(
                "Chart archive " + archiveName + " is truncated or corrupt (" + describe(e) + position
                        + "). Download the chart again with `helm pull` or package it again with"
                        + " `helm package <dir>`.",
                e);
    }

    /**
     * Reads the rest of the gzip stream, at most the bytes a chart may expand to, so that its checksum is checked;
     * a damaged stream is reported as such instead of {@code found}.
     */
    private static void requireIntactGzip(InputStream gzip, String archiveName, InvalidChartException found) {
        byte[] buffer = new byte[64 * 1024];
        long left = ChartReader.MAX_DECOMPRESSED_BYTES + MAX_TRAILING_BYTES;
        try {
            int read;
            while (left > 0 && (read = gzip.read(buffer)) >= 0) {
                left -= read;
            }
        } catch (IOException | RuntimeException e) {
            InvalidChartException corrupt = corrupt(archiveName, e, "");
            corrupt.addSuppressed(found);
            throw corrupt;
        }
    }

    private static void requireGzip(InputStream in, String archiveName) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        if (first == 0x1f && second == 0x8b) {
            return;
        }
        String lowerName = archiveName.toLowerCase(Locale.ROOT);
        if (lowerName.endsWith(".yaml") || lowerName.endsWith(".yml")) {
            throw new InvalidChartException("File " + archiveName + " seems to be a YAML file, but a gzipped chart"
                    + " archive (.tgz) or a chart directory was expected. Pass the chart itself; values files go"
                    + " elsewhere.");
        }
        throw new InvalidChartException("File " + archiveName + " does not appear to be a gzipped archive"
                + (first < 0 ? " (it is empty)" : "") + ". Pass a chart packaged with `helm package <dir>` or"
                + " downloaded with `helm pull` (a .tgz file), or a chart directory.");
    }

    /**
     * Checks an entry name the way Helm does, after turning '\' into '/': returns {top directory, cleaned path
     * below it}.
     */
    private static String[] splitEntryName(String rawName, String archiveName) {
        String name = rawName.replace('\\', '/');
        String entry = " entry " + rawName + ".";
        if (name.startsWith("/")) {
            throw new InvalidChartException("Chart archive " + archiveName + " illegally contains absolute paths:"
                    + entry + " Entry names must be relative to the chart directory." + REPACKAGE_HINT);
        }
        if (DRIVE_PATH.matcher(name).find()) {
            throw new InvalidChartException("Chart archive " + archiveName + " contains illegally named files:" + entry
                    + " A drive letter is not allowed in a chart." + REPACKAGE_HINT);
        }
        List<String> segments = List.of(name.split("/", -1));
        if (segments.contains("..")) {
            throw new InvalidChartException("Chart archive " + archiveName + " illegally references parent"
                    + " directory:" + entry + " Entries must stay inside the chart directory." + REPACKAGE_HINT);
        }
        if (segments.size() == 1) {
            if (name.equals(Chart.CHART_YAML)) {
                throw new InvalidChartException("Chart archive " + archiveName + " has Chart.yaml at the archive"
                        + " root: chart yaml not in base directory. Every file must sit under one directory named"
                        + " after the chart, e.g. falco/Chart.yaml." + REPACKAGE_HINT);
            }
            throw outsideBaseDirectory(archiveName, rawName);
        }
        String topDirectory = segments.get(0);
        if (segments.get(1).isEmpty() && segments.size() > 2) {
            // "falco//etc/passwd": Helm sees "/etc/passwd" below the top directory.
            throw new InvalidChartException("Chart archive " + archiveName + " illegally contains absolute paths:"
                    + entry + " Entry names must be relative to the chart directory." + REPACKAGE_HINT);
        }
        List<String> kept = new ArrayList<>();
        for (String segment : segments.subList(1, segments.size())) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                kept.add(segment);
            }
        }
        if (kept.isEmpty()) {
            throw outsideBaseDirectory(archiveName, rawName);
        }
        if (topDirectory.equals(".")) {
            throw new InvalidChartException("Chart archive " + archiveName + " has entry " + rawName
                    + " whose top-level directory is '.': a chart archive holds one directory named after the"
                    + " chart, e.g. falco/Chart.yaml, not ./falco/Chart.yaml." + REPACKAGE_HINT);
        }
        String path = String.join("/", kept);
        if (DRIVE_PATH.matcher(path).find()) {
            throw new InvalidChartException("Chart archive " + archiveName + " contains illegally named files:" + entry
                    + " A drive letter is not allowed in a chart." + REPACKAGE_HINT);
        }
        return new String[] {topDirectory, path};
    }

    private static InvalidChartException outsideBaseDirectory(String archiveName, String rawName) {
        return new InvalidChartException("Chart archive " + archiveName + " illegally contains content outside the"
                + " base directory: entry " + rawName + ". Every file must sit under one directory named after the"
                + " chart, e.g. falco/values.yaml." + REPACKAGE_HINT);
    }

    private static void requireRegularFile(TarArchiveEntry entry, String archiveName) {
        String chart = "Chart " + archiveName;
        if (entry.isSymbolicLink()) {
            throw new InvalidChartException(chart + " contains a symbolic link " + entry.getName() + " -> "
                    + entry.getLinkName() + "; falco-offline accepts only regular files. Replace the link with a"
                    + " copy of the file and package the chart again.");
        }
        if (entry.isLink()) {
            throw new InvalidChartException(chart + " contains a hard link " + entry.getName() + " -> "
                    + entry.getLinkName() + "; falco-offline accepts only regular files. Replace the link with a"
                    + " copy of the file and package the chart again.");
        }
        byte type = entry.getLinkFlag();
        if (type != TarConstants.LF_NORMAL && type != TarConstants.LF_OLDNORM && type != TarConstants.LF_CONTIG) {
            throw new InvalidChartException(chart + " contains " + entry.getName() + ", which is a "
                    + describeType(entry) + ", not a regular file; falco-offline accepts only regular files."
                    + REPACKAGE_HINT);
        }
    }

    private static String describeType(TarArchiveEntry entry) {
        if (entry.isCharacterDevice()) {
            return "character device";
        }
        if (entry.isBlockDevice()) {
            return "block device";
        }
        if (entry.isFIFO()) {
            return "named pipe";
        }
        if (entry.isSparse()) {
            return "sparse file";
        }
        return "tar entry of type '" + (char) entry.getLinkFlag() + "'";
    }

    private static byte[] readContent(
            TarArchiveInputStream tar, TarArchiveEntry entry, String archiveName, DecompressionBudget budget)
            throws IOException {
        String where = "Chart archive " + archiveName + ", entry " + entry.getName();
        long declared = entry.getSize();
        budget.requireRoomFor(declared, where);
        if (declared > MAX_ARRAY_SIZE) {
            throw budget.tooLarge(where);
        }
        byte[] content = new byte[(int) declared];
        int read = tar.readNBytes(content, 0, content.length);
        budget.consume(read, where);
        if (read < declared) {
            throw new InvalidChartException("Chart archive " + archiveName + " is truncated: entry "
                    + entry.getName() + " holds " + read + " bytes but its header says " + declared + "."
                    + " Download the chart again with `helm pull` or package it again with `helm package <dir>`.");
        }
        return content;
    }

    /** Reads to the end of the gzip stream, so that its checksum and length are verified. */
    private static void verifyTrailer(InputStream gzip, String archiveName) throws IOException {
        byte[] buffer = new byte[8192];
        long trailing = 0;
        int read;
        while ((read = gzip.read(buffer)) >= 0) {
            trailing += read;
            if (trailing > MAX_TRAILING_BYTES) {
                throw new InvalidChartException("Chart archive " + archiveName + " has more than "
                        + MAX_TRAILING_BYTES + " bytes of data after the end of its tar content. A chart archive"
                        + " ends with its last file." + REPACKAGE_HINT);
            }
        }
    }

    private static String describe(Exception e) {
        if (e instanceof EOFException) {
            return "unexpected end of data";
        }
        String message = e.getMessage();
        return message == null || message.isBlank()
                ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse(message);
    }

    static Instant newer(Instant current, Instant candidate) {
        if (candidate == null) {
            return current;
        }
        return current == null || candidate.isAfter(current) ? candidate : current;
    }
}
