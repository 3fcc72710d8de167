package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.FALCO_IMAGE;
import static io.falcooffline.core.mirror.UpstreamFixture.JSON_DEPENDENCY;
import static io.falcooffline.core.mirror.UpstreamFixture.K8SAUDIT;
import static io.falcooffline.core.mirror.UpstreamFixture.REDIS_IMAGE;
import static io.falcooffline.core.mirror.UpstreamFixture.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.HostUnreachableException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.VerifyMode;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.ForwardProxy;
import io.falcooffline.core.testing.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corporate build machine: the upstream registry is {@code registry.upstream.test}, a name only the proxy resolves
 * (a direct connection fails with an unknown host), so every artifact that arrives came through the proxy.
 */
class ProxyMirrorTest {

    private static final String UPSTREAM_NAME = "registry.upstream.test";
    private static final String INTERNAL = "192.168.5.96:30003";
    private static final String PROXY_USER = "builder";
    private static final String PROXY_PASSWORD = "pr0xy-S3cret-not-for-logs";

    @RegisterExtension
    static final UpstreamFixture upstream = UpstreamFixture.perClass();

    @TempDir
    Path temp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    private static String upstreamHost(LocalRegistry registry) {
        return UPSTREAM_NAME + ":" + registry.port();
    }

    private MirrorOptions.Builder bundleFrom(String upstreamHost) {
        return MirrorOptions.builder()
                .mode(MirrorMode.BUNDLE)
                .bundle(temp.resolve("bundle"))
                .registryMirrors(UpstreamFixture.registryMirrors(upstreamHost));
    }

    @Test
    void shouldMirrorTheChartsArtifactsThroughTheSettingsProxyWithItsLogin() {
        String host = upstreamHost(upstream.registry);
        try (ForwardProxy proxy =
                ForwardProxy.start().resolve(UPSTREAM_NAME, "127.0.0.1").requireLogin(PROXY_USER, PROXY_PASSWORD)) {
            MirrorOptions options = bundleFrom(host)
                    .insecureRegistries(List.of(host))
                    .proxy(ProxySettings.builder()
                            .proxy("http", "127.0.0.1", proxy.port(), PROXY_USER, PROXY_PASSWORD, "", "corporate")
                            .build())
                    .build();

            MirrorResult result =
                    MirrorCalls.run(options, INTERNAL, plan(INTERNAL), Optional.empty(), Optional.empty(), listener);

            assertThat(result.entries())
                    .extracting(LockEntry::source)
                    .contains(K8SAUDIT, FALCO_IMAGE, REDIS_IMAGE, JSON_DEPENDENCY);
            assertThat(proxy.requests())
                    .isNotEmpty()
                    .allSatisfy(request -> assertThat(request).contains("http://" + host + "/v2/"));
            assertThat(proxy.proxyAuthorizations()).isNotEmpty();
            assertThat(String.join("\n", log) + options).doesNotContain(PROXY_PASSWORD);
        }
    }

    @Test
    void shouldMirrorThroughTheTunnelOfTheProxyNamedByHttpsProxy() {
        try (UpstreamFixture tlsUpstream =
                        new UpstreamFixture(LocalRegistry.builder().tls().start());
                ForwardProxy proxy = ForwardProxy.start().resolve(UPSTREAM_NAME, "127.0.0.1")) {
            String host = upstreamHost(tlsUpstream.registry);
            MirrorOptions options = bundleFrom(host)
                    .caFile(tlsUpstream.registry.caFile().orElseThrow())
                    .proxy(ProxySettings.fromEnvironment(
                            Map.of("https_proxy", proxy.url(), "NO_PROXY", "localhost,.example.org")))
                    .build();

            MirrorResult result =
                    MirrorCalls.run(options, INTERNAL, plan(INTERNAL), Optional.empty(), Optional.empty(), listener);

            assertThat(result.entries())
                    .extracting(LockEntry::source)
                    .contains(K8SAUDIT, FALCO_IMAGE, REDIS_IMAGE, JSON_DEPENDENCY);
            assertThat(proxy.requests())
                    .isNotEmpty()
                    .allSatisfy(request -> assertThat(request).isEqualTo("CONNECT " + host));
        }
    }

