package io.falcooffline.core.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Files a hostile earlier run or user leaves where falco-offline reads: links to devices, pipes, huge files. */
public final class HostileFiles {

    private HostileFiles() {}

    /** Replaces {@code file} with a symbolic link to {@code /dev/zero}, which never ends. */
    public static Path linkToDevZero(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        return Files.createSymbolicLink(file, Path.of("/dev/zero"));
    }

    /** Replaces {@code file} with a named pipe nobody writes to: reading it blocks forever. */
    public static Path fifo(Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Process mkfifo =
                new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
        if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
            throw new IOException("mkfifo " + file + " failed");
        }
        return file;
    }

    /** Replaces {@code file} with a sparse file of {@code size} bytes (no disk used). */
    public static Path sparse(Path file, long size) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(size);
        }
        return file;
    }
}
