package io.falcooffline.core.io;

import io.falcooffline.core.FalcoOfflineException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

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

    /** Fills a new directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void writeInto(Path directory) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes bytes to {@code target} atomically, creating its directory when needed. */
    public static void write(Path target, byte[] content) {
        write(target, "file", out -> out.write(content));
    }

    /**
     * Streams content to {@code target} atomically. When writing fails, no temporary file is left and the target is
     * unchanged.
     */
    public static void write(Path target, ContentWriter content) {
        write(target, "file", content);
    }

    /**
     * Streams content to {@code target} atomically, naming it in errors as {@code what} (e.g. {@code chart
     * archive}). When writing fails, no temporary file is left and the target is unchanged.
     */
    public static void write(Path target, String what, ContentWriter content) {
        Path absolute = target.toAbsolutePath().normalize();
        Path directory = absolute.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = createTemporaryFile(directory, "." + absolute.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel))) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            syncDirectory(directory);
        } catch (IOException | RuntimeException e) {
            throw new FalcoOfflineException(
                    "Cannot write " + what + " " + absolute + ": " + e + ". Check that " + directory
                            + " is a writable directory with free space and that " + absolute + " is not a directory.",
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

    /**
     * Creates an empty file with a fresh name in {@code directory}. Unlike {@link Files#createTempFile}, which makes
     * files only the owner may read, the file gets the permissions the user's umask gives any new file, so what is
     * renamed into place from it can be published and shared as usual.
     */
    public static Path createTemporaryFile(Path directory, String prefix, String suffix) throws IOException {
        while (true) {
            Path candidate = directory.resolve(prefix + randomName() + suffix);
            try {
                Files.newByteChannel(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                        .close();
                return candidate;
            } catch (FileAlreadyExistsException taken) {
                // Another writer drew the same name; draw again.
            }
        }
    }

    /** Creates an empty directory with a fresh name in {@code parent}, with the permissions the umask gives. */
    public static Path createTemporaryDirectory(Path parent, String prefix) throws IOException {
        while (true) {
            Path candidate = parent.resolve(prefix + randomName());
            try {
                return Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException taken) {
                // Another writer drew the same name; draw again.
            }
        }
    }

    /** Flushes a directory's entries to disk, so a rename into it survives a crash; a no-op where unsupported. */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the file itself is already synced.
        }
    }

    private static String randomName() {
        return Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    }
    /**
     * Replaces a directory as a whole with one holding exactly {@code files}: they are written to a sibling temporary
     * directory that is then moved into place, so the directory never holds a half-written set.
     *
     * @param what what the files are, for messages ("the audit files")
     * @throws FalcoOfflineException naming the directory when it cannot be written
     */
    public static void replaceDirectory(Path directory, Map<String, byte[]> files, String what) {
        replaceDirectory(directory, what, staging -> {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                write(staging.resolve(file.getKey()), file.getValue());
            }
        });
    }

    /**
     * Replaces a directory as a whole with one that {@code content} fills in a sibling temporary directory, which is
     * then moved into place, so the directory never holds a half-written set. When writing fails, nothing is left
     * behind and the old directory stays.
     *
     * @param what what the files are, for messages ("the audit files")
     * @throws FalcoOfflineException naming the directory when it cannot be written
     */
    public static void replaceDirectory(Path directory, String what, DirectoryWriter content) {
        Path parent = directory.toAbsolutePath().normalize().getParent();
        Path staging = null;
        try {
            Files.createDirectories(parent);
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new FalcoOfflineException(
                        directory + " exists and is not a directory: remove it so " + what + " can be written.");
            }
            staging = createTemporaryDirectory(parent, "." + directory.getFileName() + ".tmp-");
            content.writeInto(staging);
            syncDirectory(staging);
            if (Files.exists(directory)) {
                Path previous = parent.resolve("." + directory.getFileName() + ".old-" + staging.getFileName());
                Files.move(directory, previous, StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
                deleteRecursively(previous);
            } else {
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            }
            staging = null;
            syncDirectory(parent);
        } catch (FileAlreadyExistsException e) {
            throw new FalcoOfflineException(
                    directory + " was created by someone else while " + what + " were written: try again.", e);
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot write " + what + " to " + directory + ": " + e.getMessage()
                            + ". Check that the output directory is writable.",
                    e);
        } finally {
            if (staging != null) {
                deleteRecursivelyQuietly(staging);
            }
        }
    }

    /** Deletes a file or a directory tree; what cannot be deleted is left, since the failure that led here matters more. */
    public static void deleteRecursivelyQuietly(Path root) {
        try {
            deleteRecursively(root);
        } catch (IOException e) {
            // a leftover is harmless; the caller is already reporting a failure or has finished
        }
    }

    /** Deletes a file or a directory tree; nothing when it does not exist. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
