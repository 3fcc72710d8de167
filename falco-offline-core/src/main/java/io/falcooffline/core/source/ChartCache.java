package io.falcooffline.core.source;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.RegularFiles;
import io.falcooffline.core.oci.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The download cache of chart sources. Content is stored by digest ({@code blobs/sha256/<hex>}), so whatever asked
 * for it, the same bytes are kept once and are checked again when read. What a source last answered (the digest an
 * URL, a tag or an index gave) is kept under {@code refs/}, keyed by the hash of the question, so a run without the
 * network gives the same chart as the last run with it. Git repositories are kept under {@code git/}.
 */
final class ChartCache {

    private static final int MAX_REF_BYTES = 4096;
    /** The cache holds chart archives and repository indexes; nothing larger is read back. */
    private static final long MAX_BLOB_BYTES = Math.max(HelmOciChart.MAX_CHART_BYTES, HelmIndex.MAX_INDEX_BYTES);

    private final Path root;

    ChartCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The cached content of a digest, verified; empty when absent or damaged (a damaged file is removed). */
    Optional<byte[]> content(String digest) {
        Path file = blobFile(digest);
        Optional<byte[]> content = RegularFiles.read(
                file,
                MAX_BLOB_BYTES,
                "chart cache file",
                "Delete it, or the whole cache directory " + root + "; what it held is downloaded again.");
        if (content.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = content.get();
        if (!Digests.sha256(bytes).equals(digest)) {
            delete(file);
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    /** The path of a digest's cached content, after {@link #content} or {@link #store} made sure it is there. */
    Path blobFile(String digest) {
        String hex = Digests.requireValid(digest).substring("sha256:".length());
        return root.resolve("blobs").resolve("sha256").resolve(hex);
    }

    /** Stores content and returns its digest. */
    String store(byte[] bytes) {
        String digest = Digests.sha256(bytes);
        Path file = blobFile(digest);
        if (!Files.isRegularFile(file)) {
            AtomicFiles.write(file, bytes);
        }
        return digest;
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
