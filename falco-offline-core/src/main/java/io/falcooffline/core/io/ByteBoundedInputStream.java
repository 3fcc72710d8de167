package io.falcooffline.core.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * Passes a stream through until more than a bound of bytes came, then fails with the caller's exception: a source
 * larger than any the reader accepts is refused as soon as it says so, without being held in memory or on disk.
 */
public final class ByteBoundedInputStream extends FilterInputStream {

    private final long maxBytes;
    private final Supplier<? extends RuntimeException> tooLarge;
    private long count;

    /**
     * @param maxBytes the most bytes read
     * @param tooLarge the exception thrown once more came, naming the source and the fix
     */
    public ByteBoundedInputStream(InputStream in, long maxBytes, Supplier<? extends RuntimeException> tooLarge) {
        super(in);
        this.maxBytes = maxBytes;
        this.tooLarge = tooLarge;
    }

    /** The bytes read so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes count, so the bound holds whatever the caller does: read them.
        return BulkReads.skip(this, n);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void counted(int n) {
        count += n;
        if (count > maxBytes) {
            throw tooLarge.get();
        }
    }
}
