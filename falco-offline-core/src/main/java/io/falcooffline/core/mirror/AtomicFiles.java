package io.falcooffline.core.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader, or a run killed half-way, sees either the old complete file or the new complete
 * file: content goes to a temporary file in the same directory, is forced to disk, then renamed over the target.
 */
final class AtomicFiles {

    private AtomicFiles() {}

    /** Replaces {@code target} with {@code bytes}. */
    static void write(Path target, byte[] bytes) throws IOException {
        Path temp = tempBeside(target);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                out.write(bytes);
                out.flush();
                channel.force(true);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Replaces {@code target} with the content of {@code source}. */
    static void copy(Path source, Path target) throws IOException {
        Path temp = tempBeside(target);
        try {
            try (InputStream in = Files.newInputStream(source);
                    FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                in.transferTo(Channels.newOutputStream(channel));
                channel.force(true);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A new empty file beside {@code target}, named so that readers of the directory ignore it. */
    static Path tempBeside(Path target) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        return Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
    }

    /** Renames a complete, synced file over {@code target} in one step, then syncs the directory entry. */
    static void moveIntoPlace(Path complete, Path target) throws IOException {
        try {
            Files.move(complete, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "The file system of " + target + " cannot rename atomically; write the bundle to a local disk.", e);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    private static void syncDirectory(Path directory) {
        // Not every platform can open a directory for sync; the rename is durable on the ones that matter.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }
}
