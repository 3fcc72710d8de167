package io.falcooffline.core.chart;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Packs a {@link Chart} into a reproducible Helm chart archive: the same chart and timestamp give the same bytes on
 * any machine, whatever its clock, time zone, locale, user or umask.
 *
 * <p>The archive has one top-level directory named after the chart; subcharts are directories
 * {@code charts/<directoryName>/}. Entries are files only, sorted by path, each with mode 0644, owner and group 0
 * without names, and the one given modification time in whole seconds. Names of 100 bytes or more, and non-ASCII
 * names, get a POSIX (PAX) extended header; there is no global header. The gzip header has modification time 0, no
 * file name and OS "unknown"; the compression level is fixed.
 */
public final class ChartWriter {

    /**
     * The deflate level; fixed, because the compressed bytes depend on it. The fastest: compressing is most of the
     * time a package run takes, and the higher levels save a fifth of a chart that is a few hundred KiB at most.
     */
    static final int COMPRESSION_LEVEL = Deflater.BEST_SPEED;

    /** The largest modification time a ustar header holds without an extension: 11 octal digits of seconds. */
    static final long MAX_MTIME_SECONDS = 077777777777L;

    /** Helm writes 0644 without file-type bits; the entry type says "regular file". */
    static final int FILE_MODE = 0644;

    private static final int GZIP_OS_UNKNOWN = 255;

    /**
     * Writes the archive to a file atomically: into a temporary file beside the target, synced, then moved into
     * place. On failure the target is untouched (absent, or the previous file) and no temporary file remains.
     * Missing parent directories are created.
     *
     * @param mtime the modification time of every entry; sub-second parts are dropped
     * @throws IllegalArgumentException when {@code mtime} is before 1970 or beyond what a tar header holds
     * @throws FalcoOfflineException when the file cannot be written, naming it
     */
    public void write(Chart chart, Path targetTgz, Instant mtime) {
        Objects.requireNonNull(chart, "chart");
        long seconds = entrySeconds(mtime);
        AtomicFiles.write(targetTgz, "chart archive", out -> writeTo(chart, out, seconds));
    }

    /**
     * The archive as bytes.
     *
     * @param mtime the modification time of every entry; sub-second parts are dropped
     * @throws IllegalArgumentException when {@code mtime} is before 1970 or beyond what a tar header holds
     */
    public byte[] toBytes(Chart chart, Instant mtime) {
        Objects.requireNonNull(chart, "chart");
        long seconds = entrySeconds(mtime);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(chart, out, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static long entrySeconds(Instant mtime) {
        Objects.requireNonNull(mtime, "mtime");
        long seconds = mtime.getEpochSecond();
        if (seconds < 0 || seconds > MAX_MTIME_SECONDS) {
            throw new IllegalArgumentException("The archive timestamp " + mtime + " is outside what a tar header"
                    + " holds (1970-01-01T00:00:00Z to " + Instant.ofEpochSecond(MAX_MTIME_SECONDS) + ").");
        }
        return seconds;
    }

    private static void writeTo(Chart chart, OutputStream out, long seconds) throws IOException {
        SortedMap<String, byte[]> entries = new TreeMap<>();
        collectEntries(chart, chart.name() + "/", entries);
        GzipParameters gzipParameters = new GzipParameters();
        gzipParameters.setCompressionLevel(COMPRESSION_LEVEL);
        gzipParameters.setModificationTime(0);
        gzipParameters.setOperatingSystem(GZIP_OS_UNKNOWN);
        FileTime entryTime = FileTime.from(Instant.ofEpochSecond(seconds));
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(new NonClosing(out), gzipParameters);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (Map.Entry<String, byte[]> file : entries.entrySet()) {
                TarArchiveEntry entry = new LinearHeaderEntry(file.getKey());
                entry.setMode(FILE_MODE);
                entry.setUserId(0);
                entry.setGroupId(0);
                entry.setUserName("");
                entry.setGroupName("");
                entry.setLastModifiedTime(entryTime);
                entry.setSize(file.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        out.flush();
    }

    private static void collectEntries(Chart chart, String prefix, SortedMap<String, byte[]> entries) {
        for (Map.Entry<String, byte[]> file : chart.filesView().entrySet()) {
            putUnique(entries, prefix + file.getKey(), file.getValue());
        }
        for (Chart subchart : chart.subcharts()) {
            collectEntries(subchart, prefix + Chart.CHARTS_DIR + subchart.directoryName() + "/", entries);
        }
    }

    private static void putUnique(SortedMap<String, byte[]> entries, String name, byte[] content) {
        if (entries.put(name, content) != null) {
            throw new IllegalStateException("two files of the chart map to archive entry " + name);
        }
    }

    /**
     * An entry whose ustar header is written in time linear in its name. For a name too long for the header's
     * 100-byte field (it also goes into a PAX header), commons-compress tries ever shorter prefixes of the whole name,
     * encoding each, which takes the square of the name's length; no prefix longer than the field can fit, since
     * every character takes at least a byte, so it is handed that prefix and writes the same bytes.
     */
    static final class LinearHeaderEntry extends TarArchiveEntry {
        LinearHeaderEntry(String name) {
            super(name);
        }

        @Override
        public void writeEntryHeader(byte[] header, ZipEncoding encoding, boolean starMode) throws IOException {
            String fullName = getName();
            if (fullName.length() <= TarConstants.NAMELEN) {
                super.writeEntryHeader(header, encoding, starMode);
                return;
            }
            setName(fullName.substring(0, TarConstants.NAMELEN));
            try {
                super.writeEntryHeader(header, encoding, starMode);
            } finally {
                setName(fullName);
            }
        }
    }

    /** Lets the archive streams finish without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
