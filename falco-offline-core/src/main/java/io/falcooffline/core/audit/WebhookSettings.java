package io.falcooffline.core.audit;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Falco half of the webhook from effective values: where the k8saudit plugin listens ({@code open_params})
 * and which {@code services[]} port forwards to it.
 */
final class WebhookSettings {

    /** The k8saudit plugin's default certificate when {@code init_config.sslCertificate} is not set. */
    static final String PLUGIN_DEFAULT_CERTIFICATE = "/etc/falco/falco.pem";

    private static final Pattern URL =
            Pattern.compile("(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<authority>[^/?#]*)(?<path>[^?#]*)([?#].*)?");
    private static final Pattern AUTHORITY = Pattern.compile("(?<host>\\[[^]]*]|[^:]*)(:(?<port>[^:]*))?");

    private WebhookSettings() {}

    /**
     * Where the plugin listens, parsed the way the plugin does (Go's {@code url.Parse}, then
     * {@code http.Server{Addr: host}} and {@code ServeMux.HandleFunc(path)}).
     *
     * @param pluginIndex position in {@code falco.plugins}
     * @param openParams the plugin's {@code open_params} as written
     * @param host the listen host; empty for every interface
     * @param port the listen port
     * @param path the one path the plugin accepts POSTs on
     * @param sslCertificate the PEM the plugin serves HTTPS with; empty for HTTP
     */
    record Listener(
            int pluginIndex,
            String openParams,
            String scheme,
            String host,
            int port,
            String path,
            Optional<String> sslCertificate) {

        boolean tls() {
            return scheme.equals("https");
        }

        /** Whether the listener accepts connections from outside the pod, as the Service needs. */
        boolean listensOnAllInterfaces() {
            return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        }
    }

    /**
     * One port of one {@code services[]} entry.
     *
     * @param targetPort the port traffic is forwarded to, {@code port} when not set; empty when it is a name
     */
    record ServicePort(
            int serviceIndex,
            int portIndex,
            String serviceName,
            String type,
            Optional<Integer> port,
            Object targetPortAsWritten,
            Optional<Integer> targetPort,
            Optional<Integer> nodePort,
            Object nodePortAsWritten,
            String protocol) {

        /** {@code services[0].ports[0]}, for messages. */
        String location() {
            return "services[" + serviceIndex + "].ports[" + portIndex + "]";
        }
    }

    /** The k8saudit plugin's entry in {@code falco.plugins}: by name, or else by its library. */
    static Optional<FalcoValues.Plugin> plugin(FalcoValues falco) {
        return falco.plugin(K8sAuditProfile.PLUGIN_NAME)
                .or(() -> falco.plugins().stream()
                        .filter(plugin -> plugin.libraryPath().equals("libk8saudit.so")
                                || plugin.libraryPath().endsWith("/libk8saudit.so"))
                        .findFirst());
    }

