package io.falcooffline.core.mirror.oci;

import java.util.Locale;

/**
 * Docker Hub's naming conventions, in one place: {@code docker.io} is what references say, {@code
 * registry-1.docker.io} is where the API lives, and single-segment repositories live under {@code library/}.
 */
public final class RegistryHosts {

    /** The registry name references use for Docker Hub. */
    public static final String DOCKER_HUB = "docker.io";

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
        String host = registry.toLowerCase(Locale.ROOT);
        return isDockerHub(host) ? DOCKER_HUB_API : host;
    }

    /**
     * Maps a registry name to the one references canonically use.
     *
     * @param registry a registry name, {@code host[:port]}
     * @return {@code docker.io} for Docker Hub's aliases, otherwise {@code registry} lower-cased
     */
    public static String canonicalRegistry(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        return isDockerHub(host) ? DOCKER_HUB : host;
    }

    /**
     * Tells whether a registry name is one of Docker Hub's aliases ({@code docker.io}, {@code index.docker.io},
     * {@code registry-1.docker.io}, {@code registry.hub.docker.com}).
     *
     * @param registry a registry name
     * @return true for Docker Hub
     */
    public static boolean isDockerHub(String registry) {
        return switch (registry.toLowerCase(Locale.ROOT)) {
            case "docker.io", "index.docker.io", DOCKER_HUB_API, "registry.hub.docker.com" -> true;
            default -> false;
        };
    }

    /**
     * Adds Docker Hub's implicit {@code library/} namespace to a single-segment repository.
     *
     * @param registry the registry the repository belongs to
     * @param repository the repository path, e.g. {@code alpine}
     * @return {@code library/alpine} on Docker Hub, otherwise {@code repository} unchanged
     */
    public static String normalizeRepository(String registry, String repository) {
        return isDockerHub(registry) && repository.indexOf('/') < 0 ? "library/" + repository : repository;
    }
}
