package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.testing.HostileFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A chart-cache blob that is a link to a device, a pipe or a huge file is refused before it is read. */
@Timeout(30)
class ChartCacheHostileFilesTest {

    private static final String DIGEST = Digests.sha256("chart".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path temp;

    private ChartCache cache() {
        return new ChartCache(temp.resolve("cache"));
    }

    @Test
    void shouldRefuseABlobThatLinksToDevZero() throws Exception {
        ChartCache cache = cache();
        Path blob = HostileFiles.linkToDevZero(cache.blobFile(DIGEST));

        assertThatThrownBy(() -> cache.contains(DIGEST))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(blob.toString())
                .hasMessageContaining("symbolic link")
                .hasMessageContaining("Delete");
    }

    @Test
    void shouldRefuseABlobThatIsAPipeInsteadOfHanging() throws Exception {
        ChartCache cache = cache();
        Path blob = HostileFiles.fifo(cache.blobFile(DIGEST));

        assertThatThrownBy(() -> cache.contains(DIGEST))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(blob.toString())
                .hasMessageContaining("not a regular file");
    }

    @Test
    void shouldRefuseAHugeBlobBeforeReadingIt() throws Exception {
        ChartCache cache = cache();
        Path blob = HostileFiles.sparse(cache.blobFile(DIGEST), 3L << 30);

        assertThatThrownBy(() -> cache.contains(DIGEST))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(blob.toString())
                .hasMessageContaining(String.valueOf(3L << 30));
    }

    @Test
    void shouldStillReadAStoredBlob() throws Exception {
        ChartCache cache = cache();
        String digest = cache.store("chart".getBytes(StandardCharsets.UTF_8));

        assertThat(cache.contains(digest)).isTrue();
        try (java.io.InputStream in = cache.open(digest)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("chart");
        }
    }
}
