package io.falcooffline.core.falco;

/**
 * The media types and annotation falcoctl publishes its artifacts with ({@code pkg/oci/constants.go}), for every
 * reader of Falco artifacts: the resolver and the image baker.
 */
public final class FalcoMediaTypes {

    public static final String PLUGIN_CONFIG = "application/vnd.cncf.falco.plugin.config.v1+json";
    public static final String PLUGIN_LAYER = "application/vnd.cncf.falco.plugin.layer.v1+tar.gz";
    public static final String RULESFILE_CONFIG = "application/vnd.cncf.falco.rulesfile.config.v1+json";
    public static final String RULESFILE_LAYER = "application/vnd.cncf.falco.rulesfile.layer.v1+tar.gz";
    public static final String ASSET_LAYER = "application/vnd.cncf.falco.asset.layer.v1+tar.gz";
    /** The layer annotation falcoctl's puller names the downloaded file after. */
    public static final String TITLE = "org.opencontainers.image.title";

    private FalcoMediaTypes() {}
}
