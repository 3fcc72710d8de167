package io.falcooffline.core.render;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a chart {@code .tgz} the way a test inspects it: every entry with its bytes and header fields, independent of
 * the code under test.
 */
public final class ChartArchive {

    /**
     * One archive entry.
     *
     * @param name the path inside the archive, e.g. {@code falco/values.yaml}
     * @param mode the permission bits
     * @param modified the modification time
     * @param userId the owner's numeric id
     * @param groupId the group's numeric id
     * @param content the bytes; empty for directories
     */
    public record Entry(String name, int mode, Instant modified, long userId, long groupId, byte[] content) {

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private final Map<String, Entry> entries;

    private ChartArchive(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Reads every entry of a gzip-compressed tar.
     *
     * @throws IllegalArgumentException when an entry is not a regular file or directory, or escapes the archive root
     */
    public static ChartArchive read(Path tgz) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz));
                // The JDK's reader, because Helm's gzip header carries an extra field that is not made of subfields.
                GZIPInputStream gzip = new GZIPInputStream(file);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (name.startsWith("/") || List.of(name.split("/")).contains("..")) {
                    throw new IllegalArgumentException(tgz + " has an entry outside the archive root: " + name);
                }
                if (!entry.isFile() && !entry.isDirectory()) {
                    throw new IllegalArgumentException(
                            tgz + " has an entry that is neither file nor directory: " + name);
                }
                byte[] content = entry.isDirectory() ? new byte[0] : tar.readAllBytes();
                if (entries.put(
                                name,
                                new Entry(
                                        name,
                                        entry.getMode(),
                                        entry.getModTime().toInstant(),
                                        entry.getLongUserId(),
                                        entry.getLongGroupId(),
                                        content))
                        != null) {
                    throw new IllegalArgumentException(tgz + " holds " + name + " twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + tgz, e);
        }
        return new ChartArchive(entries);
    }

    /** Every entry by name, in archive order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The names in archive order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /**
     * The text of one entry.
     *
     * @throws AssertionError when the archive has no such entry
     */
    public String text(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new AssertionError("The archive has no entry " + name + "; it has " + entries.keySet());
        }
        return entry.text();
    }

    /** Writes every file under {@code directory}, keeping the archive's paths; returns the directory. */
    public Path extractTo(Path directory) {
        try {
            for (Entry entry : entries.values()) {
                Path target = directory.resolve(entry.name()).normalize();
                if (!target.startsWith(directory)) {
                    throw new IllegalArgumentException("Entry escapes " + directory + ": " + entry.name());
                }
                if (entry.name().endsWith("/")) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.write(target, entry.content());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract into " + directory, e);
        }
        return directory;
    }
}
