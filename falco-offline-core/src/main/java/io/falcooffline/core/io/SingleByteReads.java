package io.falcooffline.core.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@link InputStream#read()} for the project's streams, whose checks (digests, lengths, resumes, ordering) all live in
 * their bulk {@code read(byte[], int, int)}: reading one byte goes through that same path, so no check is skipped.
 */
public final class SingleByteReads {

    private SingleByteReads() {}

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
}
