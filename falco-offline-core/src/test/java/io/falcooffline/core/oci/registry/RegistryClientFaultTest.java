package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.FaultProxy.Fault;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import io.falcooffline.core.testing.TestCertificates;
import io.falcooffline.core.testing.TokenServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real registry behind a proxy that injects failures. */
class RegistryClientFaultTest {

    private static final String REPOSITORY = "falcosecurity/plugins/plugin/k8saudit";
    private static final SyntheticArtifact PLUGIN = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
    private static final SyntheticArtifact.Blob LAYER = PLUGIN.blobs().get(1);

    private static LocalRegistry registry;
    private FaultProxy proxy;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.startPlain();
        try (RegistryClient direct = new RegistryClient(registry.clientOptions().build())) {
            PLUGIN.pushTo(direct, REPOSITORY, "0.16.1");
        }
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(registry.host());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private RegistryClient client(RegistryClientOptions.Builder adjust) {
        return new RegistryClient(adjust.host(proxy.host()).build());
    }

    private RegistryClientOptions.Builder fast() {
        return RegistryClientOptions.builder(proxy.host())
                .plainHttp(true)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(50));
    }

    @Test
    void shouldSucceedWhenRegistryAnswers503TwiceThen200() {
        proxy.inject(Fault.status("GET", "/manifests/0.16.1", 503, 2));
        try (RegistryClient client = client(fast())) {
            Manifest manifest = client.fetchManifest(REPOSITORY, "0.16.1");

            assertThat(manifest).isEqualTo(PLUGIN.root());
        }
        assertThat(proxy.count("GET", "/manifests/0.16.1")).isEqualTo(3);
    }

    @Test
    void shouldFailAfterMaxAttemptsWhenRegistryKeepsAnswering500() {
        proxy.inject(Fault.status("GET", "/manifests/0.16.1", 500, 100));
        try (RegistryClient client = client(fast())) {
            assertThatThrownBy(() -> client.fetchManifest(REPOSITORY, "0.16.1"))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(500))
                    .hasMessageContaining("answered 500")
                    .hasMessageContaining("injected 500")
                    .hasMessageContaining("manifest " + REPOSITORY + ":0.16.1")
                    .hasMessageContaining("all 4 attempts")
                    .hasMessageNotContaining("maxAttempts");
        }
        assertThat(proxy.count("GET", "/manifests/0.16.1")).isEqualTo(4);
    }

    @Test
    void shouldFailAtOnceWhenRetryAfterExceedsTheCap() {
        proxy.inject(Fault.tooManyRequests("GET", "/blobs/", "86400", 100));
        long start = System.nanoTime();
        try (RegistryClient client = client(fast())) {
            assertThatThrownBy(() -> client.fetchBlob(REPOSITORY, LAYER.descriptor()))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("429")
                    .hasMessageContaining("retry after 86400 s")
                    .hasMessageContaining("s this client waits")
                    .hasMessageNotContaining("maxRetryAfter")
                    .hasMessageContaining(LAYER.descriptor().digest());
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(proxy.count("GET", "/blobs/")).isEqualTo(1);
    }

    @Test
    void shouldWaitForRetryAfterWhenItIsWithinTheCap() throws Exception {
        proxy.inject(Fault.tooManyRequests("GET", "/blobs/", "1", 1));
        long start = System.nanoTime();
        try (RegistryClient client = client(fast());
                InputStream in = client.fetchBlob(REPOSITORY, LAYER.descriptor())) {
            assertThat(in.readAllBytes()).isEqualTo(LAYER.bytes());
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void shouldBlameTheRedirectTargetWhenItRefusesTheConnection() throws Exception {
        String storage = "127.0.0.1:9";
        proxy.inject(Fault.respond(
                "GET",
                "/blobs/",
                307,
                Map.of("Location", "http://" + storage + "/storage/blob?X-Amz-Signature=abc"),
                new byte[0],
                100));
        try (RegistryClient client = client(fast());
                InputStream in = client.fetchBlob(REPOSITORY, LAYER.descriptor())) {
            in.readAllBytes();
            throw new AssertionError("the blob was read although its redirect target refuses connections");
        } catch (RegistryException e) {
            assertThat(e.getMessage())
                    .contains("redirected GET blob " + REPOSITORY + "@"
                            + LAYER.descriptor().digest() + " to http://" + storage)
                    .contains("storage backend")
                    .doesNotContain("X-Amz-Signature")
                    .doesNotContain("Cannot connect to registry " + proxy.host());
        }
    }

    @Test
    void shouldRetryWhenTheConnectionIsDropped() {
        proxy.inject(Fault.dropConnection("HEAD", "/manifests/", 2));
        try (RegistryClient client = client(fast())) {
            assertThat(client.resolve(REPOSITORY, "0.16.1"))
                    .contains(PLUGIN.root().descriptor());
        }
        assertThat(proxy.count("HEAD", "/manifests/")).isEqualTo(3);
    }

    @Test
    void shouldFailWithinTheTimeoutWhenRegistryStallsBeforeAnswering() {
        proxy.inject(Fault.stall("GET", "/manifests/", Duration.ofSeconds(30), 100));
        long start = System.nanoTime();
        try (RegistryClient client = client(fast().requestTimeout(Duration.ofMillis(700)))) {
            assertThatThrownBy(() -> client.fetchManifest(REPOSITORY, "0.16.1"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("did not answer GET manifest " + REPOSITORY + ":0.16.1")
                    .hasMessageContaining("700 ms")
                    .hasMessageNotContaining("requestTimeout")
                    .hasMessageContaining(proxy.host());
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldFailWithinTheTimeoutWhenBlobBodyStalls() throws Exception {
        proxy.inject(Fault.stallBody("GET", "/blobs/", 100, Duration.ofSeconds(30), 100));
        long start = System.nanoTime();
        try (RegistryClient client = client(fast().requestTimeout(Duration.ofMillis(700)));
                InputStream in = client.fetchBlob(REPOSITORY, LAYER.descriptor())) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("stopped sending GET blob " + REPOSITORY + "@"
                            + LAYER.descriptor().digest())
                    .hasMessageContaining("700 ms")
                    .hasMessageNotContaining("requestTimeout");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldFailWithinTheTimeoutWhenTheTargetStopsReadingAStreamedUpload() throws Exception {
        long size = 64L << 20;
        Descriptor blob = new Descriptor("application/octet-stream", LargeBlobCopy.digestOf(size), size);
        proxy.inject(Fault.stopReading("PUT", "/blobs/uploads/", Duration.ofSeconds(30), 1));
        long start = System.nanoTime();
        try (RegistryClient client = client(fast().requestTimeout(Duration.ofMillis(700)))) {
            assertThatThrownBy(() -> client.pushBlob("stalled/target", blob, new LargeBlobCopy.GeneratedStream(size)))
                    .isInstanceOf(UploadInterruptedException.class)
                    .cause()
                    .hasMessageContaining("PUT blob")
                    .hasMessageContaining("700 ms");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("a blocked write ends at the request timeout, not when the socket gives up")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldRejectCorruptedBlobWhenRegistryKeepsItsDigestHeader() throws Exception {
        proxy.inject(Fault.corruptBody("GET", "/blobs/", true, 100));
        assertCorruptBlobRejected();
    }

    @Test
    void shouldRejectCorruptedBlobWhenRegistrySendsNoDigestHeader() throws Exception {
        proxy.inject(Fault.corruptBody("GET", "/blobs/", false, 100));
        assertCorruptBlobRejected();
    }

    private void assertCorruptBlobRejected() throws Exception {
        try (RegistryClient client = client(fast());
                InputStream in = client.fetchBlob(REPOSITORY, LAYER.descriptor())) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOfSatisfying(
                            DigestMismatchException.class,
                            e -> assertThat(e.expectedDigest())
                                    .isEqualTo(LAYER.descriptor().digest()))
                    .hasMessageContaining("Blob " + LAYER.descriptor().digest())
                    .hasMessageContaining(proxy.host())
                    .hasMessageContaining("is corrupt");
        }
    }

    @Test
    void shouldRejectCorruptedManifestFetchedByTagEvenWithTheRegistrysDigestHeader() {
        proxy.inject(Fault.corruptBody("GET", "/manifests/0.16.1", true, 100));
        try (RegistryClient client = client(fast())) {
            assertThatThrownBy(() -> client.fetchManifest(REPOSITORY, "0.16.1"))
                    .isInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining("expected " + PLUGIN.digest());
        }
    }

    @Test
    void shouldRejectCorruptedManifestFetchedByDigest() {
        proxy.inject(Fault.corruptBody("GET", "/manifests/sha256", false, 100));
        try (RegistryClient client = client(fast())) {
            assertThatThrownBy(() -> client.fetchManifest(REPOSITORY, PLUGIN.digest()))
                    .isInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining("expected " + PLUGIN.digest());
        }
    }

    @Test
    void shouldResumeBlobDownloadWhenTheConnectionBreaksMidway() throws Exception {
        proxy.inject(Fault.truncateBody("GET", "/blobs/", 1000, 1));
        try (RegistryClient client = client(fast());
                InputStream in = client.fetchBlob(REPOSITORY, LAYER.descriptor())) {
            assertThat(in.readAllBytes()).isEqualTo(LAYER.bytes());
        }
        assertThat(proxy.count("GET", "/blobs/")).isEqualTo(2);
    }

    @Test
    void shouldFailBoundedlyWhenTagListLinksPointAtTheSamePage() {
        String page = "/v2/" + REPOSITORY + "/tags/list?n=1000";
        proxy.inject(Fault.respond(
                "GET",
                "/tags/list",
                200,
                Map.of("Content-Type", "application/json", "Link", "<" + page + ">; rel=\"next\""),
                ("{\"name\":\"" + REPOSITORY + "\",\"tags\":[\"a\"]}").getBytes(StandardCharsets.UTF_8),
                100));
        try (RegistryClient client = client(fast())) {
            assertThatThrownBy(() -> client.listTags(REPOSITORY))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("does not end");
        }
        assertThat(proxy.count("GET", "/tags/list")).isEqualTo(1);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"file:///etc/passwd", "ftp://127.0.0.1/blob", "jar:file:/tmp/x.jar!/blob", "http://[broken/blob"
            })
    void shouldRefuseABlobRedirectOutOfHttpNamingTheRegistryAndTheFix(String location) {
        proxy.inject(Fault.respond("GET", "/blobs/", 307, Map.of("Location", location), new byte[0], 1));
        try (RegistryClient client = client(fast())) {
            assertThatThrownBy(() ->
                            client.fetchBlob(REPOSITORY, LAYER.descriptor()).close())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(proxy.host())
                    .hasMessageContaining("redirect settings");
        }
    }

    @Test
    void shouldFollowTagListPagesWhenRegistryPaginates() {
        // distribution 2.8 ignores n= for tags, so the pages come from the proxy, as a paginating registry sends them.
        proxy.inject(Fault.respond(
                "GET",
                "/tags/list\\?n=2$",
                200,
                Map.of(
                        "Content-Type",
                        "application/json",
                        "Link",
                        "</v2/paged/tags/tags/list?n=2&last=b>; rel=\"next\""),
                "{\"name\":\"paged/tags\",\"tags\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8),
                1));
        proxy.inject(Fault.respond(
                "GET",
                "/tags/list\\?n=2&last=b$",
                200,
                Map.of("Content-Type", "application/json"),
                "{\"name\":\"paged/tags\",\"tags\":[\"c\",\"d\"]}".getBytes(StandardCharsets.UTF_8),
                1));
        try (RegistryClient client = client(fast().tagPageSize(2))) {
            assertThat(client.listTags("paged/tags")).containsExactly("a", "b", "c", "d");
        }
        assertThat(proxy.requests())
                .containsExactly("GET /v2/paged/tags/tags/list?n=2", "GET /v2/paged/tags/tags/list?n=2&last=b");
    }

    @Test
    void shouldAnswerABearerChallengeThatArrivesInTheMiddleOfAnUpload(@TempDir Path temp) throws Exception {
        byte[] content = SyntheticArtifacts.pseudoRandom("challenged", 3000);
        Descriptor blob = new Descriptor("application/octet-stream", Digests.sha256(content), content.length);
        try (TokenServer tokens =
                TokenServer.startPlainHttp(TestCertificates.generate(temp)).anonymousPull(true)) {
            proxy.inject(Fault.respond(
                    "PATCH",
                    "/blobs/uploads/",
                    401,
                    Map.of(
                            "WWW-Authenticate",
                            "Bearer realm=\"" + tokens.realm() + "\",service=\"" + tokens.service()
                                    + "\",scope=\"repository:challenged/blob:pull,push\""),
                    new byte[0],
                    1));
            try (RegistryClient client = client(fast().chunkSize(1024))) {
                client.pushBlob("challenged/blob", blob, new ByteArrayInputStream(content));

                assertThat(client.hasBlob("challenged/blob", blob)).isTrue();
            }
            assertThat(tokens.requests()).containsExactly("anonymous repository:challenged/blob:pull,push");
        }
        assertThat(proxy.count("PATCH", "/blobs/uploads/")).isEqualTo(4);
    }

    @Test
    void shouldResumeChunkedUploadWhenAChunkFailsTransiently() throws Exception {
        byte[] content = SyntheticArtifacts.pseudoRandom("retry-chunks", 4000);
        Descriptor blob = new Descriptor("application/octet-stream", Digests.sha256(content), content.length);
        proxy.inject(Fault.status("PATCH", "/blobs/uploads/", 503, 1));
        try (RegistryClient client = client(fast().chunkSize(1024))) {
            client.pushBlob("retry/chunks", blob, new ByteArrayInputStream(content));

            try (InputStream in = client.fetchBlob("retry/chunks", blob)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
        assertThat(proxy.count("PATCH", "/blobs/uploads/")).isEqualTo(5);
        assertThat(proxy.count("PUT", "/blobs/uploads/.*digest=")).isEqualTo(1);
    }
}
