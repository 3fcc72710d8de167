package io.falcooffline.core.oci;

import io.falcooffline.core.oci.registry.RegistryClient;
import java.util.Set;

/** The manifest media types the mirror tells apart. */
public final class MediaTypes {

    public static final String OCI_INDEX = RegistryClient.OCI_INDEX;
    public static final String OCI_MANIFEST = RegistryClient.OCI_MANIFEST;
    static final String DOCKER_MANIFEST_LIST = RegistryClient.DOCKER_MANIFEST_LIST;
    static final String DOCKER_MANIFEST = RegistryClient.DOCKER_MANIFEST;

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
