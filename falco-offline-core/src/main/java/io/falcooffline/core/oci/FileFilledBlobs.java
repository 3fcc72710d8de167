package io.falcooffline.core.oci;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A store that can take a blob written into a file of its own by offset (for example by parallel range requests)
 * and commits it only after the whole file hashes to the blob's digest and has its size.
 */
public interface FileFilledBlobs {

    /**
     * Stores a blob whose bytes {@code filler} writes into a fresh file of the store's, then verifies the whole file
     * against {@code blob} and commits it; on any failure nothing is committed and the file is removed.
     *
     * @param blob the blob's descriptor
     * @param filler writes the bytes at their offsets
     * @throws io.falcooffline.core.DigestMismatchException when the file does not match {@code blob}
     */
    void pushBlobFilled(Descriptor blob, Filler filler);

    /** Writes a blob's bytes into a file. */
    @FunctionalInterface
    interface Filler {
        /** Writes the bytes into {@code file}, which is empty and open for reading and writing. */
        void fill(FileChannel file) throws IOException;
    }
}
