package io.falcooffline.core.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The endpoints containerd's CRI plugin tries for one registry host, worked out from the node's files as containerd
 * 2.2 does ({@code core/remotes/docker/config/hosts.go} {@code ConfigureHosts}, {@code loadHostDir},
 * {@code parseHostsFile}, {@code parseHostConfig}, {@code loadCertFiles}; {@code config_unix.go} {@code hostPaths};
 * {@code internal/cri/server/images/image_pull.go} {@code registryHosts}, {@code hostDirFromRoots}):
 *
 * <ul>
 *   <li>{@code config_path} is a list of roots; with no registry options in {@code config.toml} containerd 2.x uses
 *       {@code /etc/containerd/certs.d:/etc/docker/certs.d} ({@code internal/cri/config/config.go}). In each root, in
 *       order, the directories {@code host_port_}, {@code host:port} and {@code _default} are looked for; the first
 *       that exists is used.
 *   <li>A non-empty {@code hosts.toml} there gives each {@code [host."…"]} table in file order, then {@code server}
 *       last. Without it (or when it does not parse) the {@code *.crt} files of the directory are CAs of the one
 *       default endpoint (Docker's certificate layout).
 *   <li>An endpoint without a host is the registry itself, {@code https} (no CRI default scheme); containerd's
 *       exception for loopback registries ({@code IsLocalhost}: plain HTTP with TLS fallback) is not modelled: the
 *       test registry on 127.0.0.1 stands for the remote Harbor a node reaches, for which it does not apply.
 *   <li>{@code ca} files (relative to the directory) are added to the system's roots; an {@code http} endpoint with
 *       TLS settings on a port other than 80 is tried over HTTPS first, then HTTP ({@code NewHTTPFallback}).
 * </ul>
 */
final class ContainerdRegistryHosts {

    /** containerd 2.x's {@code config_path} when {@code config.toml} sets no registry options. */
    static final List<String> DEFAULT_CONFIG_PATH = List.of("/etc/containerd/certs.d", "/etc/docker/certs.d");

    /**
     * One endpoint.
     *
     * @param scheme {@code https} or {@code http}
     * @param host {@code host[:port]}
     * @param path the API root, {@code /v2}
     * @param caPems the contents of its CA files, added to the system's roots
     * @param skipVerify whether the certificate is not checked
     * @param httpFallback whether a TLS failure is retried over plain HTTP
     * @param pull whether it may pull
     * @param resolve whether it may resolve a tag
     */
    record Endpoint(
            String scheme,
            String host,
            String path,
            List<byte[]> caPems,
            boolean skipVerify,
            boolean httpFallback,
            boolean pull,
            boolean resolve) {}

    private ContainerdRegistryHosts() {}

    /**
     * The endpoints for {@code registry}, or why containerd refuses the configuration.
     *
     * @param nodeFiles the node's files, absolute path to content
     */
    static Result endpoints(String registry, Map<String, byte[]> nodeFiles, List<String> configPath) {
        Optional<String> directory = hostDirectory(registry, nodeFiles, configPath);
        List<Map<String, Object>> configs = new ArrayList<>();
        if (directory.isPresent()) {
            byte[] hostsToml = nodeFiles.get(directory.get() + "/hosts.toml");
            Optional<HostsTomlFile> parsed = hostsToml == null || hostsToml.length == 0
                    ? Optional.empty()
                    : HostsTomlFile.parse(new String(hostsToml, java.nio.charset.StandardCharsets.UTF_8));
            if (parsed.isPresent()) {
                parsed.get().hosts().forEach((url, table) -> configs.add(withServer(url, table)));
                configs.add(withServer(parsed.get().server(), parsed.get().root()));
            } else {
                Map<String, Object> certFiles = new LinkedHashMap<>();
                List<String> cas = nodeFiles.keySet().stream()
                        .filter(file -> file.startsWith(directory.get() + "/")
                                && !file.substring(directory.get().length() + 1).contains("/")
                                && file.endsWith(".crt"))
                        .toList();
                if (!cas.isEmpty()) {
                    certFiles.put("ca", cas);
                }
                configs.add(withServer(null, certFiles));
            }
        } else {
            configs.add(withServer(null, Map.of()));
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (Map<String, Object> config : configs) {
            Object server = config.get("server");
            String scheme = "https";
            String host = registry;
            String path = "/v2";
            if (server != null) {
                String url = String.valueOf(server);
                if (!url.startsWith("http")) {
                    url = "https://" + url;
                }
                java.net.URI uri = java.net.URI.create(url);
                scheme = uri.getScheme();
                host = uri.getRawAuthority();
                path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/v2" : uri.getRawPath();
                if (!path.endsWith("/v2")) {
                    path = path + "/v2";
                }
            }
            List<byte[]> caPems = new ArrayList<>();
            for (String ca : strings(config.get("ca"))) {
                String file = ca.startsWith("/") ? ca : directory.orElseThrow() + "/" + ca;
                byte[] pem = nodeFiles.get(file);
                if (pem == null) {
                    return new Result(List.of(), Optional.of("unable to read CA cert \"" + file + "\": no such file"));
                }
                caPems.add(pem);
            }
            boolean explicitTls = config.containsKey("ca") || config.containsKey("skip_verify");
            String port = host.contains(":") ? host.substring(host.lastIndexOf(':') + 1) : "";
            boolean fallback = scheme.equals("http") && explicitTls && !port.equals("80");
            List<String> capabilities = strings(config.get("capabilities"));
            boolean all = capabilities.isEmpty();
            endpoints.add(new Endpoint(
                    fallback ? "https" : scheme,
                    host,
                    path,
                    caPems,
                    Boolean.TRUE.equals(config.get("skip_verify")),
                    fallback,
                    all || capabilities.contains("pull"),
                    all || capabilities.contains("resolve")));
        }
        return new Result(endpoints, Optional.empty());
    }

    /** The endpoints, or why containerd fails before any request. */
    record Result(List<Endpoint> endpoints, Optional<String> error) {}

    private static Optional<String> hostDirectory(
            String registry, Map<String, byte[]> nodeFiles, List<String> configPath) {
        int colon = registry.lastIndexOf(':');
        for (String root : configPath) {
            List<String> candidates = new ArrayList<>();
            if (colon > 0) {
                candidates.add(root + "/" + registry.substring(0, colon) + "_" + registry.substring(colon + 1) + "_");
            }
            candidates.add(root + "/" + registry);
            candidates.add(root + "/_default");
            for (String candidate : candidates) {
                if (nodeFiles.keySet().stream().anyMatch(file -> file.startsWith(candidate + "/"))) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, Object> withServer(String server, Map<String, Object> table) {
        Map<String, Object> config = new LinkedHashMap<>(table);
        config.remove("server");
        if (server != null) {
            config.put("server", server);
        }
        return config;
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
