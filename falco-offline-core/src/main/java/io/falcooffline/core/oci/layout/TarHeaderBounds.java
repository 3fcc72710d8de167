package io.falcooffline.core.oci.layout;

import io.falcooffline.core.FalcoOfflineException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Walks the headers of a bundle archive before the tar reader does, refusing header data (GNU long names and link
 * names, PAX headers) larger than {@link #MAX_HEADER_DATA_BYTES}: the reader would hold it in memory, and a bundle
 * carried across the air gap is input like any other. Only headers are read; file data is skipped by seeking.
 */
final class TarHeaderBounds {

    /** The most bytes of one GNU long name, long link name or PAX header, as for charts. */
    static final int MAX_HEADER_DATA_BYTES = 1024 * 1024;

    private static final int BLOCK = 512;

    private TarHeaderBounds() {}

    static void check(Path archive) throws IOException {
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
            long end = channel.size();
            long position = 0;
            long paxSize = -1;
            byte[] header = new byte[BLOCK];
            while (position + BLOCK <= end) {
                readFully(channel, ByteBuffer.wrap(header), position);
                if (isZero(header)) {
                    return;
                }
                char type = (char) header[156];
                long size = paxSize >= 0 ? paxSize : size(header);
                paxSize = -1;
                if (size < 0) {
                    throw refused(archive, "an entry at byte " + position + " has a malformed size field");
                }
                if (type == 'S') {
                    throw refused(archive, "an entry at byte " + position + " is a GNU sparse file");
                }
                boolean headerData = type == 'x' || type == 'g' || type == 'L' || type == 'K' || type == 'X';
                if (headerData && size > MAX_HEADER_DATA_BYTES) {
                    throw refused(
                            archive,
                            "a tar header at byte " + position + " holds " + size + " bytes, more than the "
                                    + MAX_HEADER_DATA_BYTES + " a header may have");
                }
                if (type == 'x' || type == 'X') {
                    byte[] records = new byte[(int) size];
                    readFully(channel, ByteBuffer.wrap(records), position + BLOCK);
                    paxSize = paxSize(new String(records, StandardCharsets.UTF_8));
                }
                position += BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
            }
        }
    }

    private static long size(byte[] header) {
        if ((header[124] & 0x80) != 0) {
            long value = 0;
            for (int i = 125; i < 136; i++) {
                if ((value >>> 55) != 0) {
                    return -1;
                }
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        long value = 0;
        boolean digits = false;
        for (int i = 124; i < 136; i++) {
            byte b = header[i];
            if (b >= '0' && b <= '7') {
                value = value * 8 + (b - '0');
                digits = true;
            } else if (b == 0 || b == ' ') {
                if (digits) {
                    break;
                }
            } else {
                return -1;
            }
        }
        return value;
    }

    /** The {@code size} record of PAX header data, or -1 when it has none. */
    private static long paxSize(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("size=", space + 1)) {
                try {
                    return Long.parseLong(record.substring(space + 6));
                } catch (NumberFormatException e) {
                    return -2;
                }
            }
        }
        return -1;
    }

    private static boolean isZero(byte[] header) {
        for (byte b : header) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new EOFException("the archive ends inside an entry");
            }
            at += read;
        }
    }

    static FalcoOfflineException refused(Path archive, String problem) {
        return new FalcoOfflineException("The bundle " + archive + " is not one falco-offline:package wrote: " + problem
                + ". Write the bundle again with falco-offline:package and carry the new .tar over.");
    }
}