    /** The listener, or empty when there is no k8saudit plugin or its {@code open_params} cannot be parsed. */
    static Optional<Listener> listener(FalcoValues falco) {
        Optional<FalcoValues.Plugin> plugin = plugin(falco);
        if (plugin.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(plugin.get()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses the plugin's {@code open_params}.
     *
     * @throws IllegalArgumentException with the reason when {@code open_params} is not a webhook URL the plugin can
     *     serve
     */
    static Listener parse(FalcoValues.Plugin plugin) {
        String openParams = Values.string(plugin.openParams()).strip();
        if (openParams.isEmpty()) {
            throw new IllegalArgumentException("it has no open_params, so the plugin reads no webhook");
        }
        Matcher url = URL.matcher(openParams);
        if (!url.matches()) {
            throw new IllegalArgumentException("it is a file path, not an http(s):// URL, so the plugin reads audit"
                    + " events from a file and runs no webhook");
        }
        String scheme = url.group("scheme");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("the plugin supports only http:// and https://, not " + scheme + "://");
        }
        Matcher authority = AUTHORITY.matcher(url.group("authority"));
        if (!authority.matches()) {
            throw new IllegalArgumentException("its host:port part '" + url.group("authority") + "' is malformed");
        }
        String host = authority.group("host");
        String portText = authority.group("port");
        int port;
        if (url.group("authority").isEmpty()) {
            // Go's http.Server listens on ":http" or ":https" for an empty address.
            port = scheme.equals("https") ? 443 : 80;
        } else if (portText == null || portText.isEmpty()) {
            throw new IllegalArgumentException(
                    "it names host '" + host + "' without a port, which the plugin's web server refuses");
        } else {
            port = Values.integer(portText)
                    .filter(number -> number >= 1 && number <= 65535)
                    .orElseThrow(() -> new IllegalArgumentException("its port '" + portText + "' is not a TCP port"));
        }
        String path = url.group("path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException(
                    "it has no path (e.g. " + AuditOptions.DEFAULT_PATH + "), which the plugin's web server refuses");
        }
        Optional<String> certificate = Optional.empty();
        if (scheme.equals("https")) {
            String configured = Values.string(initConfig(plugin).get("sslCertificate"));
            certificate = Optional.of(configured.isEmpty() ? PLUGIN_DEFAULT_CERTIFICATE : configured);
        }
        return new Listener(plugin.index(), openParams, scheme, host, port, path, certificate);
    }

    /** The plugin's {@code init_config}: a map, or JSON text as Falco passes it to the plugin. */
    static Map<String, Object> initConfig(FalcoValues.Plugin plugin) {
        Object initConfig = plugin.initConfig();
        if (initConfig instanceof Map<?, ?>) {
            return Values.map(initConfig);
        }
        String text = Values.string(initConfig).strip();
        if (text.startsWith("{")) {
            try {
                return Values.map(SafeYaml.load(text, "init_config"));
            } catch (RuntimeException e) {
                return Map.of();
            }
        }
        return Map.of();
    }

    /**
     * The Service port that carries the webhook: the {@code k8saudit-webhook} entry's port that forwards to the
     * plugin (or its only port, so that a mismatch can be reported), or else the first port of any entry that
     * forwards to the plugin's port.
     */
    static Optional<ServicePort> servicePort(List<FalcoValues.Service> services, int listenPort) {
        for (FalcoValues.Service service : services) {
            if (!K8sAuditProfile.SERVICE_NAME.equals(service.name())) {
                continue;
            }
            for (int p = 0; p < service.ports().size(); p++) {
                ServicePort candidate = read(service, p);
                if (candidate.targetPort().equals(Optional.of(listenPort))) {
                    return Optional.of(candidate);
                }
            }
            return service.ports().isEmpty() ? Optional.empty() : Optional.of(read(service, 0));
        }
        for (FalcoValues.Service service : services) {
            for (int p = 0; p < service.ports().size(); p++) {
                ServicePort candidate = read(service, p);
                if (candidate.targetPort().equals(Optional.of(listenPort))) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static ServicePort read(FalcoValues.Service service, int portIndex) {
        Map<String, Object> port = service.ports().get(portIndex);
        Optional<Integer> number = Values.integer(port.get("port"));
        Object targetAsWritten = port.get("targetPort");
        Optional<Integer> target = targetAsWritten == null ? number : Values.integer(targetAsWritten);
        String protocol = Values.string(port.get("protocol"));
        return new ServicePort(
                service.index(),
                portIndex,
                service.name(),
                service.type().isEmpty() ? "ClusterIP" : service.type(),
                number,
                targetAsWritten,
                target,
                Values.integer(port.get("nodePort")),
                port.get("nodePort"),
                protocol.isEmpty() ? "TCP" : protocol);
    }

    /** The chart's {@code falco.fullname}, for the chart named {@code falco}. */
    static String fullName(Map<String, Object> effectiveRootValues, String releaseName) {
        String override = Values.stringAt(effectiveRootValues, "fullnameOverride");
        if (!override.isEmpty()) {
            return truncate(override);
        }
        String nameOverride = Values.stringAt(effectiveRootValues, "nameOverride");
        String name = nameOverride.isEmpty() ? "falco" : nameOverride;
        return truncate(releaseName.contains(name) ? releaseName : releaseName + "-" + name);
    }

    /** The chart's {@code falco.namespace}. */
    static String namespace(Map<String, Object> effectiveRootValues, String releaseNamespace) {
        String override = Values.stringAt(effectiveRootValues, "namespaceOverride");
        return override.isEmpty() ? releaseNamespace : override;
    }

    private static String truncate(String name) {
        String truncated = name.length() > 63 ? name.substring(0, 63) : name;
        // Helm's trimSuffix removes one occurrence, not a run.
        return truncated.endsWith("-") ? truncated.substring(0, truncated.length() - 1) : truncated;
    }
}
