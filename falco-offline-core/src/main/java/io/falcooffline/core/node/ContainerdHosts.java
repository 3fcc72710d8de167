package io.falcooffline.core.node;

/**
 * containerd's per-registry configuration, {@code /etc/containerd/certs.d/<host:port>/hosts.toml}, as containerd
 * 1.5 and later read it (containerd {@code docs/hosts.md}; {@code core/remotes/docker/config/hosts.go}
 * {@code parseHostsFile}, {@code parseHostConfig}): {@code server} is the registry's default endpoint with its
 * scheme, each {@code [host."<scheme>://<host>"]} table an endpoint tried before it, {@code capabilities} what the
 * endpoint may do and {@code ca} the CA files it is checked against, added to the system's
 * ({@code updateTLSConfigFromHost}). The directory is found by the registry host as the image reference spells it,
 * port included ({@code config_unix.go} {@code hostPaths}).
 */
public final class ContainerdHosts {

    /** Where containerd's CRI plugin reads host directories from when {@code config_path} names it. */
    public static final String CERTS_DIRECTORY = "/etc/containerd/certs.d";

    /** The file name containerd reads in a host directory. */
    public static final String HOSTS_FILE = "hosts.toml";

    /** The CA file name written beside it. */
    public static final String CA_FILE = "ca.crt";

    private ContainerdHosts() {}

    /** {@code /etc/containerd/certs.d/<host:port>}. */
    public static String hostDirectory(String registry) {
        return CERTS_DIRECTORY + "/" + registry;
    }

    /**
     * The {@code hosts.toml} for the registry: HTTPS checked against the CA file beside it for a private CA, or
     * {@code http://} for plain HTTP. Pull and resolve only: the nodes never push.
     *
     * @throws IllegalArgumentException for {@link RegistryTrust.Kind#SYSTEM_CA}, which needs no file
     */
    public static String hostsToml(RegistryTrust trust) {
        String registry = trust.registry();
        String scheme = switch (trust.kind()) {
            case PRIVATE_CA -> "https";
            case PLAIN_HTTP -> "http";
            case SYSTEM_CA ->
                throw new IllegalArgumentException(
                        "A registry with a publicly trusted certificate needs no hosts.toml");
        };
        String endpoint = scheme + "://" + registry;
        StringBuilder toml = new StringBuilder();
        toml.append("# ")
                .append(hostDirectory(registry))
                .append('/')
                .append(HOSTS_FILE)
                .append(", written by falco-offline: containerd pulls ")
                .append(registry)
                .append(
                        trust.kind() == RegistryTrust.Kind.PLAIN_HTTP
                                ? " over plain HTTP.\n"
                                : " over HTTPS, trusting the registry's private CA in " + CA_FILE
                                        + " beside this file.\n")
                .append("server = \"")
                .append(endpoint)
                .append("\"\n\n[host.\"")
                .append(endpoint)
                .append("\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
        if (trust.kind() == RegistryTrust.Kind.PRIVATE_CA) {
            toml.append("  ca = \"")
                    .append(hostDirectory(registry))
                    .append('/')
                    .append(CA_FILE)
                    .append("\"\n");
        }
        return toml.toString();
    }
}
