package io.falcooffline.core.oci.layout;

import io.falcooffline.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Packs a bundle directory into one {@code .tar} that {@link OciLayoutStore#openForReading} reads in place. Entries
 * are sorted, with fixed times, owners and modes, so the same bundle always gives the same archive.
 */
public final class BundleArchive {

    private static final FileTime ENTRY_TIME = FileTime.fromMillis(1000);

    private BundleArchive() {}

    public static void pack(Path directory, Path archive) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(directory)) {
            paths = walk.filter(path -> !path.equals(directory))
                    .filter(path -> included(directory.relativize(path)))
                    .sorted((a, b) -> name(directory, a).compareTo(name(directory, b)))
                    .toList();
        }
        AtomicFiles.write(archive, out -> {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path path : paths) {
                boolean isDirectory = Files.isDirectory(path);
                TarArchiveEntry entry = new TarArchiveEntry(name(directory, path) + (isDirectory ? "/" : ""));
                entry.setModTime(ENTRY_TIME);
                entry.setIds(0, 0);
                entry.setNames("", "");
                entry.setMode(isDirectory ? 040755 : 0100644);
                if (!isDirectory) {
                    entry.setSize(Files.size(path));
                }
                tar.putArchiveEntry(entry);
                if (!isDirectory) {
                    Files.copy(path, tar);
                }
                tar.closeArchiveEntry();
            }
            // Finish without closing: the writer owns the stream and syncs it before renaming.
            tar.finish();
        });
    }

    private static boolean included(Path relative) {
        String first = relative.getName(0).toString();
        return !first.equals(OciLayoutStore.INGEST_DIRECTORY)
                && !relative.getFileName().toString().startsWith(".");
    }

    private static String name(Path directory, Path path) {
        return directory.relativize(path).toString().replace('\\', '/');
    }
}
