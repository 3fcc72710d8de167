package io.falcooffline.core.chart;

import io.falcooffline.core.InvalidChartException;

/**
 * The bytes one chart read may still expand to, shared by the chart, its subcharts and nested archives, so that a
 * small archive cannot exhaust memory (CVE-2025-32386 in Helm).
 */
final class DecompressionBudget {

    private final long maximum;
    private long remaining;
    private int entries;

    DecompressionBudget(long maximum) {
        this.maximum = maximum;
        this.remaining = maximum;
    }

    long remaining() {
        return remaining;
    }

    /**
     * Fails before reading an entry that cannot fit.
     *
     * @param declaredSize the size the archive header or file system claims
     * @param where names the archive or directory and the entry, for the message
     */
    void requireRoomFor(long declaredSize, String where) {
        if (declaredSize > remaining) {
            throw tooLarge(where);
        }
    }

    /** Records bytes actually read. */
    void consume(long bytesRead, String where) {
        if (bytesRead > remaining) {
            remaining = 0;
            throw tooLarge(where);
        }
        remaining -= bytesRead;
    }

    /**
     * Counts one archive entry or directory file, failing past {@code maximumEntries}.
     *
     * @param where names the archive or directory, for the message
     */
    void countEntry(int maximumEntries, String where) {
        entries++;
        if (entries > maximumEntries) {
            throw new InvalidChartException(where + " has more than " + maximumEntries + " entries with its subcharts;"
                    + " falco-offline refuses charts with more, to bound the memory a chart takes. Check that this is"
                    + " the chart you meant, and remove files it does not need.");
        }
    }

    InvalidChartException tooLarge(String where) {
        return new InvalidChartException(where + ": decompressed chart is larger than the maximum size " + maximum
                + " bytes. falco-offline, like Helm, refuses charts that expand to more than that, to protect against"
                + " decompression bombs; check that this is the chart you meant, and remove large files it does not"
                + " need.");
    }
}
