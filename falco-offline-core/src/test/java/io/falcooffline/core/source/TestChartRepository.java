package io.falcooffline.core.source;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.oci.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A Helm repository directory built from a chart: one archive per version ({@code <name>-<version>.tgz}, the
 * chart's Chart.yaml version replaced) and an {@code index.yaml} listing them with their digests, as
 * {@code helm repo index} writes it.
 */
final class TestChartRepository {

    static final Instant ENTRY_TIME = Instant.parse("2026-01-02T03:04:05Z");

    private TestChartRepository() {}

    /** Writes the repository into {@code directory} and returns the archive of each version, in the given order. */
    static List<Path> write(Path directory, Path chartSource, List<String> versions) {
        Chart chart = new ChartReader().read(chartSource);
        HelmIndex index = HelmIndex.empty();
        List<Path> archives = new java.util.ArrayList<>();
        for (String version : versions) {
            Chart versioned = withVersion(chart, version);
            byte[] bytes = new ChartWriter().toBytes(versioned, ENTRY_TIME);
            Path archive = directory.resolve(chart.name() + "-" + version + ".tgz");
            AtomicFiles.write(archive, bytes);
            archives.add(archive);
            index = index.with(
                    versioned.chartYaml(),
                    Digests.sha256(bytes),
                    archive.getFileName().toString(),
                    ENTRY_TIME);
        }
        AtomicFiles.write(directory.resolve(HelmIndex.FILE_NAME), index.toYaml(ENTRY_TIME));
        return archives;
    }

    /** The chart archive of a chart, as {@code helm package} would write it. */
    static Path archive(Path chartSource, Path target) {
        AtomicFiles.write(target, new ChartWriter().toBytes(new ChartReader().read(chartSource), ENTRY_TIME));
        return target;
    }

    static Chart withVersion(Chart chart, String version) {
        String text = chart.text("Chart.yaml").orElseThrow();
        String replaced = text.replaceFirst("(?m)^version: .*$", "version: " + version);
        return chart.withFile("Chart.yaml", replaced.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
