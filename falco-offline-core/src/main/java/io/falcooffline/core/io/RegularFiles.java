package io.falcooffline.core.io;

import io.falcooffline.core.FalcoOfflineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Reads files that earlier runs or the user left in place (caches, an existing {@code index.yaml}, an index file)
 * without following a link and within a size bound checked before reading: a link to {@code /dev/zero}, a pipe or a
 * huge file is refused instead of filling the heap or hanging.
 */
public final class RegularFiles {

    private RegularFiles() {}

    /**
     * The content of a regular file of at most {@code maxBytes}.
     *
     * @param what names the file in messages, e.g. {@code chart cache file}
     * @param fix the sentence saying what to do about a refused file, e.g. {@code Delete it; it is downloaded again.}
     * @return empty when the file does not exist
     * @throws FalcoOfflineException naming the file and the fix when it is a link, not a regular file, larger than
     *     {@code maxBytes} or unreadable
     */
    public static Optional<byte[]> read(Path file, long maxBytes, String what, String fix) {
        Optional<InputStream> opened = open(file, maxBytes, what, fix);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = opened.get()) {
            return Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot read the " + what + " " + file + ": " + e.getMessage() + ". " + fix, e);
        }
    }

    /**
     * A stream of a regular file of at most {@code maxBytes}, for content too large to hold in memory; the stream
     * fails if the file grows past the bound while being read.
     *
     * @return empty when the file does not exist
     * @throws FalcoOfflineException as {@link #read} does
     */
    public static Optional<InputStream> open(Path file, long maxBytes, String what, String fix) {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                throw refused(file, what, "is a symbolic link", fix);
            }
            if (!attributes.isRegularFile()) {
                throw refused(file, what, "is not a regular file (a directory, device or pipe)", fix);
            }
            if (attributes.size() > maxBytes) {
                throw refused(
                        file, what, "has " + attributes.size() + " bytes, more than the " + maxBytes + " read", fix);
            }
            // The bound holds even when the file grows after its size was read.
            return Optional.of(new ByteBoundedInputStream(
                    Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
                    maxBytes,
                    () -> refused(file, what, "grew past " + maxBytes + " bytes while being read", fix)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot read the " + what + " " + file + ": " + e.getMessage() + ". " + fix, e);
        }
    }

    private static FalcoOfflineException refused(Path file, String what, String problem, String fix) {
        return new FalcoOfflineException("The " + what + " " + file + " " + problem
                + "; falco-offline reads only regular files within a size" + " bound. " + fix);
    }
}
