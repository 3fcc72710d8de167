package io.falcooffline.core.oci;

import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest or index, byte for byte as stored: digests of the whole graph depend on these exact bytes, so they are
 * never re-serialised.
 *
 * @param descriptor its media type, digest and size; the digest is the sha256 of {@code bytes}
 * @param bytes the raw bytes (copied in and out: a {@code Manifest} is immutable)
 */
public record Manifest(Descriptor descriptor, byte[] bytes) {

    /** The largest manifest accepted, as in the distribution registry. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    /** Checks that the bytes are the ones the descriptor names. */
    public Manifest {
        Objects.requireNonNull(descriptor, "descriptor");
        bytes = bytes.clone();
        Digests.verify(descriptor, bytes);
    }

    /**
     * Wraps manifest bytes, computing their sha256 digest.
     *
     * @param mediaType the manifest's media type
     * @param bytes its bytes
     * @return the manifest
     */
    public static Manifest of(String mediaType, byte[] bytes) {
        return new Manifest(new Descriptor(mediaType, Digests.sha256(bytes), bytes.length), bytes);
    }

    /** A copy of the raw bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Manifest that && descriptor.equals(that.descriptor) && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return descriptor.hashCode();
    }

    @Override
    public String toString() {
        return "Manifest[" + descriptor + "]";
    }
}
