package io.falcooffline.core.oci;

import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.io.BulkReads;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Passes a blob's bytes through while hashing them, and at end of data fails with {@link DigestMismatchException}
 * unless exactly {@code size} bytes arrived and they hash to the digest. It never reads past {@code size}: more data
 * is itself a mismatch, so a store that appends bytes is caught without reading the surplus.
 *
 * <p>The check happens when the underlying stream reports end of data, so a consumer that reads to the end (as every
 * copy does) cannot accept corrupted content. {@link #close()} does not verify: closing early is how a caller gives up.
 */
public final class VerifyingInputStream extends FilterInputStream {

    private final Descriptor expected;
    private final String source;
    private final MessageDigest hasher;
    /** Written only by the reading thread; volatile so progress reports may read it from another. */
    private volatile long count;

    private boolean verified;

    /**
     * @param in the raw bytes
     * @param expected the digest and size they must have
     * @param source where they come from, for the error message, e.g. {@code registry 127.0.0.1:5000 repository x}
     */
    public VerifyingInputStream(InputStream in, Descriptor expected, String source) {
        super(Objects.requireNonNull(in, "in"));
        this.expected = Objects.requireNonNull(expected, "expected");
        this.source = source;
        this.hasher = Digests.newMessageDigest(expected.digest());
    }

    /**
     * {@code in} itself when it is already an unread verifier of {@code expected} (a blob copied from another store
     * arrives verified against the same descriptor: hash it once), otherwise a new verifier around it.
     */
    public static VerifyingInputStream of(InputStream in, Descriptor expected, String source) {
        return in instanceof VerifyingInputStream stream && stream.isUnreadVerifierOf(expected)
                ? stream
                : new VerifyingInputStream(in, expected, source);
    }

    @Override
    public int read() throws IOException {
        return BulkReads.read(this);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        if (verified) {
            return -1;
        }
        long remaining = expected.size() - count;
        if (remaining == 0) {
            // Probe for surplus bytes with a one-byte read: the size is part of the content's identity.
            int extra = in.read();
            if (extra >= 0) {
                throw mismatch("more than the expected " + expected.size() + " bytes");
            }
            finish();
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw mismatch("only " + count + " of the expected " + expected.size() + " bytes");
        }
        hasher.update(buffer, offset, n);
        count += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be hashed: read them.
        return BulkReads.skip(this, n);
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), expected.size() - count);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {}

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    /** How many bytes have passed so far: what a progress report shows while the blob moves. */
    public long bytesRead() {
        return count;
    }

    /** Whether this stream checks exactly {@code descriptor} and nothing has been read from it yet. */
    boolean isUnreadVerifierOf(Descriptor descriptor) {
        return count == 0 && !verified && expected.equals(descriptor);
    }

    private void finish() {
        String actual =
                Digests.algorithm(expected.digest()) + ":" + HexFormat.of().formatHex(hasher.digest());
        if (!actual.equals(expected.digest())) {
            throw new DigestMismatchException(
                    expected.digest(),
                    "Blob " + expected.digest() + " from " + source + " is corrupt: its bytes hash to " + actual
                            + advice());
        }
        verified = true;
    }

    /** A bundle on disk does not heal by retrying; a registry or a network path may. */
    private String advice() {
        return source.startsWith("bundle ")
                ? ". The bundle is damaged or was changed after it was written: write it again with"
                        + " falco-offline:package and carry it over again."
                : ". Retry; if it persists, the source store holds damaged content.";
    }

    private DigestMismatchException mismatch(String what) {
        return new DigestMismatchException(
                expected.digest(),
                "Blob " + expected.digest() + " from " + source + " is corrupt: received " + what + advice());
    }
}
