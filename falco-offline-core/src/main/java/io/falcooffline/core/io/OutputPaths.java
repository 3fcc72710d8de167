package io.falcooffline.core.io;

import io.falcooffline.core.FalcoOfflineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Builds the paths a run writes to or reads back from names that may come from input (a chart's name and version, a
 * digest, a file name), so that none leaves its directory: every segment must be one plain file name, and no
 * existing file or directory between the base directory and the target may be a symbolic link, so that nothing is
 * written, read or deleted through one.
 */
public final class OutputPaths {

    /** The most bytes one path segment may have: the limit of common file systems. */
    public static final int MAX_SEGMENT_BYTES = 255;

    private OutputPaths() {}

    /**
     * {@code directory} with {@code relativePath} ('/'-separated) below it.
     *
     * @param what names the file in messages, e.g. "chart archive"
     * @throws FalcoOfflineException when a segment is not a plain name, or a link lies on the way
     */
    public static Path inside(Path directory, String relativePath, String what) {
        Path base = directory.toAbsolutePath().normalize();
        Path path = base;
        for (String segment : relativePath.split("/", -1)) {
            requirePlainSegment(segment, relativePath, base, what);
            path = path.resolve(segment);
            requireNoLink(path, base, what);
        }
        if (!path.normalize().startsWith(base) || path.equals(base)) {
            throw new FalcoOfflineException("The " + what + " path " + SafeText.quote(relativePath) + " would leave "
                    + base + "; nothing was written there.");
        }
        return path;
    }

    /**
     * Checks that {@code file} is a regular file (not a link, device or directory) inside {@code directory}, before it
     * is read.
     *
     * @return its size
     * @throws FalcoOfflineException otherwise; empty when it does not exist
     */
    public static Optional<Long> regularFileSize(Path directory, String relativePath, String what) {
        Path file = inside(directory, relativePath, what);
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new FalcoOfflineException("The " + what + " " + file + " is not a regular file (a directory,"
                        + " device or pipe); falco-offline reads only regular files. Remove it.");
            }
            return Optional.of(attributes.size());
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a path segment names git's own directory on some checkout: {@code .git} in any case, with trailing dots
     * or spaces (which Windows drops), or its 8.3 short name {@code git~1}, as git's own {@code verify_path} refuses.
     */
    public static boolean isGitDirectoryName(String segment) {
        String name = segment.toLowerCase(java.util.Locale.ROOT);
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == ' ')) {
            end--;
        }
        name = name.substring(0, end);
        return name.equals(".git") || name.equals("git~1");
    }

    private static void requirePlainSegment(String segment, String relativePath, Path base, String what) {
        String problem = null;
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            problem = "it has an empty, '.' or '..' segment";
        } else if (segment.indexOf('\\') >= 0 || segment.indexOf(':') == 1 && Character.isLetter(segment.charAt(0))) {
            problem = "it has a backslash or a drive letter";
        } else if (segment.chars().anyMatch(c -> c == 0 || Character.isISOControl(c))) {
            problem = "it has a control character";
        } else if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            problem = "a segment is longer than " + MAX_SEGMENT_BYTES + " bytes";
        }
        if (problem != null) {
            throw new FalcoOfflineException("The " + what + " path " + SafeText.quote(relativePath) + " below " + base
                    + " is not a plain relative path: " + problem + ". Nothing was written.");
        }
    }

    private static void requireNoLink(Path path, Path base, String what) {
        if (Files.isSymbolicLink(path)) {
            throw new FalcoOfflineException(path + " is a symbolic link, so the " + what + " would be written, read or"
                    + " deleted outside " + base + ". Remove the link, or choose another directory.");
        }
    }
}
