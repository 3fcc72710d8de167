package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.ExternalCommand;
import io.falcooffline.core.testing.HelmRepositorySearch;
import io.falcooffline.core.testing.StaticHttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository index as large as the largest public ones (22 MiB; loading it whole with SnakeYAML peaks at about
 * 560 MiB of heap and fails in 64 MiB) is read as a repository source and updated as a publish target in a JVM of
 * 32 MiB of heap, less than twice the index: neither the download nor the reads hold it. The wanted chart resolves,
 * reading keeps only that chart's entries, and publishing keeps every other chart's text byte for byte.
 */
class LargeHelmIndexTest {

    private static final String HEAP = "32m";
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void shouldResolveFromAndPublishIntoA20MiBIndexInA32MiBHeap() throws IOException {
        Path repository = temp.resolve("repo");
        Files.createDirectories(repository);
        byte[] archive = new ChartWriter()
                .toBytes(
                        TestChartRepository.withVersion(new ChartReader().read(TestCharts.lighthouse()), "7.2.0"),
                        TestChartRepository.ENTRY_TIME);
        AtomicFiles.write(repository.resolve("lighthouse-7.2.0.tgz"), archive);
        Path index = repository.resolve(HelmIndex.FILE_NAME);
        LargeHelmIndexes.write(index, 1000, 20, "7.2.0", Digests.sha256(archive));
        assertThat(Files.size(index)).isGreaterThan(20 * MIB);
        Path published = temp.resolve("published").resolve(HelmIndex.FILE_NAME);
        Files.createDirectories(published.getParent());
        Files.copy(index, published);

        Map<String, String> results;
        try (StaticHttpServer server = StaticHttpServer.serve(repository)) {
            results = runChild(server.uri().toString(), index, published);
        }

        assertThat(results.get("resolved")).isEqualTo(Digests.sha256(archive));
        assertThat(results.get("versions")).isEqualTo("22");
        // The 22 entries of the wanted chart, not the index: the whole index built as a tree keeps about 95 MiB.
        assertThat(Long.parseLong(results.get("retained"))).isLessThan(2 * MIB);
        assertThat(Long.parseLong(results.get("maxHeap"))).isLessThanOrEqualTo(32 * MIB);

        String before = Files.readString(index, StandardCharsets.UTF_8);
        String after = Files.readString(published, StandardCharsets.UTF_8);
        Map<String, String> chartsBefore = LargeHelmIndexes.chartTexts(before);
        Map<String, String> chartsAfter = LargeHelmIndexes.chartTexts(after);
        assertThat(chartsBefore).hasSize(1001);
        chartsBefore.remove(LargeHelmIndexes.WANTED);
        String ours = chartsAfter.remove(LargeHelmIndexes.WANTED);
        // Every other chart, in the same order, with the same bytes.
        assertThat(chartsAfter).containsExactlyEntriesOf(chartsBefore);
        assertThat(after).startsWith(before.substring(0, before.indexOf("  " + LargeHelmIndexes.WANTED + ":\n")));
        assertThat(after).endsWith("generated: '2026-03-04T05:06:07Z'\nserverInfo: {}\n");
        HelmIndex publishedIndex =
                HelmIndex.parse(("entries:\n" + ours).getBytes(StandardCharsets.UTF_8), "the published chart");
        List<String> versions = publishedIndex.versions(LargeHelmIndexes.WANTED);
        assertThat(versions).hasSize(23).startsWith("9.9.9", "8.0.0", "7.2.0", "7.1.9");

        assertHelmFinds(published.getParent(), "9.9.9");
    }

    /** Helm itself reads the published index: it lists the added version and a chart copied through. */
    private void assertHelmFinds(Path directory, String version) {
        try (StaticHttpServer server = StaticHttpServer.serve(directory)) {
            HelmRepositorySearch search = HelmRepositorySearch.of(temp, server.uri(), LargeHelmIndexes.WANTED);
            assertThat(search.found()).anySatisfy(chart -> {
                assertThat(chart.getName()).isEqualTo(search.name() + "/" + LargeHelmIndexes.WANTED);
                assertThat(chart.getChartVersion()).isEqualTo(version);
            });
        }
    }

    private Map<String, String> runChild(String repository, Path index, Path published) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ExternalCommand.Result result = ExternalCommand.run(
                List.of(
                        java,
                        "-Xmx" + HEAP,
                        "-cp",
                        classpath,
                        LargeHelmIndexChild.class.getName(),
                        repository,
                        temp.resolve("cache").toString(),
                        index.toString(),
                        published.toString()),
                Map.of(),
                Duration.ofMinutes(3));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return Arrays.stream(result.stdoutText().split("\n"))
                .filter(line -> line.contains("="))
                .collect(Collectors.toMap(
                        line -> line.substring(0, line.indexOf('=')),
                        line -> line.substring(line.indexOf('=') + 1),
                        (a, b) -> b,
                        LinkedHashMap::new));
    }
}
