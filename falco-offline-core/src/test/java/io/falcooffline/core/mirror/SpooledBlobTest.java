package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranges written out of order reach the target in order while they arrive; a failed fetch commits nothing. */
class SpooledBlobTest {

    private static final int PART = 300_000;
    private static final byte[] CONTENT = SyntheticArtifacts.pseudoRandom("spooled", 3 * PART + 7);
    private static final Descriptor BLOB =
            new Descriptor("application/octet-stream", Digests.sha256(CONTENT), CONTENT.length);

    private final ExecutorService uploader = Executors.newCachedThreadPool();

    @TempDir
    Path temp;

    @AfterEach
    void stop() {
        uploader.shutdownNow();
    }

    private static void write(io.falcooffline.core.oci.RangedBlobSource.Sink sink, int from, int to) {
        try {
            byte[] part = Arrays.copyOfRange(CONTENT, from, to);
            sink.write(part, part.length, from);
            Thread.sleep(50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldUploadRangesWrittenOutOfOrderAsOneVerifiedStream() throws IOException {
        AtomicLong arrived = new AtomicLong();
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"))) {
            SpooledBlob.push(
                    new Location(store, "target"),
                    BLOB,
                    sink -> {
                        write(sink, 2 * PART, CONTENT.length);
                        write(sink, PART, PART + 1000);
                        write(sink, 0, PART);
                        write(sink, PART + 1000, 2 * PART);
                    },
                    arrived::addAndGet,
                    uploader,
                    ProgressListener.SILENT);

            assertThat(arrived).hasValue(CONTENT.length);
            try (InputStream in = store.fetchBlob("target", BLOB)) {
                assertThat(in.readAllBytes()).isEqualTo(CONTENT);
            }
        }
    }

    @Test
    void shouldCommitNothingWhenTheFetchFailsHalfway() {
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"))) {
            assertThatThrownBy(() -> SpooledBlob.push(
                            new Location(store, "target"),
                            BLOB,
                            sink -> {
                                write(sink, 0, PART);
                                throw new RegistryException(0, "the source broke", null);
                            },
                            n -> {},
                            uploader,
                            ProgressListener.SILENT))
                    .isInstanceOf(RegistryException.class)
                    .hasMessage("the source broke");
            assertThat(store.hasBlob("target", BLOB)).isFalse();
        }
    }
}
