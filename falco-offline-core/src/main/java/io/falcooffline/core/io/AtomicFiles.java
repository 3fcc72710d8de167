package io.falcooffline.core.io;

import io.falcooffline.core.FalcoOfflineException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that readers see either the old content or the whole new content, never a part: the bytes go to a
 * temporary file beside the target, are flushed to disk, and the file is renamed into place.
 */
public final class AtomicFiles {

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes bytes to {@code target} atomically, creating its directory when needed. */
    public static void write(Path target, byte[] content) {
        write(target, out -> out.write(content));
    }

    /**
     * Streams content to {@code target} atomically. When writing fails, no temporary file is left and the target is
     * unchanged.
     */
    public static void write(Path target, ContentWriter content) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot write " + absolute + ": " + e.getMessage() + ". Check that the directory is writable and"
                            + " the disk has room.",
                    e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // The original failure is the one worth reporting.
                }
            }
        }
    }
}
