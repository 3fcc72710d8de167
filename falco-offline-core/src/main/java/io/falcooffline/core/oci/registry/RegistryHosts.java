package io.falcooffline.core.oci.registry;

import io.falcooffline.core.plan.OciReference;
import java.util.Locale;

/**
 * Where a registry's API lives: references say {@code docker.io}, but Docker Hub serves the distribution API at
 * {@code registry-1.docker.io}. How references name Docker Hub is {@link OciReference}'s business.
 */
public final class RegistryHosts {

    /** The host that serves Docker Hub's distribution API. */
    public static final String DOCKER_HUB_API = "registry-1.docker.io";

    private RegistryHosts() {}

    /**
     * Maps a registry name to the host that serves its API.
     *
     * @param registry a registry name as written in a reference, {@code host[:port]}
     * @return {@code registry-1.docker.io} for Docker Hub's aliases, otherwise {@code registry} lower-cased
     */
    public static String apiHost(String registry) {
        return OciReference.isDockerHub(registry) ? DOCKER_HUB_API : registry.toLowerCase(Locale.ROOT);
    }
}
