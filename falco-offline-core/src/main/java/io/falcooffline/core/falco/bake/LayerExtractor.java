package io.falcooffline.core.falco.bake;

import io.falcooffline.core.falco.FalcoctlLayerRules;
import io.falcooffline.core.io.ByteBoundedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts the files of an artifact layer as falcoctl 0.13.0 would ({@code internal/utils/extract.go}): entries keep
 * their path, {@code ..} is refused, and so is every entry that is not a directory or a regular file
 * ({@link FalcoctlLayerRules}); of a plugin only the {@code .so} files are kept. Every size and count is bounded,
 * so a small layer cannot fill the disk.
 */
final class LayerExtractor {

    static final long MAX_FILE_BYTES = 512L * 1024 * 1024;
    static final long MAX_LAYER_BYTES = 2L * 1024 * 1024 * 1024;
    static final int MAX_ENTRIES = 10_000;

    /**
     * A file of the layer.
     *
     * @param relativePath its path inside the layer's archive, normalised
     * @param file where its bytes were extracted to
     */
    record ExtractedFile(String relativePath, Path file) {}

    private LayerExtractor() {}

    /**
     * Extracts a layer of an artifact into fresh files under {@code workDirectory}.
     *
     * @return the files, in archive order; the last entry of a name wins, as when extracting
     */
    static List<ExtractedFile> extract(
            BakeStore source, FalcoArtifact artifact, FalcoArtifact.Layer layer, Path workDirectory) {
        String what = artifact.describe();
        Map<String, ExtractedFile> files = new LinkedHashMap<>();
        String repository = source.repository(artifact.reference());
        try (InputStream raw = source.store().fetchBlob(repository, layer.blob())) {
            // Decompressed bytes count, skipped ones too: a small layer must not expand without end.
            ByteBoundedInputStream tarBytes = new ByteBoundedInputStream(
                    new GZIPInputStream(raw, 64 * 1024),
                    MAX_LAYER_BYTES,
                    () -> new BakeException(
                            artifact.reference().toString(),
                            artifact.describe() + ": its layer expands to more than " + MAX_LAYER_BYTES
                                    + " bytes; it is not a plugin or rulesfile archive."));
            TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, "UTF-8");
            int entries = 0;
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw new BakeException(
                            artifact.reference().toString(),
                            what + ": its layer " + layer.title() + " has more than " + MAX_ENTRIES + " entries.");
                }
                Optional<String> path = relativePath(entry.getName(), artifact, layer);
                Optional<String> problem = FalcoctlLayerRules.entryProblem(entry);
                if (problem.isPresent()) {
                    throw new BakeException(
                            artifact.reference().toString(),
                            what + ": " + problem.get() + " (layer " + layer.title() + "); only regular files can be"
                                    + " baked into the image.");
                }
                if (entry.isDirectory() || path.isEmpty()) {
                    continue;
                }
                if (artifact.kind() == ArtifactKind.PLUGIN && !path.get().endsWith(".so")) {
                    continue;
                }
                if (entry.getSize() > MAX_FILE_BYTES) {
                    throw new BakeException(
                            artifact.reference().toString(),
                            what + ": the entry '" + entry.getName() + "' of its layer " + layer.title() + " is "
                                    + entry.getSize() + " bytes, more than the " + MAX_FILE_BYTES
                                    + " a baked file may have.");
                }
                Path file = Files.createTempFile(workDirectory, "file-", ".part");
                Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
                files.put(path.get(), new ExtractedFile(path.get(), file));
            }
            tarBytes.transferTo(OutputStream.nullOutputStream());
            // Reading to the end lets the store check the digest of every byte.
            raw.transferTo(OutputStream.nullOutputStream());
        } catch (ZipException e) {
            throw new BakeException(
                    artifact.reference().toString(),
                    what + ": its layer " + layer.title() + " (" + layer.blob().digest()
                            + ") is not a gzip-compressed tar archive: " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract the layer " + layer.title() + " of " + what, e);
        }
        if (artifact.kind() == ArtifactKind.PLUGIN && files.isEmpty()) {
            throw new MissingPluginLibraryException(
                    artifact.reference().toString(),
                    what + ": its layer " + layer.title() + " (" + layer.blob().digest()
                            + ") holds no .so file, so there is no plugin library to bake. Check that the reference"
                            + " names the plugin itself and not its rules.");
        }
        if (files.isEmpty()) {
            throw new BakeException(
                    artifact.reference().toString(),
                    what + ": its layer " + layer.title() + " holds no file, so there are no rules to bake.");
        }
        return new ArrayList<>(files.values());
    }

    private static Optional<String> relativePath(String name, FalcoArtifact artifact, FalcoArtifact.Layer layer) {
        try {
            return InImagePaths.relativeEntry(name);
        } catch (IllegalArgumentException e) {
            throw new BakeException(
                    artifact.reference().toString(),
                    artifact.describe() + ": the entry '" + name + "' of its layer " + layer.title()
                            + " would leave the directory it is extracted to (" + e.getMessage()
                            + "); falcoctl refuses it too.");
        }
    }
}
