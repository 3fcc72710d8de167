package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ChartSource;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.falco.IndexSource;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.ForwardProxy;
import io.falcooffline.core.testing.GitRepositories;
import io.falcooffline.core.testing.GitSmartHttp;
import io.falcooffline.core.testing.StaticHttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chart downloads, Helm repositories, git over HTTP and the falcoctl index go through the proxy: their servers are
 * named {@code *.upstream.test}, which only the proxy resolves.
 */
class ProxySourcesTest {

    private static final String PROXY_PASSWORD = "s0urce-proxy-secret";

    @TempDir
    Path temp;

    private SourceOptions options() {
        return SourceOptions.builder().cacheDirectory(temp.resolve("cache")).build();
    }

    private static RegistryAccess through(ForwardProxy proxy, boolean offline) {
        RegistryAccess.Builder access = RegistryAccess.builder();
        access.proxy(ProxySettings.fromEnvironment(Map.of(
                "http_proxy", "http://builder:" + PROXY_PASSWORD + "@127.0.0.1:" + proxy.port(), "no_proxy", "")));
        access.offline(offline);
        return access.build();
    }

    /** The server's URL under a name only the proxy resolves. */
    private static String upstream(URI local, String name) {
        return "http://" + name + ".upstream.test:" + local.getPort();
    }

    @Test
    void shouldDownloadAChartAndAHelmRepositoryThroughTheProxyAndServeTheCacheOfflineWithoutConnecting()
            throws IOException {
        TestChartRepository.archive(TestCharts.lighthouse(), temp.resolve("site/lighthouse-1.2.3.tgz"));
        TestChartRepository.write(temp.resolve("repo"), TestCharts.lighthouse(), List.of("1.2.3"));
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressListener listener = (level, message) -> log.add(message);
        try (StaticHttpServer site = StaticHttpServer.serve(temp.resolve("site"));
                StaticHttpServer repository = StaticHttpServer.serve(temp.resolve("repo"));
                ForwardProxy proxy = ForwardProxy.start()
                        .resolve("charts.upstream.test", "127.0.0.1")
                        .requireLogin("builder", PROXY_PASSWORD)) {
            String chartUrl = upstream(site.uri(), "charts") + "/lighthouse-1.2.3.tgz";
            String repositoryUrl = upstream(repository.uri(), "charts");

            ResolvedChart url =
                    ChartSources.resolve(ChartSource.url(chartUrl, null), options(), through(proxy, false), listener);
            ResolvedChart fromRepository = ChartSources.resolve(
                    ChartSource.repository(repositoryUrl, "lighthouse", "1.2.*"),
                    options(),
                    through(proxy, false),
                    listener);

            assertThat(new ChartReader().read(url.path()).name()).isEqualTo("lighthouse");
            assertThat(fromRepository.digest()).isEqualTo(url.digest());
            assertThat(proxy.requests()).contains("GET " + chartUrl, "GET " + repositoryUrl + "/index.yaml");
            assertThat(site.requests()).isNotEmpty();
            int connections = proxy.connections();

            ResolvedChart offline =
                    ChartSources.resolve(ChartSource.url(chartUrl, null), options(), through(proxy, true), listener);

            assertThat(offline.digest()).isEqualTo(url.digest());
            assertThat(proxy.connections()).as("offline connects nowhere").isEqualTo(connections);
            assertThatThrownBy(() -> ChartSources.resolve(
                            ChartSource.url(upstream(site.uri(), "charts") + "/other-1.0.0.tgz", null),
                            options(),
                            through(proxy, true),
                            listener))
                    .isInstanceOf(SourceUnreachableException.class)
                    .hasMessageContaining("Offline")
                    .hasMessageContaining("other-1.0.0.tgz")
                    .hasMessageContaining("run once online");
            assertThat(proxy.connections()).isEqualTo(connections);
            assertThat(String.join("\n", log)).doesNotContain(PROXY_PASSWORD);
        }
    }

    @Test
    void shouldFetchFromGitOverHttpThroughTheProxy() {
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        try (GitSmartHttp http = GitSmartHttp.serve(bare.getParent());
                ForwardProxy proxy = ForwardProxy.start().resolve("git.upstream.test", "127.0.0.1")) {
            String url = upstream(URI.create(http.url("repository.git")), "git") + "/repository.git";
            RegistryAccess.Builder access = RegistryAccess.builder();
            access.proxy(ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", proxy.url())));

            ResolvedChart resolved = ChartSources.resolve(
                    ChartSource.git(url, "v1.2.3", "charts/lighthouse"),
                    options(),
                    access.build(),
                    ProgressListener.SILENT);

            assertThat(new ChartReader().read(resolved.path()).name()).isEqualTo("lighthouse");
            assertThat(proxy.requests())
                    .anyMatch(request -> request.startsWith("GET " + url + "/info/refs"))
                    .anyMatch(request -> request.equals("POST " + url + "/git-upload-pack"));
        }
    }

    @Test
    void shouldFetchTheFalcoctlIndexThroughTheProxy() throws IOException {
        Files.createDirectories(temp.resolve("index"));
        Files.writeString(
                temp.resolve("index/index.yaml"),
                "- name: my-rules\n  type: rulesfile\n  registry: harbor.corp\n  repository: rules/my-rules\n");
        try (StaticHttpServer site = StaticHttpServer.serve(temp.resolve("index"));
                ForwardProxy proxy = ForwardProxy.start().resolve("index.upstream.test", "127.0.0.1")) {
            String url = upstream(site.uri(), "index") + "/index.yaml";
            List<Map<String, Object>> configured = List.of(Map.of("name", "mine", "url", url));

            IndexSource.Chosen chosen = new IndexSource(
                            Optional.empty(), ProxySettings.fromEnvironment(Map.of("http_proxy", proxy.url())), false)
                    .choose(Optional.empty(), configured, true);
            IndexSource.Chosen direct = new IndexSource(Optional.empty(), ProxySettings.direct(), false)
                    .choose(Optional.empty(), configured, true);

            assertThat(chosen.origin()).isEqualTo(IndexSource.Origin.FETCHED);
            assertThat(chosen.index().find("my-rules")).isPresent();
            assertThat(proxy.requests()).containsExactly("GET " + url);
            assertThat(direct.origin()).isEqualTo(IndexSource.Origin.BUILT_IN);
            assertThat(direct.description()).contains("index.upstream.test").contains("does not resolve");
        }
    }
}
