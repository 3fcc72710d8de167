package io.falcooffline.core.source;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.RegularFiles;
import io.falcooffline.core.oci.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The download cache of chart sources. Content is stored by digest ({@code blobs/sha256/<hex>}), so whatever asked
 * for it, the same bytes are kept once and are checked again when read. What a source last answered (the digest an
 * URL, a tag or an index gave) is kept under {@code refs/}, keyed by the hash of the question, so a run without the
 * network gives the same chart as the last run with it. Git repositories are kept under {@code git/}.
 */
final class ChartCache {

    private static final int MAX_REF_BYTES = 4096;
    /** The cache holds chart archives and repository indexes; nothing larger is checked or read back. */
    private static final long MAX_BLOB_BYTES = Math.max(HelmOciChart.MAX_CHART_BYTES, HelmIndex.MAX_INDEX_BYTES);

    private static final String FIX = "Delete it, or the whole cache directory, to download what it held again.";

    private final Path root;

    ChartCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /**
     * Whether the cache holds a digest's content, checked as a stream, so a large index is never held in memory; a
     * damaged file is removed.
     */
    boolean contains(String digest) {
        Path file = blobFile(digest);
        Optional<InputStream> content = RegularFiles.open(file, MAX_BLOB_BYTES, "chart cache file", fix());
        if (content.isEmpty()) {
            return false;
        }
        MessageDigest sha256 = Digests.newMessageDigest(digest);
        try (InputStream in = new DigestInputStream(content.get(), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot read the chart cache file " + file + ": " + e.getMessage() + ". " + fix(), e);
        }
        if (!("sha256:" + HexFormat.of().formatHex(sha256.digest())).equals(digest)) {
            delete(file);
            return false;
        }
        return true;
    }

    /** A stream of a digest's cached content, after {@link #contains} or {@link #store} made sure it is there. */
    InputStream open(String digest) {
        Path file = blobFile(digest);
        return RegularFiles.open(file, MAX_BLOB_BYTES, "chart cache file", fix())
                .orElseThrow(() -> new FalcoOfflineException("The chart cache lost " + file + ". " + fix()));
    }

    /**
     * Stores content read from a stream, e.g. a download, without holding it in memory, and returns its digest.
     *
     * @throws IOException when reading the stream fails; failing to write the cache is a {@link
     *     FalcoOfflineException}
     */
    String store(InputStream in) throws IOException {
        Path directory = root.resolve("blobs").resolve("sha256");
        Path temporary;
        try {
            Files.createDirectories(directory);
            temporary = AtomicFiles.createTemporaryFile(directory, ".download-", ".tmp");
        } catch (IOException e) {
            throw cannotWrite(directory, e);
        }
        try {
            MessageDigest sha256 = Digests.newMessageDigest("sha256:");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    sha256.update(buffer, 0, n);
                    write(out, buffer, n, temporary);
                }
            }
            String digest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
            Path file = blobFile(digest);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw cannotWrite(file, e);
            }
            return digest;
        } finally {
            delete(temporary);
        }
    }

    private static void write(OutputStream out, byte[] buffer, int length, Path file) {
        try {
            out.write(buffer, 0, length);
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    private static FalcoOfflineException cannotWrite(Path file, IOException e) {
        return new FalcoOfflineException(
                "Cannot write the chart cache file " + file + ": " + e + ". Check that the"
                        + " cache directory is writable and has free space.",
                e);
    }

    private String fix() {
        return FIX.replace("the whole cache directory", "the whole cache directory " + root);
    }

    /** The path of a digest's cached content, after {@link #content} or {@link #store} made sure it is there. */
    Path blobFile(String digest) {
        String hex = Digests.requireValid(digest).substring("sha256:".length());
        return root.resolve("blobs").resolve("sha256").resolve(hex);
    }

    /** Stores content and returns its digest. */
    String store(byte[] bytes) {
        try {
            return store(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading bytes in memory failed", e);
        }
    }

    /** Remembers what a source answered, e.g. the digest of the archive an URL served. */
    void remember(String question, String answer) {
        AtomicFiles.write(refFile(question), (answer + "\n" + question + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** What a source last answered, if it was ever asked. */
    Optional<String> recall(String question) {
        Path file = refFile(question);
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_REF_BYTES) {
                return Optional.empty();
            }
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
            return lines.length >= 2 && lines[1].equals(question) ? Optional.of(lines[0]) : Optional.empty();
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot read the chart cache file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The directory of a cached git repository, by its URL. */
    Path gitDirectory(String repositoryUrl) {
        return root.resolve("git").resolve(hexOf(repositoryUrl) + ".git");
    }

    /** A directory for content derived from a key (an exported git tree), created empty when absent. */
    Path derivedDirectory(String key) {
        return root.resolve("trees").resolve(hexOf(key));
    }

    private Path refFile(String question) {
        return root.resolve("refs").resolve(hexOf(question));
    }

    private static String hexOf(String key) {
        return Digests.sha256(key.getBytes(StandardCharsets.UTF_8)).substring("sha256:".length());
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Rewritten on the next download anyway.
        }
    }
}
