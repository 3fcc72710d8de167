package io.falcooffline.core.audit;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.HelmValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code k8s-audit} profile: Falco as one Deployment that receives kube-apiserver's audit events through the
 * k8saudit plugin, with no driver and no collectors. It is a values layer applied over the chart defaults and under
 * the user's values files, so anything the user writes wins.
 */
public final class K8sAuditProfile {

    /** The profile's name, as given to {@code profile}. */
    public static final String NAME = "k8s-audit";

    /** The {@code services[]} entry the profile adds; the chart names the Service {@code <fullname>-<this>}. */
    public static final String SERVICE_NAME = "k8saudit-webhook";

    /** The plugin that receives the audit webhook. */
    public static final String PLUGIN_NAME = "k8saudit";

    /** The plugin that the k8s audit rules use for {@code jevt.*} fields. */
    public static final String JSON_PLUGIN_NAME = "json";

    /** The rules file the {@code k8saudit-rules} artifact holds, where falcoctl puts it for Falco. */
    public static final String RULES_FILE = "/etc/falco/k8s_audit_rules.yaml";

    /** The falcoctl reference of the rules; 0.16.x needs k8saudit and json 0.7.0 or newer. */
    public static final String RULES_REF = "k8saudit-rules:0.16";

    /** The falcoctl reference of the plugin. */
    public static final String PLUGIN_REF = "k8saudit:0.16";

    /**
     * The falcoctl reference of the json plugin the rules depend on, at the exact version they require: listed
     * explicitly, because falcoctl would otherwise look the dependency up in an index.
     */
    public static final String JSON_REF = "json:0.7.0";

    private K8sAuditProfile() {}

    /**
     * The profile as a values layer. Lists replace the chart's lists as a whole, as Helm does: the layer carries
     * complete {@code services}, {@code falco.plugins}, {@code falco.load_plugins} and {@code falco.rules_files}.
     *
     * @return a new mutable map the caller may coalesce into
     */
    public static Map<String, Object> values(AuditOptions options) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("driver", map("enabled", false));
        values.put("collectors", map("enabled", false));
        values.put("controller", map("kind", "deployment", "deployment", map("replicas", options.replicas())));

        // falcoctl fetches its index at start-up, and the public one is out of reach: with no index, every artifact
        // is a full reference (the package run rewrites these to the internal registry), dependencies included.
        Map<String, Object> install = map("refs", new ArrayList<>(List.of(RULES_REF, PLUGIN_REF, JSON_REF)));
        Map<String, Object> follow = map("refs", new ArrayList<>(List.of(RULES_REF)));
        values.put(
                "falcoctl",
                map(
                        "config",
                        map("indexes", new ArrayList<>(), "artifact", map("install", install, "follow", follow))));

        values.put("services", new ArrayList<>(List.of(service(options))));

        Map<String, Object> falco = new LinkedHashMap<>();
        falco.put("rules_files", new ArrayList<>(List.of(RULES_FILE, "/etc/falco/rules.d")));
        falco.put("plugins", new ArrayList<>(List.of(auditPlugin(options), jsonPlugin())));
        falco.put("load_plugins", new ArrayList<>(List.of(PLUGIN_NAME, JSON_PLUGIN_NAME)));
        falco.put("json_output", true);
        falco.put("json_include_output_property", true);
        falco.put("json_include_tags_property", true);
        values.put("falco", falco);
        return values;
    }

    /**
     * The last values layer of a package run: when the effective values expose the webhook through a NodePort
     * Service whose port leaves {@code nodePort} to Kubernetes, the layer pins it to {@link AuditOptions#nodePort()}
     * so that kube-apiserver can be configured before the install. A node port the user chose is never changed;
     * {@link AuditConsistency#check} reports one that disagrees with the options.
     *
     * @param falco the chart defaults coalesced with the profile and the user's values
     * @return the layer to coalesce over the effective values (a complete {@code services} list), or empty when
     *     nothing needs pinning
     */
    public static Optional<Map<String, Object>> pinnedNodePort(FalcoValues falco, AuditOptions options) {
        if (options.serviceType() != AuditOptions.ServiceType.NODE_PORT) {
            return Optional.empty();
        }
        Optional<WebhookSettings.Listener> listener = WebhookSettings.listener(falco);
        if (listener.isEmpty()) {
            return Optional.empty();
        }
        Optional<WebhookSettings.ServicePort> found =
                WebhookSettings.servicePort(falco.services(), listener.get().port());
        if (found.isEmpty()
                || !"NodePort".equals(found.get().type())
                || found.get().nodePort().isPresent()) {
            return Optional.empty();
        }
        List<?> pinned = HelmValues.deepCopy(Values.listAt(falco.raw(), "services"));
        Map<String, Object> service = Values.map(pinned.get(found.get().serviceIndex()));
        List<?> ports = Values.list(service.get("ports"));
        Map<String, Object> port = Values.map(ports.get(found.get().portIndex()));
        port.put("nodePort", options.nodePort());
        return Optional.of(map("services", pinned));
    }

    private static Map<String, Object> service(AuditOptions options) {
        Map<String, Object> port = new LinkedHashMap<>();
        port.put("name", "webhook");
        port.put("port", options.servicePort());
        port.put("targetPort", options.servicePort());
        if (options.serviceType() == AuditOptions.ServiceType.NODE_PORT) {
            port.put("nodePort", options.nodePort());
        }
        port.put("protocol", "TCP");
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("name", SERVICE_NAME);
        service.put("type", options.serviceType().kubernetesName());
        service.put("ports", new ArrayList<>(List.of(port)));
        return service;
    }

    private static Map<String, Object> auditPlugin(AuditOptions options) {
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("name", PLUGIN_NAME);
        plugin.put("library_path", "libk8saudit.so");
        plugin.put(
                "init_config",
                options.tls()
                        .<Object>map(tls -> map("sslCertificate", tls.certificatePath()))
                        .orElse(""));
        plugin.put("open_params", options.openParams());
        return plugin;
    }

    private static Map<String, Object> jsonPlugin() {
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("name", JSON_PLUGIN_NAME);
        plugin.put("library_path", "libjson.so");
        plugin.put("init_config", "");
        return plugin;
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