    @Test
    void shouldSendTheBasicLoginThroughTheTunnelWhenTheJdkPropertyAllowsItTakingHttpsProxyFromTheEnvironment() {
        try (UpstreamFixture tlsUpstream =
                        new UpstreamFixture(LocalRegistry.builder().tls().start());
                ForwardProxy proxy = ForwardProxy.start()
                        .resolve(UPSTREAM_NAME, "127.0.0.1")
                        .requireLogin(PROXY_USER, PROXY_PASSWORD)) {
            String host = upstreamHost(tlsUpstream.registry);

            ProxyTunnelLoginChild.Outcome outcome = ProxyTunnelLoginChild.run(
                    List.of("-Djdk.http.auth.tunneling.disabledSchemes="),
                    Map.of(
                            "HTTPS_PROXY",
                            "http://" + PROXY_USER + ":" + PROXY_PASSWORD + "@127.0.0.1:" + proxy.port(),
                            "NO_PROXY",
                            "example.org"),
                    host,
                    tlsUpstream.registry.caFile().orElseThrow(),
                    temp.resolve("bundle"));

            assertThat(outcome.exitCode()).as(outcome.output()).isZero();
            assertThat(outcome.output()).contains("entries=7").doesNotContain(PROXY_PASSWORD);
            assertThat(proxy.requests())
                    .isNotEmpty()
                    .allSatisfy(request -> assertThat(request).isEqualTo("CONNECT " + host));
            assertThat(proxy.proxyAuthorizations()).isNotEmpty();
        }
    }

    @Test
    void shouldGoDirectlyToHostsInNoProxyAndFailFastNamingTheHostAndTheWayAround() {
        String host = upstreamHost(upstream.registry);
        try (ForwardProxy proxy = ForwardProxy.start().resolve(UPSTREAM_NAME, "127.0.0.1")) {
            MirrorOptions options = bundleFrom(host)
                    .insecureRegistries(List.of(host))
                    .proxy(ProxySettings.fromEnvironment(
                            Map.of("HTTP_PROXY", proxy.url(), "HTTPS_PROXY", proxy.url(), "NO_PROXY", "upstream.test")))
                    .build();
            long start = System.nanoTime();

            assertThatThrownBy(() -> MirrorCalls.run(
                            options, INTERNAL, plan(INTERNAL), Optional.empty(), Optional.empty(), listener))
                    .isInstanceOf(MirrorException.class)
                    .hasCauseInstanceOf(HostUnreachableException.class)
                    .hasMessageContaining("Cannot reach " + host + " directly")
                    .hasMessageContaining("does not resolve")
                    .hasMessageContaining("registryMirrors")
                    .hasMessageContaining("HTTPS_PROXY")
                    .hasMessageContaining("mirror=false");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(proxy.connections()).as("NO_PROXY bypasses the proxy").isZero();
            assertThat(log).noneMatch(line -> line.contains("retry"));
        }
    }

    @Test
    void shouldRefuseAProxyThatWantsALoginWithoutRetryingAndNamingTheSetting() {
        String host = upstreamHost(upstream.registry);
        try (ForwardProxy proxy =
                ForwardProxy.start().resolve(UPSTREAM_NAME, "127.0.0.1").requireLogin(PROXY_USER, PROXY_PASSWORD)) {
            MirrorOptions options = bundleFrom(host)
                    .insecureRegistries(List.of(host))
                    .proxy(ProxySettings.fromEnvironment(Map.of("http_proxy", proxy.url())))
                    .build();

            assertThatThrownBy(() -> MirrorCalls.run(
                            options, INTERNAL, plan(INTERNAL), Optional.empty(), Optional.empty(), listener))
                    .hasRootCauseInstanceOf(HostUnreachableException.class)
                    .hasMessageContaining("proxy 127.0.0.1:" + proxy.port() + " (from http_proxy)")
                    .hasMessageContaining("407")
                    .hasMessageContaining("<password>")
                    .hasMessageNotContaining(PROXY_PASSWORD);
        }
    }

