package io.falcooffline.core.oci.layout;

import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.io.TarEntries;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/** Read access to the files of an OCI image layout, kept either as a directory or as one tar archive. */
interface LayoutFiles extends AutoCloseable {

    /** The size of a file of the layout, or empty when it has none by that path. */
    OptionalLong size(String path) throws IOException;

    /** Opens a file of the layout; the caller closes the stream. */
    InputStream open(String path) throws IOException;

    /** What the layout is, for messages. */
    String describe();

    @Override
    void close() throws IOException;

    /** Reads a whole small file, refusing one larger than {@code maxBytes}. */
    default byte[] readSmall(String path, int maxBytes) throws IOException {
        OptionalLong size = size(path);
        if (size.isEmpty()) {
            throw new NoSuchFileException(describe() + ": " + path);
        }
        if (size.getAsLong() > maxBytes) {
            throw new IOException(describe() + ": " + path + " is " + size.getAsLong() + " bytes, more than the "
                    + maxBytes + " such a file may have");
        }
        try (InputStream in = open(path)) {
            return in.readNBytes(maxBytes);
        }
    }

    /** The layout in a directory. */
    static LayoutFiles directory(Path root) {
        return new LayoutFiles() {
            @Override
            public OptionalLong size(String path) throws IOException {
                // Regular files inside the bundle only: a link to /etc/passwd is refused, not uploaded.
                return OutputPaths.regularFileSize(root, path, "bundle file")
                        .map(OptionalLong::of)
                        .orElse(OptionalLong.empty());
            }

            @Override
            public InputStream open(String path) throws IOException {
                return Files.newInputStream(OutputPaths.inside(root, path, "bundle file"), LinkOption.NOFOLLOW_LINKS);
            }

            @Override
            public String describe() {
                return "bundle " + root;
            }

            @Override
            public void close() {}
        };
    }

    /** The layout packed in a tar archive, read in place by seeking to each entry. */
    /** An entry name as {@code tar -x} places it: without {@code ./}, empty and {@code .} segments. */
    private static String normalizedEntryName(String name) {
        StringBuilder normalized = new StringBuilder();
        for (String segment : name.split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                normalized.append(normalized.isEmpty() ? "" : "/").append(segment);
            }
        }
        return normalized.toString();
    }

    static LayoutFiles tar(Path archive) throws IOException {
        TarHeaderBounds.check(archive);
        TarFile tar = new TarFile(archive);
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try {
            for (TarArchiveEntry entry : tar.getEntries()) {
                if (entry.isDirectory()) {
                    continue;
                }
                String name = normalizedEntryName(entry.getName());
                if (!TarEntries.isRegularFile(entry)) {
                    throw TarHeaderBounds.refused(
                            archive, "its entry " + SafeText.quote(name) + " is not a regular file (a link or device)");
                }
                // tar -x keeps the last of two entries with one name, a reader may take the first: refuse both.
                if (entries.putIfAbsent(name, entry) != null) {
                    throw TarHeaderBounds.refused(archive, "it holds the entry " + SafeText.quote(name) + " twice");
                }
            }
        } catch (RuntimeException e) {
            tar.close();
            throw e;
        }
        return new LayoutFiles() {
            @Override
            public OptionalLong size(String path) {
                TarArchiveEntry entry = entries.get(path);
                return entry == null ? OptionalLong.empty() : OptionalLong.of(entry.getSize());
            }

            @Override
            public InputStream open(String path) throws IOException {
                TarArchiveEntry entry = entries.get(path);
                if (entry == null) {
                    throw new NoSuchFileException(describe() + ": " + path);
                }
                // TarFile's entry streams set the position of the one shared channel and then read it: the reads
                // of parallel transfers must not interleave, or each gets the other's bytes.
                return new FilterInputStream(tar.getInputStream(entry)) {
                    @Override
                    public int read() throws IOException {
                        synchronized (tar) {
                            return super.read();
                        }
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        synchronized (tar) {
                            return super.read(buffer, offset, length);
                        }
                    }

                    @Override
                    public long skip(long n) throws IOException {
                        synchronized (tar) {
                            return super.skip(n);
                        }
                    }
                };
            }

            @Override
            public String describe() {
                return "bundle " + archive;
            }

            @Override
            public void close() throws IOException {
                tar.close();
            }
        };
    }
}
