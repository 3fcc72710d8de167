package io.falcooffline.core.audit;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.AuditTls;
import io.falcooffline.core.LegacyAuditConfigException;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recognises audit settings written for Falco before the plugin era (Falco 0.31 and older, chart 1.x), which the
 * current chart and Falco silently ignore, so that kube-apiserver's events would be lost:
 *
 * <ul>
 *   <li>{@code auditLog.*}, including {@code auditLog.dynamicBackend} (an AuditSink), from chart 1.x;
 *   <li>{@code falco.webserver.k8sAuditEndpoint} and {@code falco.webserver.nodePort} from chart 1.x;
 *   <li>{@code falco.webserver.k8s_audit_endpoint}, Falco's own pre-0.32 {@code falco.yaml} key, and the same
 *       {@code webserver} block pasted at the top of a values file as older Kubernetes docs show it (listen port
 *       8765, path {@code /k8s_audit});
 *   <li>{@code falco.rulesFile}, chart 1.x's name of {@code falco.rules_files}.
 * </ul>
 */
public final class LegacyAuditConfig {

    private static final int LEGACY_WEBSERVER_PORT = 8765;

    private LegacyAuditConfig() {}

    /**
     * Fails when a user values file holds legacy audit settings, explaining the plugin-based equivalent.
     *
     * @param userValues one values file as loaded
     * @param sourceName names the file in the message
     * @throws LegacyAuditConfigException naming every legacy key in the file and what to write instead
     */
    public static void check(Map<String, Object> userValues, String sourceName) {
        List<String> keys = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        Legacy legacy = new Legacy();

        Map<String, Object> auditLog = Values.mapAt(userValues, "auditLog");
        if (userValues.containsKey("auditLog")) {
            keys.add("auditLog");
            lines.add("auditLog" + inline(userValues.get("auditLog"))
                    + ": chart 1.x's switch for Falco's built-in audit web server, removed in chart 2.0 (Falco"
                    + " 0.32); the chart ignores it.");
            Values.integer(auditLog.get("listenPort")).ifPresent(port -> legacy.port = port);
            legacy.path(Values.string(auditLog.get("k8sAuditEndpoint")));
            Values.integer(auditLog.get("nodePort")).ifPresent(port -> legacy.nodePort = port);
            legacy.tls |= Values.isTrue(auditLog.get("sslEnabled"));
            if (auditLog.containsKey("dynamicBackend")) {
                keys.add("auditLog.dynamicBackend");
                lines.add("auditLog.dynamicBackend" + inline(auditLog.get("dynamicBackend"))
                        + ": made an AuditSink (auditregistration.k8s.io/v1alpha1), an API Kubernetes removed in"
                        + " 1.19. kube-apiserver now needs a static webhook backend (--audit-webhook-config-file),"
                        + " which falco-offline writes to <outputDirectory>/audit/.");
            }
        }

        Map<String, Object> chartWebserver = Values.mapAt(userValues, "falco.webserver");
        for (String key : List.of("k8sAuditEndpoint", "nodePort", "k8s_audit_endpoint")) {
            if (chartWebserver.containsKey(key)) {
                keys.add("falco.webserver." + key);
                lines.add("falco.webserver." + key + inline(chartWebserver.get(key)) + ": "
                        + (key.equals("k8s_audit_endpoint")
                                ? "Falco's own audit endpoint, removed in Falco 0.32; Falco 0.44 ignores it."
                                : "chart 1.x's audit endpoint setting, removed in chart 2.0; the chart ignores it."));
            }
        }
        if (!chartWebserver.isEmpty()
                && (chartWebserver.containsKey("k8sAuditEndpoint")
                        || chartWebserver.containsKey("k8s_audit_endpoint"))) {
            legacy.path(Values.string(chartWebserver.get("k8sAuditEndpoint")));
            legacy.path(Values.string(chartWebserver.get("k8s_audit_endpoint")));
            Values.integer(chartWebserver.get("nodePort")).ifPresent(port -> legacy.nodePort = port);
            legacy.tls |=
                    Values.isTrue(chartWebserver.get("sslEnabled")) || Values.isTrue(chartWebserver.get("ssl_enabled"));
        }

        Map<String, Object> rootWebserver = Values.mapAt(userValues, "webserver");
        if (rootWebserver.containsKey("k8s_audit_endpoint")) {
            keys.add("webserver");
            lines.add("webserver" + inline(userValues.get("webserver"))
                    + ": a falco.yaml block from before Falco 0.32 (as older Kubernetes docs show it), at the top of"
                    + " the values where the chart never reads it; and Falco 0.44 no longer has"
                    + " k8s_audit_endpoint.");
            legacy.path(Values.string(rootWebserver.get("k8s_audit_endpoint")));
            legacy.tls |= Values.isTrue(rootWebserver.get("ssl_enabled"));
        }

        Optional<Object> rulesFile = Values.at(userValues, "falco.rulesFile");
        if (rulesFile.isPresent()) {
            keys.add("falco.rulesFile");
            lines.add("falco.rulesFile" + inline(rulesFile.get())
                    + ": chart 1.x's name; the chart now reads falco.rules_files, so these rules would not load.");
        }

        if (keys.isEmpty()) {
            return;
        }
        throw new LegacyAuditConfigException(sourceName, keys, message(sourceName, lines, legacy.options()));
    }