    @Test
    void shouldExplainTheJdkPropertyWhenTheTunnelNeedsABasicLoginTheJdkWithholds() {
        assertThat(System.getProperty("jdk.http.auth.tunneling.disabledSchemes"))
                .as("this test runs with the JDK's default, which disables Basic for tunnels")
                .isNull();
        try (UpstreamFixture tlsUpstream =
                        new UpstreamFixture(LocalRegistry.builder().tls().start());
                ForwardProxy proxy = ForwardProxy.start()
                        .resolve(UPSTREAM_NAME, "127.0.0.1")
                        .requireLogin(PROXY_USER, PROXY_PASSWORD)) {
            String host = upstreamHost(tlsUpstream.registry);
            MirrorOptions options = bundleFrom(host)
                    .caFile(tlsUpstream.registry.caFile().orElseThrow())
                    .proxy(ProxySettings.fromEnvironment(Map.of(
                            "HTTPS_PROXY",
                            "http://" + PROXY_USER + ":" + PROXY_PASSWORD + "@127.0.0.1:" + proxy.port())))
                    .build();

            assertThatThrownBy(() -> MirrorCalls.run(
                            options, INTERNAL, plan(INTERNAL), Optional.empty(), Optional.empty(), listener))
                    .hasMessageContaining("HTTPS tunnel to " + host)
                    .hasMessageContaining("-Djdk.http.auth.tunneling.disabledSchemes=")
                    .hasMessageNotContaining(PROXY_PASSWORD);
            assertThat(proxy.requests()).containsOnly("CONNECT " + host);
            assertThat(String.join("\n", log)).doesNotContain(PROXY_PASSWORD);
        }
    }

    @Test
    void shouldUploadInChunksThroughTheProxyWithItsLogin() throws Exception {
        try (LocalRegistry target = LocalRegistry.startPlain();
                ForwardProxy proxy = ForwardProxy.start()
                        .resolve(UPSTREAM_NAME, "127.0.0.1")
                        .requireLogin(PROXY_USER, PROXY_PASSWORD);
                RegistryClient client = new RegistryClient(RegistryClientOptions.builder(upstreamHost(target))
                        .plainHttp(true)
                        .chunkSize(4096)
                        .proxy(ProxySettings.fromEnvironment(Map.of(
                                "http_proxy",
                                "http://" + PROXY_USER + ":" + PROXY_PASSWORD + "@127.0.0.1:" + proxy.port())))
                        .build())) {
            byte[] blob = new byte[10_000];
            new java.util.Random(7).nextBytes(blob);
            Descriptor descriptor = new Descriptor("application/octet-stream", Digests.sha256(blob), blob.length);

            client.pushBlob("chunked/blob", descriptor, new ByteArrayInputStream(blob));

            try (InputStream back = client.fetchBlob("chunked/blob", descriptor)) {
                assertThat(back.readAllBytes()).isEqualTo(blob);
            }
            assertThat(proxy.requests())
                    .anyMatch(request -> request.startsWith("PATCH http://" + upstreamHost(target) + "/v2/"))
                    .anyMatch(request -> request.startsWith("PUT http://" + upstreamHost(target) + "/v2/"));
        }
    }

    @Test
    void shouldConnectNowhereWhenOfflineAndSayWhatIsMissing() {
        String host = upstreamHost(upstream.registry);
        try (ForwardProxy proxy = ForwardProxy.start().resolve(UPSTREAM_NAME, "127.0.0.1")) {
            MirrorOptions options = bundleFrom(host)
                    .insecureRegistries(List.of(host))
                    .proxy(ProxySettings.fromEnvironment(Map.of("http_proxy", proxy.url())))
                    .offline(true)
                    .build();
            long start = System.nanoTime();

            assertThatThrownBy(() -> MirrorCalls.run(
                            options, INTERNAL, plan(INTERNAL), Optional.empty(), Optional.empty(), listener))
                    .isInstanceOf(MirrorException.class)
                    .hasRootCauseInstanceOf(RegistryException.class)
                    .hasMessageContaining("Offline")
                    .hasMessageContaining(host)
                    .hasMessageContaining("mirror=false");
            PackageRequest request = PackageRequest.builder()
                    .chart(TestCharts.lighthouse())
                    .registry(INTERNAL)
                    .outputDirectory(temp.resolve("out"))
                    .verify(VerifyMode.OFF)
                    .mirror(options)
                    .build();
            assertThat(request.offline()).isTrue();
            assertThatThrownBy(() -> FalcoOffline.packageChart(request, listener))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.parameter()).isEqualTo("mirror"))
                    .hasMessageContaining("Offline (mvn -o)")
                    .hasMessageContaining("mirror=false");

            assertThatThrownBy(() -> FalcoOffline.push(
                            PushRequest.builder()
                                    .bundle(temp.resolve("bundle"))
                                    .proxy(options.proxy())
                                    .offline(true)
                                    .build(),
                            listener))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("Offline (mvn -o)")
                    .hasMessageContaining("without -o");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(proxy.connections()).isZero();
            assertThat(temp.resolve("out")).doesNotExist();
        }
    }
}
