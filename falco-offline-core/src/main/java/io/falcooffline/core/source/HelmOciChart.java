package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.OciReference;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Helm's OCI chart format: an image manifest whose config is Helm's chart config and whose one layer is the chart
 * archive, as {@code helm push} writes and {@code helm pull oci://…} reads.
 */
public final class HelmOciChart {

    /** The config media type of a Helm chart. */
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json";

    /** The media type of the layer holding the chart archive. */
    public static final String CHART_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    /** The largest chart archive pulled, in bytes. */
    public static final long MAX_CHART_BYTES = 100L * 1024 * 1024;

    private HelmOciChart() {}

    /**
     * A pulled chart.
     *
     * @param archive the chart archive
     * @param layer the layer's descriptor: its digest is the archive's
     * @param manifestDigest the manifest's digest, what the tag pointed at
     */
    record Pulled(byte[] archive, Descriptor layer, String manifestDigest) {}

    /** The descriptor of the chart layer of a manifest, after checking it is a Helm chart. */
    static Descriptor chartLayer(Manifest manifest, String name) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(manifest.bytes());
        } catch (JacksonException e) {
            throw new ChartSourceException(name + " has a manifest that is not JSON: " + e.getOriginalMessage(), e);
        }
        String configType = root.path("config").path("mediaType").asString("");
        if (!CONFIG_MEDIA_TYPE.equals(configType)) {
            throw new ChartSourceException(name + " is not a Helm chart: its config media type is '" + configType
                    + "', not " + CONFIG_MEDIA_TYPE + ". Check the reference (an image is not a chart).");
        }
        for (JsonNode layer : root.path("layers")) {
            if (CHART_LAYER_MEDIA_TYPE.equals(layer.path("mediaType").asString(""))) {
                String digest = layer.path("digest").asString("");
                long size = layer.path("size").asLong(-1);
                if (!Digests.isDigest(digest) || size < 0 || size > MAX_CHART_BYTES) {
                    throw new ChartSourceException(name + " has a chart layer with digest '" + digest + "' and size "
                            + size + "; expected a sha256 digest and at most " + MAX_CHART_BYTES + " bytes.");
                }
                return new Descriptor(CHART_LAYER_MEDIA_TYPE, digest, size);
            }
        }
        throw new ChartSourceException(name + " is a Helm chart manifest without a " + CHART_LAYER_MEDIA_TYPE
                + " layer; push the chart again with helm push.");
    }

    /** Pulls the chart a reference names from a registry. */
    static Pulled pull(OciStore registry, OciReference reference) {
        String name = "oci://" + reference;
        String tagOrDigest = reference.digest() != null ? reference.digest() : reference.tag();
        Manifest manifest = registry.fetchManifest(reference.repository(), tagOrDigest);
        if (!MediaTypes.OCI_MANIFEST.equals(manifest.descriptor().mediaType())) {
            throw new ChartSourceException(name + " is a "
                    + manifest.descriptor().mediaType() + ", not the OCI image manifest of a Helm chart.");
        }
        Descriptor layer = chartLayer(manifest, name);
        try (InputStream in = registry.fetchBlob(reference.repository(), layer)) {
            return new Pulled(in.readAllBytes(), layer, manifest.descriptor().digest());
        } catch (IOException e) {
            throw new SourceUnreachableException("Reading the chart layer of " + name + " failed: " + e, e);
        }
    }
}
