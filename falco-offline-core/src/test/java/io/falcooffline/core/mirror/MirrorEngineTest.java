package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.MirrorException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.FaultProxy.Fault;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the copy engine fills a link: ranged fetches of large blobs, and the number of transfers at once adapting to
 * a source behind a proxy that limits each connection, as paths across the internet do. Assertions are on the
 * engine's decisions and on what arrived, never on wall time.
 */
class MirrorEngineTest {

    static final String LAYER = "application/vnd.oci.image.layer.v1.tar";
    private static final String LARGE_REPOSITORY = "engine/large";
    private static final String SMALL_REPOSITORY = "engine/small";
    /** Above the ranged threshold: three ranges. */
    private static final int LARGE_SIZE = (int) (MirrorEngine.RANGED_MIN_BYTES + 100_000);

    private static final int SMALL_LAYERS = 24;
    private static final int SMALL_SIZE = 256 * 1024;
    private static final String TINY_REPOSITORY = "engine/tiny";
    private static final int TINY_LAYERS = 6;
    /** The tiny layers' bytes by digest, which a test's own handler serves. */
    private static final Map<String, byte[]> tinyBlobs = new ConcurrentHashMap<>();

    private static LocalRegistry source;
    private static Descriptor largeLayer;

    @TempDir
    Path temp;

    private FaultProxy proxy;
    private RegistryClient sourceClient;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    @BeforeAll
    static void publishImages() {
        source = LocalRegistry.startPlain();
        try (RegistryClient client = new RegistryClient(source.clientOptions().build())) {
            byte[] large = SyntheticArtifacts.pseudoRandom("large", LARGE_SIZE);
            largeLayer = push(client, LARGE_REPOSITORY, List.of(large)).get(0);
            List<byte[]> small = new ArrayList<>();
            for (int i = 0; i < SMALL_LAYERS; i++) {
                small.add(SyntheticArtifacts.pseudoRandom("small-" + i, SMALL_SIZE));
            }
            push(client, SMALL_REPOSITORY, small);
            List<byte[]> tiny = new ArrayList<>();
            for (int i = 0; i < TINY_LAYERS; i++) {
                byte[] bytes = SyntheticArtifacts.pseudoRandom("tiny-" + i, 1024);
                tiny.add(bytes);
                tinyBlobs.put(Digests.sha256(bytes), bytes);
            }
            push(client, TINY_REPOSITORY, tiny);
        }
    }

    /** Pushes an image of these layers tagged {@code 1}; returns the layers' descriptors. */
    private static List<Descriptor> push(RegistryClient client, String repository, List<byte[]> layers) {
        List<Descriptor> descriptors = new ArrayList<>();
        for (byte[] layer : layers) {
            descriptors.add(pushBlob(client, repository, LAYER, layer));
        }
        pushImage(client, repository, descriptors);
        return descriptors;
    }

