package io.falcooffline.core.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@link InputStream#read()} and {@link InputStream#skip} for the project's streams, whose checks (digests, lengths,
 * bounds, resumes, ordering) all live in their bulk {@code read(byte[], int, int)}: reading one byte or skipping bytes
 * goes through that same path, so no byte escapes a check.
 */
public final class BulkReads {

    private BulkReads() {}

    /**
     * One byte of {@code stream}, read through its bulk read.
     *
     * @return the byte as 0 to 255, or -1 at the end of the stream
     */
    public static int read(InputStream stream) throws IOException {
        byte[] one = new byte[1];
        int n = stream.read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * Skips up to {@code n} bytes of {@code stream} by reading them through its bulk read.
     *
     * @return the bytes skipped, fewer than {@code n} only at the end of the stream
     */
    public static long skip(InputStream stream, long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int read = stream.read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }
}
