package io.falcooffline.core.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutFilesTest {

    @Test
    void shouldGiveEachParallelReaderOfATarBundleItsOwnEntrysBytes(@TempDir Path temp) throws Exception {
        int entries = 4;
        List<byte[]> contents = new ArrayList<>();
        Path archive = temp.resolve("bundle.tar");
        try (OutputStream file = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            for (int i = 0; i < entries; i++) {
                byte[] content = SyntheticArtifacts.pseudoRandom("entry-" + i, 4 * 1024 * 1024);
                contents.add(content);
                TarArchiveEntry entry = new TarArchiveEntry("blobs/sha256/" + i);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        ExecutorService readers = Executors.newFixedThreadPool(entries);
        try (LayoutFiles files = LayoutFiles.tar(archive)) {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                String path = "blobs/sha256/" + i;
                reads.add(readers.submit(() -> {
                    try (InputStream in = files.open(path)) {
                        // Small reads, so the readers' reads interleave many times.
                        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                        byte[] buffer = new byte[4096];
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                        }
                        return out.toByteArray();
                    }
                }));
            }
            for (int i = 0; i < entries; i++) {
                assertThat(reads.get(i).get()).isEqualTo(contents.get(i));
            }
        } finally {
            readers.shutdownNow();
        }
    }
}
