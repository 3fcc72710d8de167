package io.falcooffline.core.oci;

import java.util.Set;

/** The manifest media types the mirror tells apart. */
public final class MediaTypes {

    /** OCI image index. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** OCI image manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** Docker manifest list. */
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Docker image manifest, schema 2. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    /** The prefix of falcoctl's artifact config media types (plugin, rulesfile, asset). */
    static final String FALCO_CONFIG_PREFIX = "application/vnd.cncf.falco.";

    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

    private MediaTypes() {}

    static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }
}
