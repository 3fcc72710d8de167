package io.falcooffline.core.falco.bake;

import io.falcooffline.core.oci.Descriptor;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes an image layer whose bytes depend only on its files: entries sorted by name, every parent directory
 * included, one fixed mtime, uid and gid 0 without names, fixed modes, and a gzip header without time or OS. The
 * same files always give the same digest.
 */
final class DeterministicLayer {

    static final int FILE_MODE = 0644;
    static final int EXECUTABLE_MODE = 0755;
    private static final int DIRECTORY_MODE = 0755;

    /** What a file of the layer is for. */
    enum Role {
        PLUGIN_LIBRARY,
        RULES,
        CONFIG
    }

    /**
     * A file of the layer.
     *
     * @param content where its bytes are
     * @param role what it is for
     * @param origin what put it there, for messages
     */
    record LayerFile(Path content, Role role, String origin) {
        /** Plugin libraries are executable, like the ones falcoctl installs; the rest is readable by all. */
        int mode() {
            return role == Role.PLUGIN_LIBRARY ? EXECUTABLE_MODE : FILE_MODE;
        }
    }

    /**
     * The layer as written.
     *
     * @param file the compressed layer
     * @param blob its descriptor, {@code application/vnd.oci.image.layer.v1.tar+gzip}
     * @param diffId the sha256 of the uncompressed tar, for {@code rootfs.diff_ids}
     */
    record Written(Path file, Descriptor blob, String diffId) {}

    private DeterministicLayer() {}

    /**
     * Writes the layer.
     *
     * @param files absolute paths in the image to their content; no path may be a parent of another
     * @param mtime every entry's modification time, whole seconds
     * @param out the file to write
     */
    static Written write(SortedMap<String, LayerFile> files, Instant mtime, Path out) {
        SortedMap<String, LayerFile> entries = new TreeMap<>();
        for (Map.Entry<String, LayerFile> file : files.entrySet()) {
            entries.put(file.getKey().substring(1), file.getValue());
            for (String parent : InImagePaths.parents(file.getKey())) {
                entries.put(parent.substring(1) + "/", null);
            }
        }
        FileTime time = FileTime.from(mtime.getEpochSecond(), java.util.concurrent.TimeUnit.SECONDS);
        MessageDigest compressed = sha256();
        MessageDigest uncompressed = sha256();
        CountingOutputStream counted;
        try (OutputStream file = Files.newOutputStream(out)) {
            counted = new CountingOutputStream(new DigestOutputStream(new BufferedOutputStream(file), compressed));
            GzipParameters gzipParameters = new GzipParameters();
            gzipParameters.setCompressionLevel(Deflater.DEFAULT_COMPRESSION);
            gzipParameters.setModificationTime(0);
            gzipParameters.setOperatingSystem(255);
            try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(counted, gzipParameters);
                    TarArchiveOutputStream tar =
                            new TarArchiveOutputStream(new DigestOutputStream(gzip, uncompressed), "UTF-8")) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                tar.setAddPaxHeadersForNonAsciiNames(true);
                for (Map.Entry<String, LayerFile> entry : entries.entrySet()) {
                    LayerFile content = entry.getValue();
                    TarArchiveEntry header = content == null
                            ? new TarArchiveEntry(entry.getKey(), TarConstants.LF_DIR)
                            : new TarArchiveEntry(entry.getKey(), TarConstants.LF_NORMAL);
                    header.setMode(content == null ? 040000 | DIRECTORY_MODE : 0100000 | content.mode());
                    header.setSize(content == null ? 0 : Files.size(content.content()));
                    header.setModTime(time);
                    header.setUserId(0);
                    header.setGroupId(0);
                    header.setUserName("");
                    header.setGroupName("");
                    tar.putArchiveEntry(header);
                    if (content != null) {
                        Files.copy(content.content(), tar);
                    }
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the baked layer " + out, e);
        }
        return new Written(
                out, new Descriptor(OciJson.OCI_LAYER_GZIP, hex(compressed), counted.count), hex(uncompressed));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK lacks SHA-256", e);
        }
    }

    private static String hex(MessageDigest digest) {
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    /** Counts the bytes written through it. */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            count += length;
        }
    }
}
