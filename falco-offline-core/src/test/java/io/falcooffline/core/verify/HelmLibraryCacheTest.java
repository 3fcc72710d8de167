package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-user cache of Helm's native library, with a jar of its own holding a stand-in library of a few MiB: it is
 * unpacked once and then reused unchanged, a damaged copy or a link in its place is replaced, an unsafe directory is
 * not used, and concurrent runs all get an intact copy.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class HelmLibraryCacheTest {

    private static final String NAME = "helm-test-amd64.so";

    @TempDir
    Path temp;

    private byte[] library;
    private URL resource;
    private Path directory;

    @BeforeEach
    void jarWithALibrary() throws IOException {
        library = new byte[3 << 20];
        new Random(3).nextBytes(library);
        Path jar = temp.resolve("linux-test.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry(NAME));
            zip.write(library);
            zip.closeEntry();
        }
        resource = new URL("jar:" + jar.toUri() + "!/" + NAME);
        directory = temp.resolve("cache").resolve(HelmLibraryCache.DIRECTORY);
    }

    @Test
    void shouldUnpackOnceByContentAndReuseTheFileUnchanged() throws IOException {
        Path first = new HelmLibraryCache(directory).library(resource).orElseThrow();

        assertThat(first.getParent()).isEqualTo(directory);
        assertThat(first.getFileName().toString())
                .isEqualTo(HelmLibraryCache.cachedName(NAME, library.length, crc(library)))
                .startsWith("helm-test-amd64-" + library.length + "-")
                .endsWith(".so");
        assertThat(Files.readAllBytes(first)).isEqualTo(library);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
                .isEqualTo("rwx------");
        Files.setLastModifiedTime(first, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Object inode = Files.getAttribute(first, "unix:ino");

        Path second = new HelmLibraryCache(directory).library(resource).orElseThrow();

        assertThat(second).isEqualTo(first);
        assertThat(Files.getAttribute(second, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(second).toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(first);
        }
    }

    @Test
    void shouldReplaceADamagedOrTruncatedCopy() throws IOException {
        Path file = new HelmLibraryCache(directory).library(resource).orElseThrow();
        byte[] damaged = library.clone();
        damaged[damaged.length / 2] ^= 1;
        Files.write(file, damaged);

        assertThat(new HelmLibraryCache(directory).library(resource)).contains(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(library);

        Files.write(file, new byte[] {1, 2, 3});

        assertThat(new HelmLibraryCache(directory).library(resource)).contains(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(library);
    }

    @Test
    void shouldReplaceALinkInPlaceOfTheLibraryWithoutTouchingItsTarget() throws IOException {
        Path elsewhere = temp.resolve("elsewhere.so");
        Files.write(elsewhere, library);
        Files.createDirectories(
                directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = directory.resolve(HelmLibraryCache.cachedName(NAME, library.length, crc(library)));
        Files.createSymbolicLink(file, elsewhere);

        assertThat(new HelmLibraryCache(directory).library(resource)).contains(file);
        assertThat(Files.isSymbolicLink(file)).isFalse();
        assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readAllBytes(elsewhere)).isEqualTo(library);
    }

    @Test
    void shouldNotUseADirectoryOthersMayWriteOrALinkedDirectory() throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(new HelmLibraryCache(directory).library(resource)).isEmpty();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }

        Path real = Files.createDirectory(temp.resolve("real"));
        Path linked = temp.resolve("linked");
        Files.createSymbolicLink(linked, real);

        assertThat(new HelmLibraryCache(linked).library(resource)).isEmpty();
        try (Stream<Path> files = Files.list(real)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shouldBeUnusableForALibraryOutsideAJar() throws IOException {
        Path loose = Files.write(temp.resolve(NAME), library);

        assertThat(new HelmLibraryCache(directory).library(loose.toUri().toURL()))
                .isEmpty();
        assertThat(new HelmLibraryCache(directory).library(null)).isEmpty();
        assertThat(new HelmLibraryCache(directory)
                        .library(new URL("jar:" + temp.resolve("linux-test.jar").toUri() + "!/absent.so")))
                .isEmpty();
    }

    @Test
    void shouldGiveConcurrentRunsAnIntactCopyAndLeaveNoScratchBehind() throws Exception {
        ExecutorService runs = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Optional<Path>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> new HelmLibraryCache(directory).library(resource));
            }
            for (Future<Optional<Path>> run : runs.invokeAll(calls)) {
                Path file = run.get().orElseThrow();
                assertThat(Files.readAllBytes(file)).isEqualTo(library);
            }
        } finally {
            runs.shutdownNow();
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void shouldDeleteScratchDirectoriesThatKilledRunsLeftLongAgo() throws IOException {
        Files.createDirectories(directory);
        Path abandoned = Files.createDirectory(directory.resolve(".unpacking-abandoned"));
        Files.write(abandoned.resolve(NAME), new byte[] {1});
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minusSeconds(7200)));
        Path recent = Files.createDirectory(directory.resolve(".unpacking-recent"));

        new HelmLibraryCache(directory).library(resource).orElseThrow();

        assertThat(abandoned).doesNotExist();
        assertThat(recent).isDirectory();
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
