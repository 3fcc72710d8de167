package io.falcooffline.core.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads and repacks the real upstream Falco chart 9.0.0. */
@Tag("upstream")
class UpstreamFalcoChartTest {

    private static final Path FALCO_CHART =
            Path.of(System.getProperty("falco-offline.fixtures"), "charts", "falco-9.0.0.tgz");

    @TempDir
    Path work;

    private final ChartReader reader = new ChartReader();

    @Test
    void shouldReadFalcoChartWithItsThreeSubchartsWhenArchiveIsUpstreamRelease() {
        Chart falco = reader.read(FALCO_CHART);

        assertThat(falco.name()).isEqualTo("falco");
        assertThat(falco.version()).isEqualTo("9.0.0");
        assertThat(falco.appVersion()).isEqualTo("0.44.0");
        assertThat(falco.path()).isEqualTo("falco");
        assertThat(falco.subcharts())
                .extracting(Chart::directoryName)
                .containsExactly("falco-talon", "falcosidekick", "k8s-metacollector");
        assertThat(falco.subchart("falcosidekick").orElseThrow().version()).isEqualTo("0.12.1");
        assertThat(falco.subchart("k8s-metacollector").orElseThrow().version()).isEqualTo("0.1.10");
        assertThat(falco.subchart("falco-talon").orElseThrow().version()).isEqualTo("0.3.0");
        assertThat(falco.subchart("falcosidekick").orElseThrow().path()).isEqualTo("falco/charts/falcosidekick");
        assertThat(falco.text("values.yaml").orElseThrow().lines()).hasSize(1594);
        assertThat(falco.values()).containsKeys("image", "driver", "falcoctl");
        assertThat(falco.files().keySet()).noneMatch(path -> path.startsWith("charts/"));
        assertThat(falco.newestEntryTime()).isPresent();
    }

    @Test
    void shouldKeepEveryFileWhenFalcoChartIsRepacked() {
        Chart falco = reader.read(FALCO_CHART);
        Path repacked = work.resolve("falco-9.0.0.tgz");

        new ChartWriter().write(falco, repacked, Instant.parse("2026-11-22T00:00:00Z"));
        Chart reread = reader.read(repacked);

        assertThat(allFiles(reread).keySet())
                .isEqualTo(allFiles(falco).keySet())
                .hasSize(117);
        assertThat(reread).isEqualTo(falco);
    }

    private static Map<String, byte[]> allFiles(Chart chart) {
        Map<String, byte[]> files = new TreeMap<>();
        chart.files().forEach((path, content) -> files.put(chart.path() + "/" + path, content));
        for (Chart subchart : chart.subcharts()) {
            files.putAll(allFiles(subchart));
        }
        return files;
    }
}
