package io.falcooffline.core.chart;

import io.falcooffline.core.InvalidChartException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar reader that bounds what a header may make it read before the entry it describes: GNU long names and long
 * link names and PAX records are refused when larger than {@link #MAX_HEADER_DATA_BYTES} (Go's archive/tar, which
 * Helm uses, has the same limit), and the bytes read for them count toward the chart's decompression budget. Entries,
 * headers included, are counted too: a stream of empty files costs no budget bytes but still memory.
 */
final class BoundedTarInputStream extends TarArchiveInputStream {

    /** The most bytes of one GNU long name, long link name or PAX header (1 MiB, as in Go's archive/tar). */
    static final int MAX_HEADER_DATA_BYTES = 1024 * 1024;

    /** The most bytes of an entry name or link name once headers are applied (Linux's PATH_MAX). */
    static final int MAX_NAME_BYTES = 4096;

    /** The most entries (files, directories and headers) of one chart with all its nested archives. */
    static final int MAX_ENTRIES = 10_000;

    private final String archiveName;
    private final DecompressionBudget budget;
    private TarArchiveEntry headerEntry;
    private long headerBytesRead;

    BoundedTarInputStream(InputStream tar, String archiveName, DecompressionBudget budget) {
        super(tar, StandardCharsets.UTF_8.name());
        this.archiveName = archiveName;
        this.budget = budget;
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        TarArchiveEntry entry = super.getNextEntry();
        if (entry != null) {
            budget.countEntry(MAX_ENTRIES, "Chart archive " + archiveName);
            requireShortName(entry.getName(), "name");
            requireShortName(entry.getLinkName(), "link name");
        }
        return entry;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        TarArchiveEntry current = getCurrentEntry();
        if (current == null || !isHeaderData(current)) {
            return super.read(buffer, offset, length);
        }
        String where = "Chart archive " + archiveName + ", " + describe(current);
        if (current != headerEntry) {
            headerEntry = current;
            headerBytesRead = 0;
            if (current.getSize() > MAX_HEADER_DATA_BYTES) {
                throw headerTooLarge(where, current.getSize());
            }
            budget.requireRoomFor(current.getSize(), where);
        }
        int read = super.read(buffer, offset, length);
        if (read > 0) {
            headerBytesRead += read;
            if (headerBytesRead > MAX_HEADER_DATA_BYTES) {
                throw headerTooLarge(where, headerBytesRead);
            }
            budget.consume(read, where);
        }
        return read;
    }

    private static boolean isHeaderData(TarArchiveEntry entry) {
        return entry.isPaxHeader()
                || entry.isGlobalPaxHeader()
                || entry.isGNULongNameEntry()
                || entry.isGNULongLinkEntry();
    }

    private static String describe(TarArchiveEntry entry) {
        if (entry.isGNULongNameEntry()) {
            return "a GNU long name header";
        }
        if (entry.isGNULongLinkEntry()) {
            return "a GNU long link name header";
        }
        return entry.isGlobalPaxHeader() ? "a PAX global header" : "a PAX header";
    }

    private InvalidChartException headerTooLarge(String where, long size) {
        return new InvalidChartException(where + " holds at least " + size + " bytes, more than the "
                + MAX_HEADER_DATA_BYTES + " a tar header may have; no chart needs that. Check that this is the chart"
                + " you meant and package it again with `helm package <dir>`.");
    }

    private void requireShortName(String name, String what) {
        int bytes = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new InvalidChartException("Chart archive " + archiveName + " has an entry whose " + what + " is "
                    + bytes + " bytes long, more than the " + MAX_NAME_BYTES + " a path may have (it begins "
                    + io.falcooffline.core.io.SafeText.quote(name.substring(0, 60)) + "). Shorten it and package the"
                    + " chart again with `helm package <dir>`.");
        }
    }
}
