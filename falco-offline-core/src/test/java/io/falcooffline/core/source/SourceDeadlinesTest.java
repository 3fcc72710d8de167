package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ChartSource;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.falco.IndexSource;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.GitRepositories;
import io.falcooffline.core.testing.GitSmartHttp;
import io.falcooffline.core.testing.StaticHttpServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every read of a source has a deadline: a server that stops sending in the middle of a body fails the run. */
class SourceDeadlinesTest {

    @TempDir
    Path temp;

    @Test
    void aChartDownloadWhoseBodyStallsFailsWithinTheRequestTimeout() {
        TestChartRepository.write(temp.resolve("repo"), TestCharts.lighthouse(), List.of("1.2.3"));
        RegistryAccess.Builder access = RegistryAccess.builder();
        access.requestTimeout(Duration.ofSeconds(2));
        SourceOptions options =
                SourceOptions.builder().cacheDirectory(temp.resolve("cache")).build();
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"));
                FaultProxy proxy = FaultProxy.start(server.uri().getAuthority())) {
            proxy.inject(FaultProxy.Fault.stallBody("GET", ".*\\.tgz", 100, Duration.ofSeconds(60), 10));
            proxy.inject(FaultProxy.Fault.stallBody("GET", ".*index\\.yaml", 10, Duration.ofSeconds(60), 10));
            for (ChartSource source : List.of(
                    ChartSource.url("http://" + proxy.host() + "/lighthouse-1.2.3.tgz", null),
                    ChartSource.repository("http://" + proxy.host(), "lighthouse", "1.2.3"))) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> ChartSources.resolve(source, options, access.build(), ProgressListener.SILENT))
                        .as(source.describe())
                        .isInstanceOf(SourceUnreachableException.class)
                        .hasMessageContaining("timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            }
        }
    }

    @Test
    void aGitServerThatStopsAnsweringFailsWithinTheRequestTimeout() {
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        RegistryAccess.Builder access = RegistryAccess.builder();
        access.requestTimeout(Duration.ofSeconds(2));
        SourceOptions options =
                SourceOptions.builder().cacheDirectory(temp.resolve("cache")).build();
        try (GitSmartHttp http = GitSmartHttp.serve(bare.getParent());
                FaultProxy proxy =
                        FaultProxy.start(URI.create(http.url("repository.git")).getAuthority())) {
            proxy.inject(FaultProxy.Fault.stall("GET", "info/refs", Duration.ofSeconds(60), 10));
            String url = "http://" + proxy.host() + "/repository.git";
            long start = System.nanoTime();
            assertThatThrownBy(() -> ChartSources.resolve(
                            ChartSource.git(url, "v1.2.3", "charts/lighthouse"),
                            options,
                            access.build(),
                            ProgressListener.SILENT))
                    .isInstanceOf(SourceUnreachableException.class)
                    .hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void aFalcoctlIndexWhoseBodyStallsFailsWithinItsReadTimeout() throws java.io.IOException {
        java.nio.file.Files.createDirectories(temp.resolve("index"));
        java.nio.file.Files.writeString(
                temp.resolve("index/index.yaml"), "- name: k8saudit\n  type: plugin\n".repeat(200));
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("index"));
                FaultProxy proxy = FaultProxy.start(server.uri().getAuthority())) {
            proxy.inject(FaultProxy.Fault.stallBody("GET", ".*index\\.yaml", 10, Duration.ofSeconds(120), 10));
            String url = "http://" + proxy.host() + "/index.yaml";
            long start = System.nanoTime();
            assertThatThrownBy(() -> new IndexSource(java.util.Optional.empty(), ProxySettings.direct(), false)
                            .choose(java.util.Optional.of(url), List.of(), true))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining(url)
                    .hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(40));
        }
    }
}
