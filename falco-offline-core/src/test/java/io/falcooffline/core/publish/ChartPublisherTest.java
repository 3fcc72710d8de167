package io.falcooffline.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.mirror.ChartArtifact;
import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.mirror.MirrorLock;
import io.falcooffline.core.mirror.MirrorRequest;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.render.StubKubernetesApi;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.source.HelmIndex;
import io.falcooffline.core.source.Provenance;
import io.falcooffline.core.source.ResolvedChart;
import io.falcooffline.core.source.VersionConstraint;
import io.falcooffline.core.testing.GitRepositories;
import io.falcooffline.core.testing.GitSmartHttp;
import io.falcooffline.core.testing.HelmRepositorySearch;
import io.falcooffline.core.testing.HostileFiles;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.StaticHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartPublisherTest {

    private static final Instant TIMESTAMP = Instant.parse("2026-03-04T05:06:07Z");

    @TempDir
    Path temp;

    private PackageRequest.Builder request(String registry, Path output) {
        return PackageRequest.builder()
                .chart(TestCharts.lighthouse())
                .registry(registry)
                .repositoryPrefix("charts")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .strict(false)
                .outputTimestamp(TIMESTAMP)
                .outputDirectory(output);
    }

    @Test
    void nothingToPublishLeavesTheChartUnparsed() {
        Path absent = temp.resolve("out/lighthouse-1.2.3.tgz");
        byte[] notAChart = new byte[0];

        PublishResult result = ChartPublisher.publish(
                PublishOptions.none(),
                new PublishedChart(
                        absent,
                        notAChart,
                        temp.resolve("out/falco-offline.plan.json"),
                        "192.168.5.96:30003",
                        "charts",
                        MirrorOptions.none(),
                        RegistryAccess.builder().build(),
                        new ResolvedChart(TestCharts.lighthouse(), "lighthouse", "sha256:" + "0".repeat(64))),
                Optional.empty(),
                ProgressListener.SILENT);

        assertThat(result).isEqualTo(PublishResult.nothing());
    }

    @Test
    void publishedOciChartIsRenderedByHelmFromOci() {
        try (LocalRegistry registry = LocalRegistry.startPlain()) {
            PackageRequest request = request(registry.host(), temp.resolve("out"))
                    .mirror(MirrorOptions.builder()
                            .insecureRegistries(List.of(registry.host()))
                            .build())
                    .publish(PublishOptions.builder().publishChart(true).build())
                    .build();
            FalcoOffline.packageChart(request, ProgressListener.SILENT);

            String rendered = renderLighthouseFrom(registry);
            assertThat(rendered).contains(registry.host() + "/charts/lighthouse:2.4.1");
            String chartYaml = Helm.show("oci://" + registry.host() + "/charts/lighthouse")
                    .chart()
                    .withVersion("1.2.3")
                    .plainHttp()
                    .call();
            assertThat(chartYaml)
                    .contains(Provenance.SOURCE_ANNOTATION + ": local lighthouse 1.2.3")
                    .contains(Provenance.VERSION_ANNOTATION);
        }
    }

    @Test
    void indexYamlIsReadBackByHelm() throws IOException {
        Path output = temp.resolve("out");
        Files.createDirectories(output);
        try (StaticHttpServer server = StaticHttpServer.serve(output)) {
            PackageRequest request = request("192.168.5.96:30003", output)
                    .publish(PublishOptions.builder()
                            .helmRepositoryIndex(true)
                            .helmRepositoryUrl(server.uri().toString())
                            .build())
                    .build();
            PackageResult result = FalcoOffline.packageChart(request, ProgressListener.SILENT);
            Path chartFile = result.chartFile().orElseThrow();

            HelmIndex index = HelmIndex.parse(Files.readAllBytes(output.resolve("index.yaml")), "index.yaml");
            HelmIndex.Entry entry =
                    index.find("lighthouse", VersionConstraint.parse("1.2.3")).orElseThrow();
            assertThat(entry.digest()).contains(Digests.sha256(Files.readAllBytes(chartFile)));
            assertThat(entry.urls()).containsExactly(server.uri() + "/lighthouse-1.2.3.tgz");

            HelmRepositorySearch search = HelmRepositorySearch.of(temp, server.uri(), "lighthouse");
            assertThat(search.found()).anySatisfy(chart -> {
                assertThat(chart.getName()).isEqualTo(search.name() + "/lighthouse");
                assertThat(chart.getChartVersion()).isEqualTo("1.2.3");
            });
            // A second run with the same chart replaces its entry instead of adding one.
            FalcoOffline.packageChart(request, ProgressListener.SILENT);
            assertThat(HelmIndex.parse(Files.readAllBytes(output.resolve("index.yaml")), "index.yaml")
                            .versions("lighthouse"))
                    .containsExactly("1.2.3");
        }
    }

    @Test
    void anExistingIndexYamlThatLinksToDevZeroOrIsAPipeIsRefusedBeforeItIsRead() throws Exception {
        for (String kind : List.of("link", "pipe", "huge")) {
            Path output = temp.resolve("out-" + kind);
            Path existing = output.resolve("index.yaml");
            switch (kind) {
                case "link" -> HostileFiles.linkToDevZero(existing);
                case "pipe" -> HostileFiles.fifo(existing);
                default -> HostileFiles.sparse(existing, 3L << 30);
            }
            PackageRequest request = request("192.168.5.96:30003", output)
                    .publish(PublishOptions.builder().helmRepositoryIndex(true).build())
                    .build();

            assertThatThrownBy(() -> FalcoOffline.packageChart(request, ProgressListener.SILENT))
                    .as(kind)
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining(existing.toString())
                    .hasMessageContaining("remove it");
        }
    }

    @Test
    void anExistingIndexYamlWithEntriesOfTheChartItCannotReadIsRefusedInsteadOfEmptied() throws IOException {
        Path output = temp.resolve("out-unreadable");
        Files.createDirectories(output);
        // Other charts' entries are copied through as they are, so only the chart's own are refused.
        String existing = """
                apiVersion: v1
                entries:
                  lighthouse:
                    - version: 1.0.0
                      urls: [lighthouse-1.0.0.tgz]
                    - just a string
                    - name: lighthouse
                  other-app:
                    - just a string
                """;
        Files.writeString(output.resolve("index.yaml"), existing);
        PackageRequest request = request("192.168.5.96:30003", output)
                .publish(PublishOptions.builder().helmRepositoryIndex(true).build())
                .build();

        assertThatThrownBy(() -> FalcoOffline.packageChart(request, ProgressListener.SILENT))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("entries.lighthouse[1]")
                .hasMessageContaining("entries.lighthouse[2]")
                .hasMessageNotContaining("other-app")
                .hasMessageContaining("remove the file");
        assertThat(Files.readString(output.resolve("index.yaml"))).isEqualTo(existing);
    }

    @Test
    void aGitBranchGitRefusesFailsWhenTheRequestIsBuiltNamingGitBranch() {
        for (String branch : List.of("feature~1", "release/", "a:b", "lab..x", "-delete")) {
            assertThatThrownBy(() -> PublishOptions.builder()
                            .gitRepository("https://git.example/gitops.git")
                            .gitBranch(branch)
                            .build())
                    .as(branch)
                    .isInstanceOf(io.falcooffline.core.InvalidRequestException.class)
                    .hasMessageContaining("`gitBranch`")
                    .hasMessageContaining("is not a git branch name");
        }
        assertThat(PublishOptions.builder()
                        .gitRepository("https://git.example/gitops.git")
                        .gitBranch("clusters/lab")
                        .build()
                        .gitBranch())
                .isEqualTo("clusters/lab");
    }

    @Test
    void gitOpsCommitIsOnTheBranchAndAnIdenticalRunAddsNone() throws IOException {
        Path bare = temp.resolve("gitops.git");
        Files.createDirectories(bare);
        GitRepositories.git(bare, "init", "-q", "--bare", "-b", "main");
        PublishOptions gitOps = PublishOptions.builder()
                .gitRepository(bare.toUri().toString())
                .gitBranch("clusters")
                .gitPath("lab/falco")
                .gitAuthorName("Platform Bot")
                .gitAuthorEmail("bot@example.com")
                .build();
        PackageRequest request = request("192.168.5.96:30003", temp.resolve("out"))
                .publish(gitOps)
                .build();

        FalcoOffline.packageChart(request, ProgressListener.SILENT);
        FalcoOffline.packageChart(request, ProgressListener.SILENT);

        assertThat(GitRepositories.git(bare, "rev-list", "--count", "clusters").strip())
                .isEqualTo("1");
        String files = GitRepositories.git(bare, "ls-tree", "-r", "--name-only", "clusters");
        assertThat(files)
                .contains("lab/falco/lighthouse/Chart.yaml")
                .contains("lab/falco/lighthouse/charts/beacon/values.yaml")
                .contains("lab/falco/falco-offline.plan.json");
        String message = GitRepositories.git(bare, "log", "-1", "--format=%an <%ae>%n%B", "clusters");
        assertThat(message)
                .contains("Platform Bot <bot@example.com>")
                .contains("falco-offline: lighthouse 1.2.3 from local lighthouse 1.2.3")
                .contains("Added:")
                .contains("lab/falco/lighthouse/values.yaml");

        Path values = temp.resolve("values.yaml");
        Files.writeString(values, "replicaCount: 3\n");
        FalcoOffline.packageChart(request.toBuilder().valuesFile(values).build(), ProgressListener.SILENT);
        assertThat(GitRepositories.git(bare, "rev-list", "--count", "clusters").strip())
                .isEqualTo("2");
        assertThat(GitRepositories.git(bare, "log", "-1", "--format=%B", "clusters"))
                .contains("Changed:")
                .contains("lab/falco/lighthouse/values.yaml");
    }

    @Test
    void gitOpsCommitReachesARepositoryOverSmartHttp() {
        Path bare = temp.resolve("served/gitops.git");
        GitRepositories.git(temp, "init", "-q", "--bare", "-b", "main", bare.toString());
        GitRepositories.git(bare, "config", "http.receivepack", "true");
        try (GitSmartHttp http = GitSmartHttp.serve(bare.getParent())) {
            PublishOptions gitOps = PublishOptions.builder()
                    .gitRepository(http.url("gitops.git"))
                    .gitBranch("clusters")
                    .gitPath("lab/falco")
                    .build();
            FalcoOffline.packageChart(
                    request("192.168.5.96:30003", temp.resolve("out"))
                            .publish(gitOps)
                            .build(),
                    ProgressListener.SILENT);

            assertThat(GitRepositories.git(bare, "ls-tree", "-r", "--name-only", "clusters"))
                    .contains("lab/falco/lighthouse/Chart.yaml")
                    .contains("lab/falco/falco-offline.plan.json");
            assertThat(http.requests())
                    .as("pushed with the smart protocol")
                    .anyMatch(request -> request.equals("POST /gitops.git/git-receive-pack"));
        }
    }

    @Test
    void inBundleModeTheChartGoesIntoTheBundleAndPushPublishesIt() {
        try (LocalRegistry registry = LocalRegistry.startPlain()) {
            Bundled bundled = publishedIntoBundle(
                    PublishOptions.builder().publishChart(true).build(), "sha256:" + "1".repeat(64), registry.host());
            PublishResult published = bundled.published();
            assertThat(published.ociChart()).contains("oci://" + registry.host() + "/charts/lighthouse:1.2.3");
            LockEntry chart = MirrorLock.read(bundled.bundle().lockFile().orElseThrow())
                    .orElseThrow()
                    .chart()
                    .orElseThrow();
            assertThat(chart.source()).isEqualTo("lighthouse");
            assertThat(chart.sourceDigest()).isEqualTo("sha256:" + "1".repeat(64));
            assertThat(chart.targetDigest()).isEqualTo(published.ociDigest().orElseThrow());
            assertThat(chart.note()).isEqualTo("falco-offline " + Provenance.version());

            FalcoOffline.push(
                    PushRequest.builder()
                            .bundle(bundled.bundle().bundle().orElseThrow())
                            .insecureRegistries(List.of(registry.host()))
                            .build(),
                    ProgressListener.SILENT);
            String rendered = renderLighthouseFrom(registry);
            assertThat(rendered).contains(registry.host() + "/charts/lighthouse:2.4.1");
        }
    }

    @Test
    void withoutPublishingTheLockStillRecordsTheProvenance() {
        Bundled bundled = publishedIntoBundle(PublishOptions.none(), "sha256:" + "2".repeat(64), "192.168.5.96:30003");
        assertThat(bundled.published().ociChart()).isEqualTo(Optional.empty());
        LockEntry chart = MirrorLock.read(bundled.bundle().lockFile().orElseThrow())
                .orElseThrow()
                .chart()
                .orElseThrow();
        assertThat(chart.target()).isEqualTo("lighthouse-1.2.3.tgz");
        assertThat(chart.targetDigest()).isNull();
        assertThat(chart.sourceDigest()).isEqualTo("sha256:" + "2".repeat(64));
    }

    /** A bundle written by a mirror run that stored the chart, and what publishing it then reports. */
    private record Bundled(MirrorOptions bundle, PublishResult published) {}

    /**
     * Packages the chart, writes a bundle of it (no artifacts: none of the chart's is reachable here) with the chart as
     * the mirror run records it, then publishes as the pipeline does.
     */
    private Bundled publishedIntoBundle(PublishOptions options, String sourceDigest, String registry) {
        Path output = temp.resolve("out");
        PackageResult packaged =
                FalcoOffline.packageChart(request(registry, output).build(), ProgressListener.SILENT);
        MirrorOptions bundle =
                MirrorOptions.builder().mode(MirrorMode.BUNDLE).build().withDefaults(output);
        Path chartFile = packaged.chartFile().orElseThrow();
        byte[] archive = readAllBytes(chartFile);
        ResolvedChart source = new ResolvedChart(TestCharts.lighthouse(), "lighthouse", sourceDigest);
        ChartArtifact chart = ChartPublisher.chartArtifact(
                options, chartFile.getFileName().toString(), archive, registry, "charts", source);
        Mirror.run(
                new MirrorRequest(
                        bundle,
                        plainHttp(registry),
                        registry,
                        List.of(),
                        List.of(
                                new MirrorRequest.BundleFile(
                                        chartFile.getFileName().toString(), archive),
                                new MirrorRequest.BundleFile(
                                        "falco-offline.plan.json",
                                        readAllBytes(packaged.planFile().orElseThrow()))),
                        List.of(),
                        Optional.of(chart)),
                ProgressListener.SILENT);
        PublishResult published = ChartPublisher.publish(
                options,
                new PublishedChart(
                        chartFile,
                        archive,
                        packaged.planFile().orElseThrow(),
                        registry,
                        "charts",
                        bundle,
                        plainHttp(registry),
                        source),
                Optional.of(chart),
                ProgressListener.SILENT);
        return new Bundled(bundle, published);
    }

    private static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static RegistryAccess plainHttp(String registry) {
        RegistryAccess.Builder access = RegistryAccess.builder();
        access.insecureRegistries(List.of(registry));
        return access.build();
    }

    /** Renders the chart published as oci://<registry>/charts/lighthouse:1.2.3 with the real Helm engine. */
    private static String renderLighthouseFrom(LocalRegistry registry) {
        StubKubernetesApi.ensureRunning();
        return Helm.template("oci://" + registry.host() + "/charts/lighthouse")
                .withVersion("1.2.3")
                .withName("falco")
                .plainHttp()
                .call();
    }
}
