package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.oci.RangedBlobSource;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.FaultProxy.Fault;
import io.falcooffline.core.testing.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large blobs fetched as several {@code Range} requests at once from a real registry, behind a fault proxy. */
class RangedBlobFetchTest {

    private static final String REPOSITORY = "ranged/source";
    /** Three ranges: two whole and a shorter last one. */
    private static final long SIZE = 2 * BlobDownloads.MIN_RANGE_BYTES + 12_345;

    private static LocalRegistry registry;
    private static Descriptor blob;
    private FaultProxy proxy;
    private ExecutorService threads;

    @TempDir
    Path temp;

    @BeforeAll
    static void pushBlob() throws Exception {
        registry = LocalRegistry.startPlain();
        blob = new Descriptor("application/octet-stream", LargeBlobCopy.digestOf(SIZE), SIZE);
        try (RegistryClient direct = new RegistryClient(registry.clientOptions().build())) {
            direct.pushBlob(REPOSITORY, blob, new LargeBlobCopy.GeneratedStream(SIZE));
        }
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @BeforeEach
    void start() {
        proxy = FaultProxy.start(registry.host()).roundTrip(FaultProxy.ACROSS_THE_INTERNET);
        threads = Executors.newFixedThreadPool(3);
    }

    @AfterEach
    void stop() {
        proxy.close();
        threads.shutdownNow();
    }

    private RegistryClient client() {
        return new RegistryClient(RegistryClientOptions.builder(proxy.host())
                .plainHttp(true)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(50))
                .build());
    }

