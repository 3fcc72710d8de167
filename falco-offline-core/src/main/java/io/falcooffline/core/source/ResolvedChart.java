package io.falcooffline.core.source;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A chart source resolved to local content.
 *
 * @param path the chart {@code .tgz} or chart directory to read
 * @param reference what the chart was made from, as the provenance annotations and the lock record it, e.g.
 *     {@code oci://ghcr.io/falcosecurity/charts/falco:9.0.0}
 * @param digest the digest of what was fetched: {@code sha256:…} of the archive, or {@code git:<commit>} for a tree
 * @param chart the chart as resolving already read it from {@code path}, so that a run reads it once; empty when
 *     resolving did not read it
 */
public record ResolvedChart(Path path, String reference, String digest, Optional<Chart> chart) {

    public ResolvedChart {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(chart, "chart");
    }

    /** A chart that resolving did not read. */
    public ResolvedChart(Path path, String reference, String digest) {
        this(path, reference, digest, Optional.empty());
    }

    /** The chart: the one resolving read, or read now from {@link #path()}. */
    public Chart read() {
        return chart.orElseGet(() -> new ChartReader().read(path));
    }
}
