package io.falcooffline.core.falco.bake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** The entries of a gzip-compressed tar layer, as a test reads them back. */
record LayerEntries(List<Entry> entries) {

    /**
     * One tar entry.
     *
     * @param name as stored
     * @param directory whether it is a directory
     * @param mode its permission bits
     * @param uid its owner
     * @param gid its group
     * @param userName its owner name
     * @param groupName its group name
     * @param mtime its modification time in epoch seconds
     * @param content its bytes (empty for a directory)
     */
    record Entry(
            String name,
            boolean directory,
            int mode,
            long uid,
            long gid,
            String userName,
            String groupName,
            long mtime,
            byte[] content) {}

    static LayerEntries read(byte[] tarGz) {
        List<Entry> entries = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.add(new Entry(
                        entry.getName(),
                        entry.isDirectory(),
                        entry.getMode() & 07777,
                        entry.getLongUserId(),
                        entry.getLongGroupId(),
                        entry.getUserName(),
                        entry.getGroupName(),
                        entry.getModTime().toInstant().getEpochSecond(),
                        tar.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LayerEntries(entries);
    }

    List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    Optional<Entry> entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
