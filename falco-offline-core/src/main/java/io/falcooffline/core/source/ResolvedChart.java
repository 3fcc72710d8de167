package io.falcooffline.core.source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A chart source resolved to local content.
 *
 * @param path the chart {@code .tgz} or chart directory to read
 * @param reference what the chart was made from, as the provenance annotations and the lock record it, e.g.
 *     {@code oci://ghcr.io/falcosecurity/charts/falco:9.0.0}
 * @param digest the digest of what was fetched: {@code sha256:…} of the archive, or {@code git:<commit>} for a tree
 */
public record ResolvedChart(Path path, String reference, String digest) {

    public ResolvedChart {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(digest, "digest");
    }
}