    private static String message(String sourceName, List<String> lines, AuditOptions equivalent) {
        Map<String, Object> profile = K8sAuditProfile.values(equivalent);
        Map<String, Object> falco = Values.map(profile.get("falco"));
        Map<String, Object> falcoPart = new LinkedHashMap<>();
        falcoPart.put("plugins", falco.get("plugins"));
        falcoPart.put("load_plugins", falco.get("load_plugins"));
        falcoPart.put("rules_files", falco.get("rules_files"));
        Map<String, Object> snippet = new LinkedHashMap<>();
        snippet.put("falco", falcoPart);
        snippet.put("services", profile.get("services"));

        String flags = (equivalent.path().equals(AuditOptions.DEFAULT_PATH) ? "" : " auditPath=" + equivalent.path())
                + (equivalent.nodePort() == AuditOptions.DEFAULT_NODE_PORT
                        ? ""
                        : " auditNodePort=" + equivalent.nodePort())
                + (equivalent.servicePort() == AuditOptions.DEFAULT_SERVICE_PORT
                        ? ""
                        : " auditServicePort=" + equivalent.servicePort());
        return sourceName + " holds audit settings from before Falco 0.32, when Falco's own web server received"
                + " kube-apiserver's audit events:\n  - " + String.join("\n  - ", lines)
                + "\nSince Falco 0.32 the k8saudit plugin receives them on its own port; with these settings every"
                + " audit event would be lost. Remove them, then either use profile=" + K8sAuditProfile.NAME + flags
                + ", or write the plugin-based equivalent:\n"
                + SafeYaml.dump(snippet).stripTrailing()
                + "\nkube-apiserver then posts to " + equivalent.scheme() + "://<node IP>:" + equivalent.nodePort()
                + equivalent.path() + "; falco-offline writes its webhook kubeconfig to <outputDirectory>/audit/."
                + " Port " + LEGACY_WEBSERVER_PORT + " stays Falco's web server (health checks, /versions)."
                + (equivalent.tls().isPresent()
                        ? " For HTTPS, mount the key and certificate with certs.existingSecret (key falco.pem)."
                        : "");
    }

    private static String inline(Object value) {
        return " (" + SafeYaml.dumpInline(value) + ")";
    }

    /** What the legacy keys said, turned into the plugin-era options. */
    private static final class Legacy {
        Integer port;
        String path;
        Integer nodePort;
        boolean tls;

        void path(String legacyPath) {
            if (path == null && legacyPath != null && legacyPath.startsWith("/")) {
                path = legacyPath;
            }
        }

        AuditOptions options() {
            AuditOptions.Builder builder = AuditOptions.builder();
            // 8765 is Falco's own web server today, so the plugin cannot take it.
            if (port != null && port != LEGACY_WEBSERVER_PORT && port >= 1 && port <= 65535) {
                builder.servicePort(port);
            }
            if (path != null && !path.contains("//") && path.matches("/[A-Za-z0-9._~/-]*")) {
                builder.path(path);
            }
            if (nodePort != null && nodePort >= AuditOptions.NODE_PORT_MIN && nodePort <= AuditOptions.NODE_PORT_MAX) {
                builder.nodePort(nodePort);
            }
            if (tls) {
                builder.tls(AuditTls.builder().build());
            }
            return builder.build();
        }
    }
}
