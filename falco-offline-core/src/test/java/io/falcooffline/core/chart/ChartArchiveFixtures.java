package io.falcooffline.core.chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds chart archives and directories, well-formed or hostile, for reader and writer tests. */
final class ChartArchiveFixtures {

    static final Instant ENTRY_TIME = Instant.parse("2026-01-02T03:04:05Z");

    static final String DEMO_CHART_YAML = "apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: \"4.5\"\n";

    private ChartArchiveFixtures() {}

    static Tgz tgz() {
        return new Tgz();
    }

    static String chartYaml(String name, String version) {
        return "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n";
    }

    /** Writes files (path relative to {@code directory} -> UTF-8 content) and returns the directory. */
    static Path writeDirectory(Path directory, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = directory.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        return directory;
    }

    /** Every path below a directory, to show that reading wrote nothing. */
    static List<Path> listing(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.sorted().toList();
        }
    }

    /**
     * Runs {@link ChartRepackMain} in a JVM of its own through {@code sh -c}, so that the shell can set umask,
     * time zone, locale and JVM options first.
     *
     * @param shellPrefix runs the JVM, e.g. {@code umask 077; TZ=UTC exec "$JAVA" -Xmx160m}
     * @return what the child printed
     */
    static String repackInChildJvm(String shellPrefix, Path input, Path output, long seconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                "sh",
                "-c",
                shellPrefix + " -cp \"$CP\" " + ChartRepackMain.class.getName() + " \"$IN\" \"$OUT\" " + seconds);
        builder.environment()
                .put(
                        "JAVA",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
        builder.environment().put("CP", System.getProperty("java.class.path"));
        builder.environment().put("IN", input.toString());
        builder.environment().put("OUT", output.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String printed;
        try (InputStream out = process.getInputStream()) {
            printed = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + printed);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("child JVM failed with exit code " + process.exitValue() + ": " + printed);
        }
        return printed;
    }

    /** A tar.gz assembled entry by entry, with full control over names, types and sizes. */
    static final class Tgz {
        private interface Step {
            void writeTo(TarArchiveOutputStream tar) throws IOException;
        }

        private final List<Step> steps = new ArrayList<>();

        Tgz file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        Tgz file(String name, String content, Instant modified) {
            return file(name, content.getBytes(StandardCharsets.UTF_8), modified);
        }

        Tgz file(String name, byte[] content) {
            return file(name, content, ENTRY_TIME);
        }

        Tgz file(String name, byte[] content, Instant modified) {
            steps.add(tar -> {
                TarArchiveEntry entry = new TarArchiveEntry(name, true);
                entry.setSize(content.length);
                entry.setModTime(FileTime.from(modified));
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            });
            return this;
        }

        /** A file of {@code size} zero bytes, streamed so that even a huge one needs no memory here. */
        Tgz zeros(String name, long size) {
            steps.add(tar -> {
                TarArchiveEntry entry = new TarArchiveEntry(name, true);
                entry.setSize(size);
                entry.setModTime(FileTime.from(ENTRY_TIME));
                tar.putArchiveEntry(entry);
                byte[] chunk = new byte[64 * 1024];
                long left = size;
                while (left > 0) {
                    int length = (int) Math.min(chunk.length, left);
                    tar.write(chunk, 0, length);
                    left -= length;
                }
                tar.closeArchiveEntry();
            });
            return this;
        }

        Tgz symlink(String name, String target) {
            return link(name, target, TarConstants.LF_SYMLINK);
        }

        Tgz hardlink(String name, String target) {
            return link(name, target, TarConstants.LF_LINK);
        }

        private Tgz link(String name, String target, byte type) {
            steps.add(tar -> {
                TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
                entry.setLinkName(target);
                entry.setModTime(FileTime.from(ENTRY_TIME));
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            });
            return this;
        }

        Tgz fifo(String name) {
            steps.add(tar -> {
                TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            });
            return this;
        }

        Tgz directory(String name) {
            steps.add(tar -> {
                TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            });
            return this;
        }

        /** A PAX global header, as {@code git archive} writes first. */
        Tgz globalPaxHeader() {
            steps.add(tar -> {
                TarArchiveEntry entry =
                        new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER);
                entry.addPaxHeader("comment", "0123456789abcdef");
                tar.putArchiveEntry(entry);
            });
            return this;
        }

        /** The uncompressed tar. */
        byte[] tarBytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
                writeEntries(tar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writeGzipped(out);
            return out.toByteArray();
        }

        Path writeTo(Path file) throws IOException {
            try (OutputStream out = Files.newOutputStream(file)) {
                writeGzipped(out);
            }
            return file;
        }

        private void writeGzipped(OutputStream out) {
            try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
                writeEntries(tar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void writeEntries(TarArchiveOutputStream tar) throws IOException {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Step step : steps) {
                step.writeTo(tar);
            }
            tar.finish();
        }
    }

    /**
     * Gzips data with the header {@code helm package} writes: a free-form "extra" field (not RFC 1952 subfields)
     * and the comment "Helm".
     */
    static byte[] helmStyleGzip(byte[] data) {
        byte[] extra = "+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x14, 0, 0, 0, 0, 0, (byte) 0xff});
        out.write(extra.length & 0xff);
        out.write(extra.length >>> 8);
        out.writeBytes(extra);
        out.writeBytes("Helm\0".getBytes(StandardCharsets.US_ASCII));
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLittleEndian(out, (int) crc.getValue());
        writeIntLittleEndian(out, data.length);
        return out.toByteArray();
    }

    private static void writeIntLittleEndian(ByteArrayOutputStream out, int value) {
        for (int shift = 0; shift < 32; shift += 8) {
            out.write(value >>> shift);
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
