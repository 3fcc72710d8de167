package io.falcooffline.core.oci;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * A store that can deliver a blob as several byte ranges fetched at the same time (HTTP {@code Range} requests), so a
 * large blob is not limited to what one connection carries.
 */
public interface RangedBlobSource {

    /**
     * Writes a blob's bytes into {@code sink} at their own offsets, fetching its ranges through {@code parallel}.
     * Each range's position and length are checked, and a range whose connection breaks resumes from the byte it
     * reached; the bytes are <em>not</em> checked against the digest here: the caller hashes the whole file before it
     * commits anything. When the source answers the first range with the whole blob (it ignores {@code Range}), the
     * blob is written from that one answer and {@link #rangesPayOff()} turns false.
     *
     * @param repository the repository
     * @param blob the blob
     * @param sink takes the bytes at their offsets, from several threads at once
     * @param parallel runs the range fetches, as many at a time as the caller allows
     * @return how many requests carried the blob: 1 when it came whole
     * @throws io.falcooffline.core.FalcoOfflineException when a range fails for good
     */
    int fetchBlobInto(String repository, Descriptor blob, Sink sink, ParallelWork parallel);

    /**
     * Whether ranged fetches are worth trying: the source is far enough that one connection carries less than the
     * link (it answers no request quicker than a wide-area round trip), and it has not answered a range with the
     * whole blob.
     */
    boolean rangesPayOff();

    /** Takes a blob's bytes at their offsets; called from several threads at once, for disjoint ranges. */
    @FunctionalInterface
    interface Sink {
        /** Writes {@code length} bytes of {@code buffer} at {@code position} of the blob. */
        void write(byte[] buffer, int length, long position) throws IOException;

        /** Writes into a file, telling {@code arrived} of each chunk. */
        static Sink into(FileChannel file, LongConsumer arrived) {
            return (buffer, length, position) -> {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
                long at = position;
                while (bytes.hasRemaining()) {
                    at += file.write(bytes, at);
                }
                arrived.accept(length);
            };
        }
    }
}
