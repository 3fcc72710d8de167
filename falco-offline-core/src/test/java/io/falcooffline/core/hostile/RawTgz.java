package io.falcooffline.core.hostile;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes tar.gz streams header by header, so that a test can declare any size and type and stream large hostile
 * fields without holding them in memory.
 */
final class RawTgz implements AutoCloseable {

    private static final int BLOCK = 512;

    private final OutputStream out;

    private RawTgz(OutputStream out) {
        this.out = out;
    }

    /** A gzip stream at the fastest level, or stored blocks with {@code level} 0 (corruption then stays local). */
    static RawTgz create(Path file, int level) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        return new RawTgz(new GZIPOutputStream(raw, 1 << 16) {
            {
                def.setLevel(level);
            }
        });
    }

    static RawTgz create(Path file) throws IOException {
        return create(file, Deflater.BEST_SPEED);
    }

    /** A regular file with content. */
    RawTgz file(String name, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        entry(name, bytes.length, '0');
        out.write(bytes);
        pad(bytes.length);
        return this;
    }

    /** A header of any type declaring {@code size}, followed by {@code size} repeats of {@code filler}. */
    RawTgz special(String name, char type, long size, byte filler) throws IOException {
        entry(name, size, type);
        byte[] chunk = new byte[1 << 16];
        java.util.Arrays.fill(chunk, filler);
        long left = size;
        while (left > 0) {
            int length = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, length);
            left -= length;
        }
        pad(size);
        return this;
    }

    /** A header declaring {@code size} but followed by only {@code present} bytes: the stream ends there. */
    RawTgz truncated(String name, char type, long size, int present) throws IOException {
        entry(name, size, type);
        out.write(new byte[present]);
        return this;
    }

    /** A PAX extended header ('x') carrying one record {@code key=value} of {@code valueLength} times 'a'. */
    RawTgz paxRecord(String key, long valueLength) throws IOException {
        long withoutLength = 1 + key.length() + 1 + valueLength + 1;
        long length = withoutLength + Long.toString(withoutLength).length();
        if (Long.toString(length).length() != Long.toString(withoutLength).length()) {
            length++;
        }
        entry("PaxHeaders/x", length, 'x');
        out.write((length + " " + key + "=").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[1 << 16];
        java.util.Arrays.fill(chunk, (byte) 'a');
        long left = valueLength;
        while (left > 0) {
            int part = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, part);
            left -= part;
        }
        out.write('\n');
        pad(length);
        return this;
    }

    /** One ustar header; sizes beyond 11 octal digits use the base-256 form. */
    RawTgz entry(String name, long size, char type) throws IOException {
        out.write(header(name, size, type));
        return this;
    }

    static byte[] header(String name, long size, char type) {
        byte[] header = new byte[BLOCK];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nameBytes, 0, header, 0, Math.min(nameBytes.length, 100));
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        if (size < 077777777777L) {
            octal(header, 124, 12, size);
        } else {
            header[124] = (byte) 0x80;
            for (int i = 135; i > 124; i--) {
                header[i] = (byte) (size & 0xff);
                size >>>= 8;
            }
        }
        octal(header, 136, 12, 1_700_000_000L);
        header[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
        header[263] = '0';
        header[264] = '0';
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        header[155] = ' ';
        return header;
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, length - 1);
        header[offset + length - 1] = 0;
    }

    private void pad(long size) throws IOException {
        int remainder = (int) (size % BLOCK);
        if (remainder != 0) {
            out.write(new byte[BLOCK - remainder]);
        }
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.close();
    }

    /** The bytes of a small archive, for cases that edit them. */
    static byte[] tarOf(String... namesAndContents) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndContents.length; i += 2) {
            byte[] content = namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
            tar.writeBytes(header(namesAndContents[i], content.length, '0'));
            tar.writeBytes(content);
            tar.writeBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
        }
        tar.writeBytes(new byte[2 * BLOCK]);
        return tar.toByteArray();
    }
}