    /** Runs the tasks on three threads at once, the caller's included, as the mirror's transfer slots do. */
    private ParallelWork threeAtOnce() {
        return tasks -> {
            List<Future<?>> futures = new ArrayList<>();
            for (ParallelWork.Task task : tasks.subList(1, tasks.size())) {
                futures.add(threads.submit(() -> {
                    task.run();
                    return null;
                }));
            }
            tasks.get(0).run();
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (Exception e) {
                    throw new IOException(e.getCause());
                }
            }
        };
    }

    private int fetchInto(RegistryClient client, Path file, AtomicLong arrived) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            return client.fetchBlobInto(
                    REPOSITORY, blob, RangedBlobSource.Sink.into(channel, arrived::addAndGet), threeAtOnce());
        }
    }

    private static String digestOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return io.falcooffline.core.oci.Digests.sha256(in.readAllBytes());
        }
    }

    @Test
    void shouldFetchALargeBlobAsRangesFromTheDistributionRegistry() throws Exception {
        Path file = temp.resolve("blob");
        AtomicLong arrived = new AtomicLong();
        try (RegistryClient client = client()) {
            assertThat(fetchInto(client, file, arrived)).isEqualTo(3);
            assertThat(client.rangesPayOff()).isTrue();
        }
        assertThat(proxy.count("GET", "/blobs/" + blob.digest())).isEqualTo(3);
        assertThat(Files.size(file)).isEqualTo(SIZE);
        assertThat(digestOf(file)).isEqualTo(blob.digest());
        assertThat(arrived).hasValue(SIZE);
    }

    @Test
    void shouldFindRangesWorthTryingOnlyFromARegistryThatAnswersNoQuickerThanAWideAreaRoundTrip() {
        try (RegistryClient far = client()) {
            assertThat(far.rangesPayOff()).as("nothing measured yet").isTrue();
            far.hasBlob(REPOSITORY, blob);
            assertThat(far.rangesPayOff()).isTrue();
        }
        proxy.roundTrip(Duration.ZERO);
        try (RegistryClient near = client()) {
            // The quickest answer so far decides: a busy machine's first exchange through the proxy may take longer.
            for (int i = 0; i < 50 && near.rangesPayOff(); i++) {
                near.hasBlob(REPOSITORY, blob);
            }
            assertThat(near.rangesPayOff()).isFalse();
        }
    }

    @Test
    void shouldCutMidSizeBlobsIntoFourRangesAndNoRangeBelowOrAboveItsBounds() {
        long mib = 1024 * 1024;

        assertThat(BlobDownloads.rangeBytes(8 * mib)).isEqualTo(BlobDownloads.MIN_RANGE_BYTES);
        assertThat(BlobDownloads.rangeBytes(31 * mib)).isEqualTo(31 * mib / 4);
        assertThat(BlobDownloads.rangeBytes(64 * mib)).isEqualTo(BlobDownloads.MAX_RANGE_BYTES);
        assertThat(BlobDownloads.rangeBytes(180 * mib)).isEqualTo(BlobDownloads.MAX_RANGE_BYTES);
    }

    @Test
    void shouldResumeARangeFromTheByteItReachedWhenItsConnectionIsCut() throws Exception {
        proxy.inject(Fault.truncateBody("GET", "/blobs/" + blob.digest(), 100_000, 1));
        Path file = temp.resolve("blob");
        try (RegistryClient client = client()) {
            assertThat(fetchInto(client, file, new AtomicLong())).isEqualTo(3);
            assertThat(client.transientFailures()).isEqualTo(1);
        }
        assertThat(proxy.count("GET", "/blobs/" + blob.digest()))
                .as("three ranges and one request for the rest of the cut one")
                .isEqualTo(4);
        assertThat(digestOf(file)).isEqualTo(blob.digest());
    }

    @Test
    void shouldFetchTheBlobWholeWhenTheRegistryIgnoresRange() throws Exception {
        proxy.ignoreRanges(true);
        Path file = temp.resolve("blob");
        AtomicLong arrived = new AtomicLong();
        try (RegistryClient client = client()) {
            assertThat(fetchInto(client, file, arrived)).isEqualTo(1);
            assertThat(client.rangesPayOff()).isFalse();
        }
        assertThat(proxy.count("GET", "/blobs/" + blob.digest())).isEqualTo(1);
        assertThat(digestOf(file)).isEqualTo(blob.digest());
        assertThat(arrived).hasValue(SIZE);
    }

    @Test
    void shouldRefuseARangeAnswerForOtherBytes() throws Exception {
        proxy.inject(Fault.respond(
                "GET",
                "/blobs/" + blob.digest(),
                206,
                Map.of("Content-Range", "bytes 5-14/" + SIZE),
                new byte[10],
                100));
        try (RegistryClient client = client()) {
            assertThatThrownBy(() -> fetchInto(client, temp.resolve("blob"), new AtomicLong()))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("with other bytes")
                    .hasMessageContaining("bytes 5-14/");
        }
    }

    @Test
    void shouldCommitNothingToTheBundleWhenOneRangeIsCorrupted() throws Exception {
        proxy.inject(Fault.corruptBody("GET", "/blobs/" + blob.digest(), true, 1));
        Path bundle = temp.resolve("bundle");
        try (RegistryClient client = client();
                OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            assertThatThrownBy(() -> store.pushBlobFilled(
                            blob,
                            file -> client.fetchBlobInto(
                                    REPOSITORY, blob, RangedBlobSource.Sink.into(file, n -> {}), threeAtOnce())))
                    .isInstanceOfSatisfying(
                            DigestMismatchException.class,
                            e -> assertThat(e.expectedDigest()).isEqualTo(blob.digest()))
                    .hasMessageContaining("is corrupt");
            assertThat(store.hasBlob("any", blob)).isFalse();
            try (Stream<Path> ingest = Files.list(bundle.resolve("ingest"))) {
                assertThat(ingest).isEmpty();
            }

            store.pushBlobFilled(
                    blob,
                    file -> client.fetchBlobInto(
                            REPOSITORY, blob, RangedBlobSource.Sink.into(file, n -> {}), threeAtOnce()));
            assertThat(store.hasBlob("any", blob)).isTrue();
            try (InputStream in = store.fetchBlob("any", blob)) {
                in.transferTo(Channels.newOutputStream(FileChannel.open(
                        temp.resolve("read-back"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)));
            }
        }
        assertThat(digestOf(temp.resolve("read-back"))).isEqualTo(blob.digest());
    }
}