    /** Pushes a config and a manifest over layers already in the repository, tagged {@code 1}. */
    static void pushImage(RegistryClient client, String repository, List<Descriptor> layers) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"n\":\""
                        + repository + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor configDescriptor = pushBlob(client, repository, "application/vnd.oci.image.config.v1+json", config);
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":" + descriptorJson(configDescriptor) + ",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            json.append(i == 0 ? "" : ",").append(descriptorJson(layers.get(i)));
        }
        byte[] manifest = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        client.pushManifest(
                repository,
                "1",
                new Manifest(
                        new Descriptor(MediaTypes.OCI_MANIFEST, Digests.sha256(manifest), manifest.length), manifest));
    }

    private static Descriptor pushBlob(RegistryClient client, String repository, String mediaType, byte[] bytes) {
        Descriptor descriptor = new Descriptor(mediaType, Digests.sha256(bytes), bytes.length);
        client.pushBlob(repository, descriptor, new ByteArrayInputStream(bytes));
        return descriptor;
    }

    private static String descriptorJson(Descriptor descriptor) {
        return "{\"mediaType\":\"" + descriptor.mediaType() + "\",\"digest\":\"" + descriptor.digest() + "\",\"size\":"
                + descriptor.size() + "}";
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(source.host());
        sourceClient = new RegistryClient(RegistryClientOptions.builder(proxy.host())
                .plainHttp(true)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(50))
                .build());
    }

    @AfterEach
    void stopProxy() {
        sourceClient.close();
        proxy.close();
    }

    /**
     * An empty plain-HTTP registry behind a proxy that watches, and can refuse, what the engine sends it, with a
     * client that goes through the proxy.
     */
    private record WatchedTarget(LocalRegistry registry, FaultProxy proxy, RegistryClient client)
            implements AutoCloseable {

        static WatchedTarget start() {
            LocalRegistry registry = LocalRegistry.startPlain();
            FaultProxy proxy = null;
            try {
                proxy = FaultProxy.start(registry.host());
                RegistryClient client = new RegistryClient(RegistryClientOptions.builder(proxy.host())
                        .plainHttp(true)
                        .build());
                return new WatchedTarget(registry, proxy, client);
            } catch (RuntimeException | Error e) {
                if (proxy != null) {
                    proxy.close();
                }
                registry.close();
                throw e;
            }
        }

        @Override
        public void close() {
            client.close();
            proxy.close();
            registry.close();
        }
    }

    private StagedArtifact staged(String repository, OciStore target) {
        return staged(sourceClient, repository, target);
    }

    /** The image tagged {@code 1} in {@code repository} of the source, read to be copied into {@code target}. */
    static StagedArtifact staged(OciStore source, String repository, OciStore target) {
        return staged(source, repository, target, repository);
    }

    /** The same, copied into {@code targetRepository} (under {@code registry.example/}) of the target. */
    static StagedArtifact staged(OciStore source, String repository, OciStore target, String targetRepository) {
        return staged(source, repository, target, targetRepository, "1");
    }

    /** The same, tagged {@code targetTag} there. */
    static StagedArtifact staged(
            OciStore source, String repository, OciStore target, String targetRepository, String targetTag) {
        CopyJob job = new CopyJob(
                LockEntry.Origin.PLAN,
                ReferenceKind.IMAGE,
                OciReference.parse("docker.io/" + repository + ":1"),
                new Location(source, repository),
                "1",
                OciReference.parse("registry.example/" + targetRepository + ":" + targetTag),
                new Location(target, "registry.example/" + targetRepository),
                targetTag,
                false,
                "");
        return StagedArtifact.stage(job, List.of());
    }

    @Test
    void shouldFetchALargeBlobInRangesIntoTheBundleAndCommitNothingWhenARangeIsCorrupted() throws Exception {
        proxy.roundTrip(FaultProxy.ACROSS_THE_INTERNET);
        proxy.inject(Fault.corruptBody("GET", "/blobs/" + largeLayer.digest(), true, 1));
        Path bundle = temp.resolve("bundle");
        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            try (MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
                List<StagedArtifact> artifacts = List.of(staged(LARGE_REPOSITORY, store));
                assertThatThrownBy(() -> engine.copyContent(artifacts))
                        .isInstanceOf(MirrorException.class)
                        .hasRootCauseInstanceOf(DigestMismatchException.class)
                        .hasMessageContaining(largeLayer.digest());
            }
            assertThat(store.hasBlob("any", largeLayer)).isFalse();
            assertThat(store.listTags("registry.example/" + LARGE_REPOSITORY)).isEmpty();
            try (Stream<Path> ingest = Files.list(bundle.resolve("ingest"))) {
                assertThat(ingest).as("no partial file left").isEmpty();
            }

            try (MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
                List<StagedArtifact> artifacts = List.of(staged(LARGE_REPOSITORY, store));
                engine.copyContent(artifacts);
                engine.tag(artifacts);
                assertThat(engine.blobsInRanges()).isEqualTo(1);
                // The config blob may have arrived before the first run failed.
                assertThat(engine.bytesTransferred()).isBetween((long) LARGE_SIZE, LARGE_SIZE + 1000L);
            }
            assertThat(store.hasBlob("any", largeLayer)).isTrue();
            assertThat(store.listTags("registry.example/" + LARGE_REPOSITORY)).containsExactly("1");
        }
        assertThat(log).anyMatch(line -> line.contains("Fetched " + largeLayer.digest()) && line.contains("3 ranges"));
    }

    @Test
    void shouldFetchALargeBlobInRangesIntoARegistryAndMoveNothingOnTheSecondRun() {
        proxy.roundTrip(FaultProxy.ACROSS_THE_INTERNET);
        try (LocalRegistry target = LocalRegistry.startPlain();
                RegistryClient targetClient =
                        new RegistryClient(target.clientOptions().build())) {
            try (MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
                List<StagedArtifact> artifacts = List.of(staged(LARGE_REPOSITORY, targetClient));
                engine.copyContent(artifacts);
                engine.tag(artifacts);
                assertThat(engine.blobsInRanges()).isEqualTo(1);
                assertThat(engine.concurrencyDecisions())
                        .extracting(AdaptiveConcurrency.Decision::reason)
                        .startsWith(AdaptiveConcurrency.Reason.DISTANT);
            }
            assertThat(proxy.count("GET", "/blobs/" + largeLayer.digest())).isEqualTo(3);
            assertThat(targetClient.hasBlob("registry.example/" + LARGE_REPOSITORY, largeLayer))
                    .isTrue();

            try (MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
                List<StagedArtifact> artifacts = List.of(staged(LARGE_REPOSITORY, targetClient));
                engine.copyContent(artifacts);
                assertThat(engine.bytesTransferred()).isZero();
                assertThat(engine.blobsSkipped()).isEqualTo(2);
            }
            assertThat(proxy.count("GET", "/blobs/" + largeLayer.digest())).isEqualTo(3);
        }
    }

    @Test
    void shouldCommitNothingToARegistryWhenARangeIsCorrupted() {
        proxy.roundTrip(FaultProxy.ACROSS_THE_INTERNET);
        proxy.inject(Fault.corruptBody("GET", "/blobs/" + largeLayer.digest(), true, 1));
        try (LocalRegistry target = LocalRegistry.startPlain();
                RegistryClient targetClient =
                        new RegistryClient(target.clientOptions().build());
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            List<StagedArtifact> artifacts = List.of(staged(LARGE_REPOSITORY, targetClient));
            assertThatThrownBy(() -> engine.copyContent(artifacts))
                    .isInstanceOf(MirrorException.class)
                    .hasRootCauseInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining(largeLayer.digest());
            assertThat(targetClient.hasBlob("registry.example/" + LARGE_REPOSITORY, largeLayer))
                    .isFalse();
            assertThat(targetClient.listTags("registry.example/" + LARGE_REPOSITORY))
                    .isEmpty();
        }
    }

    @Test
    void shouldFetchALargeBlobWholeWhenTheSourceIgnoresRange() throws Exception {
        proxy.roundTrip(FaultProxy.ACROSS_THE_INTERNET);
        proxy.ignoreRanges(true);
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"));
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            engine.copyContent(List.of(staged(LARGE_REPOSITORY, store)));
            assertThat(engine.blobsInRanges()).isZero();
            assertThat(store.hasBlob("any", largeLayer)).isTrue();
        }
        assertThat(proxy.count("GET", "/blobs/" + largeLayer.digest())).isEqualTo(1);
    }

    @Test
    void shouldSetTheTagsOfAllArtifactsAtOnce() throws Exception {
        int artifacts = 3;
        CountDownLatch tagging = new CountDownLatch(artifacts);
        List<Boolean> inFlightTogether = new CopyOnWriteArrayList<>();
        try (OciLayoutStore bundle = OciLayoutStore.openForWriting(temp.resolve("bundle"))) {
            // Each tag waits for the others: set one after the other, the first would wait here alone.
            OciStore target = (OciStore) Proxy.newProxyInstance(
                    OciStore.class.getClassLoader(), new Class<?>[] {OciStore.class}, (self, method, args) -> {
                        if (method.getName().equals("pushManifest") && !((String) args[1]).startsWith("sha256:")) {
                            tagging.countDown();
                            inFlightTogether.add(tagging.await(10, TimeUnit.SECONDS));
                        }
                        try {
                            return method.invoke(bundle, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            List<StagedArtifact> staged = new ArrayList<>();
            for (int i = 0; i < artifacts; i++) {
                staged.add(staged(sourceClient, TINY_REPOSITORY, target, "tags/" + i, "1"));
            }
            try (MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
                engine.copyContent(staged);
                engine.tag(staged);
            }

            assertThat(inFlightTogether).hasSize(artifacts).containsOnly(true);
            for (int i = 0; i < artifacts; i++) {
                assertThat(bundle.listTags("registry.example/tags/" + i)).containsExactly("1");
            }
        }
    }

    @Test
    void shouldSayWhatAFailedTagLeftWhenTheTargetRefusesIt() {
        try (WatchedTarget target = WatchedTarget.start();
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            target.proxy().inject(Fault.status("PUT", "/manifests/1$", 403, 1));
            List<StagedArtifact> artifacts = List.of(staged(TINY_REPOSITORY, target.client()));
            engine.copyContent(artifacts);

            assertThatThrownBy(() -> engine.tag(artifacts))
                    .isInstanceOf(MirrorException.class)
                    .hasMessageContaining("failed while tagging it")
                    .hasMessageContaining("Its content is in place")
                    .hasMessageContaining("sets the tags that are missing")
                    .hasMessageNotContaining("No tag of this run was set");
            assertThat(target.client().listTags("registry.example/" + TINY_REPOSITORY))
                    .isEmpty();
        }
    }

    @Test
    void shouldPutAndTagTheManifestsOverNewBlobsWithoutAskingWhetherTheTargetHoldsThem() {
        try (WatchedTarget target = WatchedTarget.start()) {
            for (int run = 1; run <= 2; run++) {
                try (MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
                    List<StagedArtifact> artifacts = List.of(staged(SMALL_REPOSITORY, target.client()));
                    engine.copyContent(artifacts);
                    engine.tag(artifacts);
                }
            }

            assertThat(target.proxy().count("PUT", "/manifests/"))
                    .as("stored and tagged once")
                    .isEqualTo(2);
            assertThat(target.proxy().count("HEAD", "/manifests/"))
                    .as("asked, by digest and by tag, only in the second run, which found every blob")
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldStoreAManifestTwoTagsShareOnceWhenTheirArtifactsCompleteTogether() {
        try (WatchedTarget target = WatchedTarget.start();
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            RegistryClient targetClient = target.client();
            // A floating tag and the exact one it names: the same content, into the same repository, at once.
            List<StagedArtifact> artifacts = List.of(
                    staged(sourceClient, SMALL_REPOSITORY, targetClient, SMALL_REPOSITORY, "1"),
                    staged(sourceClient, SMALL_REPOSITORY, targetClient, SMALL_REPOSITORY, "1.0.1"));
            engine.copyContent(artifacts);
            engine.tag(artifacts);

            assertThat(target.proxy().count("PUT", "/manifests/sha256:")
                            + target.proxy().count("HEAD", "/manifests/sha256:"))
                    .as("the shared manifest put by digest once, and not asked for or put again by the other")
                    .isEqualTo(1);
            assertThat(targetClient.listTags("registry.example/" + SMALL_REPOSITORY))
                    .containsExactlyInAnyOrder("1", "1.0.1");
        }
    }

    @Test
    void shouldStreamALargeBlobWholeFromANearRegistry() throws Exception {
        // Near is judged by the quickest answer so far: a cold JVM's first exchanges may take longer than its round
        // trip.
        for (int i = 0; i < 50 && sourceClient.rangesPayOff(); i++) {
            sourceClient.hasBlob(LARGE_REPOSITORY, largeLayer);
        }
        assertThat(sourceClient.rangesPayOff())
                .as("a registry on this machine answers quickly")
                .isFalse();
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"));
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            engine.copyContent(List.of(staged(LARGE_REPOSITORY, store)));
            assertThat(engine.blobsInRanges()).isZero();
            assertThat(store.hasBlob("any", largeLayer)).isTrue();
            assertThat(engine.highestConcurrency()).isEqualTo(TransferSlots.START);
        }
        assertThat(proxy.count("GET", "/blobs/" + largeLayer.digest())).isEqualTo(1);
    }

    @Test
    void shouldRunMoreTransfersAtOnceWhileEachConnectionIsThrottled() throws Exception {
        proxy.throttlePerConnection(512 * 1024);
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"));
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener, Duration.ofMillis(200))) {
            engine.copyContent(List.of(staged(SMALL_REPOSITORY, store)));

            List<AdaptiveConcurrency.Decision> decisions = engine.concurrencyDecisions();
            assertThat(decisions).isNotEmpty();
            assertThat(decisions.get(0).reason()).isEqualTo(AdaptiveConcurrency.Reason.GROW);
            assertThat(decisions.get(0).from()).isEqualTo(TransferSlots.START);
            assertThat(decisions).allMatch(decision -> decision.bytesPerSecond() > 0);
            assertThat(engine.highestConcurrency()).isGreaterThan(TransferSlots.START);
            assertThat(engine.blobsTransferred()).isEqualTo(SMALL_LAYERS + 1);
        }
        assertThat(log)
                .anyMatch(line -> line.startsWith("DEBUG Blob transfers at once " + TransferSlots.START + " -> "));
    }

    @Test
    void shouldFetchBlobsOfARoundTripWithoutWaitingForATransferSlot() throws Exception {
        StagedArtifact tiny;
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"))) {
            tiny = staged(TINY_REPOSITORY, store);
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            CountDownLatch enoughAtOnce = new CountDownLatch(4);
            // Each tiny layer's answer waits until four are asked for at once (or two seconds): with two slots only
            // two could be.
            proxy.handle("/v2/" + TINY_REPOSITORY + "/blobs/", request -> {
                mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    String digest = request.target().substring(request.target().lastIndexOf('/') + 1);
                    byte[] bytes = tinyBlobs.get(digest);
                    if (bytes != null) {
                        enoughAtOnce.countDown();
                        enoughAtOnce.await(2, TimeUnit.SECONDS);
                    } else {
                        // The image's config, straight from the source registry.
                        try (InputStream config = URI.create("http://" + source.host() + request.target())
                                .toURL()
                                .openStream()) {
                            bytes = config.readAllBytes();
                        }
                    }
                    return new FaultProxy.Answer(200, Map.of("Content-Type", "application/octet-stream"), bytes);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
            try (MirrorEngine engine = new MirrorEngine(2, Duration.ZERO, listener)) {
                engine.copyContent(List.of(tiny));
                assertThat(engine.blobsTransferred()).isEqualTo(TINY_LAYERS + 1);
            }
            assertThat(mostAtOnce.get())
                    .as("blobs that move in a round trip take no transfer slot (two here)")
                    .isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void shouldLookEveryBlobUpAtTheTargetWithoutWaitingForTransfers() {
        proxy.throttlePerConnection(512 * 1024);
        try (LocalRegistry target = LocalRegistry.startPlain()) {
            // The target behind the same proxy, so one request log orders look-ups and transfers.
            proxy.route("/v2/registry.example/", target.host());
            try (RegistryClient targetClient = new RegistryClient(RegistryClientOptions.builder(proxy.host())
                            .plainHttp(true)
                            .build());
                    MirrorEngine engine = new MirrorEngine(2, Duration.ZERO, listener)) {
                engine.copyContent(List.of(staged(SMALL_REPOSITORY, targetClient)));
                assertThat(engine.blobsTransferred()).isEqualTo(SMALL_LAYERS + 1);
            }
        }
        List<String> requests = proxy.requests();
        int lastLookUp = -1;
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).startsWith("HEAD /v2/registry.example/" + SMALL_REPOSITORY + "/blobs/")) {
                lastLookUp = i;
            }
        }
        long transfersStartedBefore = requests.subList(0, lastLookUp).stream()
                .filter(request -> request.startsWith("GET /v2/" + SMALL_REPOSITORY + "/blobs/"))
                .count();
        assertThat(lastLookUp).isPositive();
        assertThat(transfersStartedBefore)
                .as("each blob transfer takes half a second and two run at once; the look-ups do not queue behind"
                        + " them")
                .isLessThanOrEqualTo(4);
    }

    @Test
    void shouldRunFewerTransfersAtOnceWhenTheSourceAnswersTooManyRequests() throws Exception {
        proxy.throttlePerConnection(512 * 1024);
        proxy.inject(Fault.tooManyRequests("GET", "/blobs/", "0", 6));
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"));
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener, Duration.ofMillis(200))) {
            engine.copyContent(List.of(staged(SMALL_REPOSITORY, store)));

            List<AdaptiveConcurrency.Decision> decisions = engine.concurrencyDecisions();
            assertThat(decisions).isNotEmpty();
            AdaptiveConcurrency.Decision first = decisions.get(0);
            assertThat(first.reason()).isEqualTo(AdaptiveConcurrency.Reason.SHRINK);
            assertThat(first.to()).as("halved").isEqualTo(Math.max(TransferSlots.MIN, TransferSlots.START / 2));
            assertThat(engine.blobsTransferred()).isEqualTo(SMALL_LAYERS + 1);
        }
    }

    @Test
    void shouldCopyAnArtifactHandedOverWhileTheOthersAreStillRead() throws Exception {
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"));
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            StagedArtifact tiny = staged(TINY_REPOSITORY, store);
            StagedArtifact small = staged(SMALL_REPOSITORY, store);
            String tinyCopied = "INFO docker.io/" + TINY_REPOSITORY + ":1 -> ";
            String staged = engine.copyContent(handOver -> {
                handOver.accept(List.of(tiny));
                // Reading the rest waits until the first is copied: an engine that waited for all would stall here.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (log.stream().noneMatch(line -> line.startsWith(tinyCopied)) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                boolean copiedBefore = log.stream().anyMatch(line -> line.startsWith(tinyCopied));
                handOver.accept(List.of(small));
                return copiedBefore ? "the first was copied first" : "the first waited";
            });
            assertThat(staged).isEqualTo("the first was copied first");
            assertThat(engine.blobsTransferred()).isEqualTo(TINY_LAYERS + 1 + SMALL_LAYERS + 1);
            assertThat(store.resolve(
                            "registry.example/" + SMALL_REPOSITORY,
                            small.graph().root().descriptor().digest()))
                    .isPresent();
        }
    }

    @Test
    void shouldMoveABlobOnceWhenAnArtifactHandedOverLaterNeedsItToo() {
        proxy.throttlePerConnection(2 * 1024 * 1024);
        try (LocalRegistry target = LocalRegistry.startPlain();
                RegistryClient targetClient =
                        new RegistryClient(target.clientOptions().build());
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            StagedArtifact first = staged(sourceClient, SMALL_REPOSITORY, targetClient, "engine/first");
            StagedArtifact second = staged(sourceClient, SMALL_REPOSITORY, targetClient, "engine/second");
            engine.copyContent(handOver -> {
                handOver.accept(List.of(first));
                handOver.accept(List.of(second));
                return null;
            });
            engine.tag(List.of(first, second));
            assertThat(engine.blobsTransferred()).isEqualTo(SMALL_LAYERS + 1);
            assertThat(engine.blobsMounted() + engine.blobsSkipped()).isEqualTo(SMALL_LAYERS + 1);
            assertThat(targetClient.listTags("registry.example/engine/second")).containsExactly("1");
        }
        assertThat(proxy.count("GET", "/v2/" + SMALL_REPOSITORY + "/blobs/")).isEqualTo(SMALL_LAYERS + 1);
    }

    @Test
    void shouldStopTheTransfersAndThrowStagingsOwnFailureWhenReadingFails() throws Exception {
        proxy.throttlePerConnection(128 * 1024);
        MirrorException unreadable = new MirrorException("docker.io/engine/gone:1", "engine/gone cannot be read", null);
        try (OciLayoutStore store = OciLayoutStore.openForWriting(temp.resolve("bundle"));
                MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, listener)) {
            StagedArtifact large = staged(LARGE_REPOSITORY, store);
            long started = System.nanoTime();
            assertThatThrownBy(() -> engine.copyContent(handOver -> {
                        handOver.accept(List.of(large));
                        // The next read fails once the layer is on its way.
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (proxy.count("GET", "/blobs/" + largeLayer.digest()) == 0
                                && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                        throw unreadable;
                    }))
                    .isSameAs(unreadable);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the 8 MiB layer in three ranges at 128 KiB/s each would take 20 s; it was stopped")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(store.hasBlob("any", largeLayer)).isFalse();
            try (Stream<Path> ingest = Files.list(temp.resolve("bundle").resolve("ingest"))) {
                assertThat(ingest).as("no partial file left").isEmpty();
            }
        }
    }
}
