package io.falcooffline.core.oci.registry;

import io.falcooffline.core.oci.Descriptor;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Run in a separate JVM with a small heap by {@link LargeBlobTest}: pushes a generated blob to one repository, then
 * copies it registry-to-registry-style (fetch stream into push) to another.
 */
public final class LargeBlobCopy {

    private LargeBlobCopy() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        long size = Long.parseLong(args[1]);
        Descriptor blob = new Descriptor("application/octet-stream", digestOf(size), size);
        try (RegistryClient client = new RegistryClient(
                RegistryClientOptions.builder(host).plainHttp(true).build())) {
            client.pushBlob("large/source", blob, new GeneratedStream(size));
            try (InputStream source = client.fetchBlob("large/source", blob)) {
                client.pushBlob("large/target", blob, source);
            }
            if (!client.hasBlob("large/target", blob)) {
                throw new AssertionError("copied blob missing");
            }
        }
        System.out.println("copied " + blob.digest() + " (" + size + " bytes) with a heap of at most "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    }

    public static String digestOf(long size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new GeneratedStream(size)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    /** Deterministic, incompressible pseudo-random bytes, generated as read, so no blob is ever held in memory. */
    public static final class GeneratedStream extends InputStream {
        private final SplittableRandom random;
        private long remaining;

        public GeneratedStream(long size) {
            this(42, size);
        }

        /** Streams of different seeds differ, so each makes a distinct blob. */
        public GeneratedStream(long seed, long size) {
            this.random = new SplittableRandom(seed);
            this.remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i += 8) {
                long value = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buffer[offset + i + j] = (byte) (value >>> (8 * j));
                }
            }
            remaining -= n;
            return n;
        }
    }
}
