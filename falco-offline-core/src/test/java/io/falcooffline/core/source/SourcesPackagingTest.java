package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.falcooffline.core.ChartSource;
import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.ExternalCommand;
import io.falcooffline.core.testing.GitRepositories;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.StaticHttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every chart source gives the same rewritten chart as the local file, apart from the provenance annotations. */
class SourcesPackagingTest {

    private static final Instant TIMESTAMP = Instant.parse("2026-03-04T05:06:07Z");
    private static final String REGISTRY = "192.168.5.96:30003";

    @TempDir
    Path temp;

    @Test
    void everySourceOfTheSmallChartGivesTheSameRewrittenChart() {
        Path archive = TestChartRepository.archive(TestCharts.lighthouse(), temp.resolve("site/lighthouse-1.2.3.tgz"));
        TestChartRepository.write(temp.resolve("repo"), TestCharts.lighthouse(), List.of("1.2.3", "1.3.0"));
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        assertSameOutputFromEverySource(archive, "lighthouse", "1.2.3", bare, "charts/lighthouse", "v1.2.3");
    }

    @Test
    @Tag("upstream")
    void everySourceOfTheUpstreamChartGivesTheSameRewrittenChart() throws IOException {
        Path archive = Files.copy(
                TestCharts.upstreamFalco(),
                Files.createDirectories(temp.resolve("site")).resolve("falco-9.0.0.tgz"));
        Files.createDirectories(temp.resolve("repo"));
        Files.copy(archive, temp.resolve("repo/falco-9.0.0.tgz"));
        Chart chart = new ChartReader().read(archive);
        Files.write(
                temp.resolve("repo/index.yaml"),
                HelmIndex.empty()
                        .with(
                                chart.chartYaml(),
                                Digests.sha256(Files.readAllBytes(archive)),
                                "falco-9.0.0.tgz",
                                TIMESTAMP)
                        .toYaml(TIMESTAMP));
        Path unpacked = Files.createDirectories(temp.resolve("unpacked"));
        ExternalCommand.Result tar = ExternalCommand.run(
                List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), Map.of(), Duration.ofMinutes(1));
        assertThat(tar.exitCode()).as(tar.stderr()).isZero();
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), unpacked.resolve("falco"), "charts/falco", "falco-9.0.0");
        assertSameOutputFromEverySource(archive, "falco", "9.0.0", bare, "charts/falco", "falco-9.0.0");
    }

    @Test
    void badSourcesFailNamingTheProblemAndWriteNothing() throws IOException {
        Path archive = TestChartRepository.archive(TestCharts.lighthouse(), temp.resolve("site/lighthouse-1.2.3.tgz"));
        TestChartRepository.write(temp.resolve("repo"), TestCharts.lighthouse(), List.of("1.2.3", "1.3.0"));
        Path bare = GitRepositories.bareWithTree(temp.resolve("git"), TestCharts.lighthouse(), "", "v1.2.3");
        String actual = Digests.sha256(Files.readAllBytes(archive));
        try (StaticHttpServer site = StaticHttpServer.serve(archive.getParent());
                StaticHttpServer repository = StaticHttpServer.serve(temp.resolve("repo"))) {
            Map<ChartSource, String> bad = new LinkedHashMap<>();
            bad.put(ChartSource.url(site.uri() + "/lighthouse-1.2.3.tgz", "a".repeat(64)), "has the digest " + actual);
            bad.put(ChartSource.repository(repository.uri().toString(), "lighthouse", "~2"), "it has 1.3.0, 1.2.3");
            bad.put(ChartSource.git(bare.toUri().toString(), "v9", ""), "no tag, branch or commit 'v9'");
            bad.put(
                    ChartSource.url("http://127.0.0.1:1/lighthouse-1.2.3.tgz", null),
                    "Cannot reach http://127.0.0.1:1");
            for (Map.Entry<ChartSource, String> source : bad.entrySet()) {
                Path output = temp.resolve("out");
                PackageRequest request = PackageRequest.builder()
                        .source(source.getKey())
                        .sourceOptions(SourceOptions.builder()
                                .cacheDirectory(temp.resolve("cache"))
                                .build())
                        .registry(REGISTRY)
                        .outputDirectory(output)
                        .build();
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> FalcoOffline.packageChart(request, ProgressListener.SILENT))
                        .as(source.getKey().describe())
                        .isInstanceOf(ChartSourceException.class)
                        .hasMessageContaining(source.getValue());
                assertThat(output).doesNotExist();
            }
        }
    }

    private void assertSameOutputFromEverySource(
            Path archive, String name, String version, Path bareGit, String gitPath, String tag) {
        Map<String, ChartSource> sources = new LinkedHashMap<>();
        try (StaticHttpServer site = StaticHttpServer.serve(archive.getParent());
                StaticHttpServer repository = StaticHttpServer.serve(temp.resolve("repo"));
                LocalRegistry registry = LocalRegistry.startPlain()) {
            Helm.push()
                    .withChart(archive)
                    .withRemote(URI.create("oci://" + registry.host() + "/upstream"))
                    .plainHttp()
                    .call();
            sources.put("local", ChartSource.local(archive));
            sources.put("url", ChartSource.url(site.uri() + "/" + archive.getFileName(), null));
            sources.put("repository", ChartSource.repository(repository.uri().toString(), name, version));
            sources.put("oci", ChartSource.oci("oci://" + registry.host() + "/upstream/" + name + ":" + version));
            sources.put("git", ChartSource.git(bareGit.toUri().toString(), tag, gitPath));

            Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
            Map<String, Map<String, Object>> annotations = new LinkedHashMap<>();
            for (Map.Entry<String, ChartSource> source : sources.entrySet()) {
                PackageRequest request = PackageRequest.builder()
                        .source(source.getValue())
                        .sourceOptions(SourceOptions.builder()
                                .cacheDirectory(temp.resolve("cache"))
                                .build())
                        .mirror(MirrorOptions.builder()
                                .insecureRegistries(List.of(registry.host()))
                                .build())
                        .registry(REGISTRY)
                        .repositoryPrefix("falco")
                        .repositoryLayout(RepositoryLayout.FLATTEN)
                        .strict(false)
                        .outputTimestamp(TIMESTAMP)
                        .outputDirectory(temp.resolve("out-" + source.getKey()))
                        .build();
                PackageResult result = FalcoOffline.packageChart(request, ProgressListener.SILENT);
                Chart output = new ChartReader().read(result.chartFile().orElseThrow());
                annotations.put(source.getKey(), annotationsOf(output));
                outputs.put(source.getKey(), contentWithoutProvenance(output));
            }
            Map<String, String> local = outputs.get("local");
            assertThat(local).containsKey(name + "/values.yaml");
            outputs.forEach((source, files) -> assertThat(files).as(source).isEqualTo(local));

            assertThat(annotations.get("url"))
                    .containsEntry(Provenance.SOURCE_ANNOTATION, site.uri() + "/" + archive.getFileName())
                    .containsEntry(
                            Provenance.DIGEST_ANNOTATION,
                            annotations.get("local").get(Provenance.DIGEST_ANNOTATION))
                    .containsEntry(Provenance.VERSION_ANNOTATION, Provenance.version());
            assertThat(annotations.get("oci"))
                    .containsEntry(
                            Provenance.SOURCE_ANNOTATION,
                            "oci://" + registry.host() + "/upstream/" + name + ":" + version);
            assertThat(String.valueOf(annotations.get("git").get(Provenance.DIGEST_ANNOTATION)))
                    .startsWith("git:");
        }
    }

    private static Map<String, Object> annotationsOf(Chart chart) {
        Map<String, Object> annotations = new TreeMap<>();
        if (chart.chartYaml().get("annotations") instanceof Map<?, ?> map) {
            map.forEach((key, value) -> annotations.put(String.valueOf(key), value));
        }
        return annotations;
    }

    /** Every file's digest by archive path, Chart.yaml as its fields without the provenance annotations. */
    private static Map<String, String> contentWithoutProvenance(Chart chart) {
        Map<String, String> files = new TreeMap<>();
        collect(chart, files);
        Map<String, Object> chartYaml = new TreeMap<>(chart.chartYaml());
        Map<String, Object> annotations = annotationsOf(chart);
        annotations.remove(Provenance.SOURCE_ANNOTATION);
        annotations.remove(Provenance.DIGEST_ANNOTATION);
        annotations.remove(Provenance.VERSION_ANNOTATION);
        if (annotations.isEmpty()) {
            chartYaml.remove("annotations");
        } else {
            chartYaml.put("annotations", annotations);
        }
        files.put(chart.path() + "/Chart.yaml", chartYaml.toString());
        return files;
    }

    private static void collect(Chart chart, Map<String, String> files) {
        chart.files().forEach((path, bytes) -> files.put(chart.path() + "/" + path, Digests.sha256(bytes)));
        chart.subcharts().forEach(subchart -> collect(subchart, files));
    }
}
