package io.falcooffline.core.verify;

import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.ScratchDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * helm-java's native library (about 100 MB, deflated to 28 MB in its jar) unpacked once into a per-user cache
 * directory, so that later runs load it from there instead of unpacking it again into a fresh temporary directory,
 * which took about half a second of CPU and 100 MB of writes per run.
 *
 * <p>A cached library is named after its size and CRC-32 as the jar's central directory records them, so finding it
 * needs no inflating, and a new helm-java version gets a file of its own. Before it is used, the whole file is read
 * once (without following a link) and must have exactly that size and CRC-32; it must be a regular file owned by the
 * user in a directory owned by the user that neither group nor others may write, so that only the user (who could
 * replace the jar in {@code ~/.m2} as well) can change what is loaded. CRC-32 detects a truncated or damaged file at a
 * tenth of SHA-256's cost here; an attacker who can write the user's own directories is not what it guards against.
 *
 * <p>A missing or damaged library is unpacked into a scratch directory inside the cache directory (deleted on
 * SIGTERM) and renamed into place atomically, so concurrent runs each write their own copy and the last rename wins
 * with the same content; a run that reads the file meanwhile keeps the copy it opened. Whenever the cache cannot be
 * used (no jar URL, no owner or permissions to check, an unwritable directory), {@link #library} is empty and the
 * caller unpacks the library as helm-java does.
 */
final class HelmLibraryCache {

    /** The cache's subdirectory of the download cache. */
    static final String DIRECTORY = "helm-java";

    /** No native library helm-java ships comes near this; a larger entry is not unpacked. */
    private static final long MAX_LIBRARY_BYTES = 1L << 30;

    /** Where a library is unpacked before it is renamed into place. */
    private static final String SCRATCH_PREFIX = ".unpacking-";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    /** @param directory the directory the library is kept in ({@code <download cache>/helm-java}) */
    HelmLibraryCache(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    Path directory() {
        return directory;
    }

    /**
     * The cached copy of the native library a jar holds, checked; unpacked into the cache first when it is missing or
     * damaged.
     *
     * @param resource the library as its class loader finds it, {@code jar:file:…!/helm-linux-amd64.so}
     * @return empty when the library is not in a jar on the file system or the cache cannot be used
     */
    Optional<Path> library(URL resource) {
        try {
            Optional<JarEntryName> location = JarEntryName.of(resource);
            if (location.isEmpty()) {
                return Optional.empty();
            }
            try (ZipFile zip = new ZipFile(location.get().jar().toFile())) {
                ZipEntry entry = zip.getEntry(location.get().entry());
                if (entry == null
                        || entry.isDirectory()
                        || entry.getSize() < 0
                        || entry.getSize() > MAX_LIBRARY_BYTES
                        || entry.getCrc() < 0) {
                    return Optional.empty();
                }
                UserPrincipal user = currentUser();
                ownDirectory(user);
                String fileName = Path.of(entry.getName()).getFileName().toString();
                Path file = directory.resolve(cachedName(fileName, entry.getSize(), entry.getCrc()));
                if (intact(file, entry.getSize(), entry.getCrc(), user)) {
                    return Optional.of(file);
                }
                unpack(zip, entry, file);
                return intact(file, entry.getSize(), entry.getCrc(), user) ? Optional.of(file) : Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code helm-linux-amd64.so} of 97911168 bytes and CRC-32 1a2b3c4d: {@code helm-linux-amd64-97911168-1a2b3c4d.so}. */
    static String cachedName(String binaryName, long size, long crc) {
        int dot = binaryName.lastIndexOf('.');
        String stem = dot > 0 ? binaryName.substring(0, dot) : binaryName;
        String extension = dot > 0 ? binaryName.substring(dot) : "";
        return stem + "-" + size + "-" + String.format(Locale.ROOT, "%08x", crc) + extension;
    }

    /** The jar file and entry of a {@code jar:file:…!/entry} resource. */
    private record JarEntryName(Path jar, String entry) {

        /** Empty for anything else: a directory on the class path, a jar inside a jar, another scheme. */
        static Optional<JarEntryName> of(URL resource) {
            if (resource == null || !"jar".equals(resource.getProtocol())) {
                return Optional.empty();
            }
            String spec = resource.getPath();
            int separator = spec.indexOf("!/");
            if (separator < 0 || !spec.startsWith("file:") || spec.indexOf("!/", separator + 2) >= 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(new JarEntryName(
                        Path.of(new URL(spec.substring(0, separator)).toURI()),
                        new URI(spec.substring(separator + 2)).getPath()));
            } catch (URISyntaxException | IOException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /** The user this JVM runs as; null where the file system has no owners to compare. */
    private UserPrincipal currentUser() throws IOException {
        if (!posix()) {
            return null;
        }
        return directory
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    private boolean posix() {
        return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates the cache directory, only the user may enter it, and checks an existing one is a directory of the user. */
    private void ownDirectory(UserPrincipal user) throws IOException {
        Files.createDirectories(directory.getParent());
        try {
            if (user != null) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException exists) {
            // checked below, whoever made it
        }
        if (user == null) {
            if (!Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isDirectory()) {
                throw new IOException(directory + " is not a directory");
            }
            return;
        }
        PosixFileAttributes attributes =
                Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory() || !ownedSafely(attributes, user)) {
            throw new IOException(directory + " is a link, not a directory, not the user's, or writable by others");
        }
    }

    /** Owned by the user, and neither group nor others may write it. */
    private static boolean ownedSafely(PosixFileAttributes attributes, UserPrincipal user) {
        Set<PosixFilePermission> permissions = attributes.permissions();
        return attributes.owner().equals(user)
                && !permissions.contains(PosixFilePermission.GROUP_WRITE)
                && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** A regular file (not a link) of the user with exactly this size and CRC-32. */
    private static boolean intact(Path file, long size, long crc, UserPrincipal user) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = user == null
                    ? Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    : Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!attributes.isRegularFile() || attributes.size() != size) {
            return false;
        }
        if (user != null && !ownedSafely((PosixFileAttributes) attributes, user)) {
            return false;
        }
        CRC32 checksum = new CRC32();
        long read = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            while (channel.read(buffer) >= 0 && read <= size) {
                buffer.flip();
                read += buffer.remaining();
                checksum.update(buffer);
                buffer.clear();
            }
        }
        return read == size && checksum.getValue() == crc;
    }

    /**
     * Unpacks the entry into a scratch directory in the cache directory, checks size and CRC-32, and renames it to
     * {@code file}, replacing whatever is there (a damaged copy, a link: rename replaces the link, not its target).
     */
    private void unpack(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        deleteAbandonedUnpacking();
        try (ScratchDirectory scratch = ScratchDirectory.create(directory, ".unpacking-");
                InputStream in = zip.getInputStream(entry)) {
            Path unpacked = scratch.path().resolve(file.getFileName());
            CRC32 checksum = new CRC32();
            long written = 0;
            try (FileChannel channel = posix()
                            ? FileChannel.open(
                                    unpacked,
                                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                                    PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                            : FileChannel.open(unpacked, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    written += n;
                    if (written > entry.getSize()) {
                        throw new IOException(entry.getName() + " is longer than its jar entry says");
                    }
                    checksum.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            if (written != entry.getSize() || checksum.getValue() != entry.getCrc()) {
                throw new IOException(entry.getName() + " does not match its jar entry's size and CRC-32");
            }
            Files.move(unpacked, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Deletes what runs killed with SIGKILL (which runs no shutdown hook) left while unpacking, about 100 MB each;
     * an hour is far longer than unpacking takes, so a concurrent run's directory is left alone.
     */
    private void deleteAbandonedUnpacking() {
        Instant abandoned = Instant.now().minus(Duration.ofHours(1));
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, SCRATCH_PREFIX + "*")) {
            for (Path leftover : leftovers) {
                BasicFileAttributes attributes =
                        Files.readAttributes(leftover, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()
                        && attributes.lastModifiedTime().toInstant().isBefore(abandoned)) {
                    AtomicFiles.deleteRecursivelyQuietly(leftover);
                }
            }
        } catch (IOException | RuntimeException e) {
            // leftovers only cost space; unpacking goes on
        }
    }
}
