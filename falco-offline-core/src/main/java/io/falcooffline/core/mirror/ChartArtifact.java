package io.falcooffline.core.mirror;

import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The rewritten chart as a mirror run records it: its {@code CHART} lock entry (what it was made from) and, when it is
 * published as a Helm OCI chart, that artifact, which the run stores after everything the chart pulls: on the internal
 * registry, or in the bundle, which {@code push} then publishes with the rest.
 *
 * @param lockEntry the chart's lock entry; its target is the OCI chart's reference when {@code oci} is present
 * @param oci the Helm OCI chart to store; empty to record the chart only
 */
public record ChartArtifact(LockEntry lockEntry, Optional<OciChart> oci) {

    public ChartArtifact {
        Objects.requireNonNull(lockEntry, "lockEntry");
        Objects.requireNonNull(oci, "oci");
    }

    /**
     * A Helm OCI chart.
     *
     * @param reference where it goes, with its tag
     * @param manifest its manifest
     * @param blobs the config and layer the manifest names, with their content, in manifest order
     */
    public record OciChart(OciReference reference, Manifest manifest, Map<Descriptor, byte[]> blobs) {
        public OciChart {
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(manifest, "manifest");
            blobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(blobs));
        }
    }
}
