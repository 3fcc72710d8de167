package io.falcooffline.core.audit;

import io.falcooffline.core.AuditMismatchException;
import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.AuditTls;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.audit.VersionRange.Verdict;
import io.falcooffline.core.audit.VersionRange.Version;
import io.falcooffline.core.audit.WebhookSettings.Listener;
import io.falcooffline.core.audit.WebhookSettings.ServicePort;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that the two halves of the audit webhook agree before anything is written: where the k8saudit plugin
 * listens ({@code falco.plugins[].open_params}), the Service that exposes it, the URL kube-apiserver will post to,
 * and that the rules and plugins Falco loads will exist in compatible versions. A mismatch would not fail at
 * install: kube-apiserver would silently lose every audit event. So it fails here, naming both values.
 */
public final class AuditConsistency {

    private static final Pattern SERVER = Pattern.compile(
            "(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<host>\\[[^]]*]|[^:/?#]*)(:(?<port>\\d+))?(?<path>[^?#]*).*");

    private AuditConsistency() {}

    /**
     * Runs every check.
     *
     * @param effectiveRootValues the chart defaults coalesced with the profile and the user's values: what Helm will
     *     render
     * @param options what kube-apiserver will be told
     * @param delivered the rules files and plugins the Falco container will have, usually
     *     {@link DeliveredRules#fromValues(Map)}
     * @return warnings: what falco-offline had to assume (e.g. that the image provides a rules file)
     * @throws AuditMismatchException listing every disagreement, each naming both values
     */
    public static List<String> check(
            Map<String, Object> effectiveRootValues, AuditOptions options, DeliveredRules delivered) {
        return check(FalcoValues.of(effectiveRootValues), options, delivered);
    }

    /** {@link #check(Map, AuditOptions, DeliveredRules)} on values already read. */
    public static List<String> check(FalcoValues falco, AuditOptions options, DeliveredRules delivered) {
        Findings findings = new Findings();
        Optional<Endpoint> endpoint = endpoint(falco, options, findings);
        endpoint.ifPresent(found -> checkCertificate(falco, found.listener(), delivered, findings));
        checkController(falco, findings);
        checkRulesAndPlugins(falco, delivered, findings);
        findings.throwIfAny();
        return List.copyOf(findings.warnings);
    }

    /**
     * Whether the values set up the audit webhook at all: Falco loads a k8saudit plugin (its entry in
     * {@code falco.plugins} is named in {@code falco.load_plugins}, or there is no {@code load_plugins} and Falco loads
     * every configured plugin; {@code load_plugins} naming {@code k8saudit} counts too, so that a missing entry is
     * reported), or there is a {@code k8saudit-webhook} entry in {@code services}. A {@code falco.plugins} entry that
     * {@code load_plugins} leaves out, as the charts 4.x to 6.x ship by default, sets up nothing. A package run without
     * {@code profile=k8s-audit} uses this to decide whether to run {@link #check} and write the kube-apiserver files,
     * so that hand-written audit values are checked too.
     */
    public static boolean configuresWebhook(FalcoValues falco) {
        Optional<FalcoValues.Plugin> plugin = WebhookSettings.plugin(falco);
        boolean loaded = falco.loadPlugins()
                .map(names -> names.contains(K8sAuditProfile.PLUGIN_NAME)
                        || plugin.map(FalcoValues.Plugin::name)
                                .filter(names::contains)
                                .isPresent())
                .orElse(plugin.isPresent());
        return loaded
                || falco.services().stream().anyMatch(service -> K8sAuditProfile.SERVICE_NAME.equals(service.name()));
    }

    /**
     * The URL kube-apiserver must post audit events to: {@code <scheme>://<webhookAddress>:<port><path>}, with the
     * scheme and path of the plugin's {@code open_params} and the node port (NodePort) or Service port (otherwise).
     *
     * @throws AuditMismatchException when the plugin, the Service and the options disagree
     * @throws InvalidRequestException naming {@code auditWebhookAddress} when no address is set
     */
    public static String webhookUrl(FalcoValues falco, AuditOptions options) {
        String address = options.webhookAddress()
                .orElseThrow(() -> new InvalidRequestException(
                        "auditWebhookAddress",
                        "auditWebhookAddress is not set, so the kube-apiserver webhook kubeconfig cannot name a"
                                + " server: set it to " + addressAdvice(options.serviceType()) + "."));
        return requireEndpoint(falco, options).url(address);
    }

    /**
     * Checks a webhook kubeconfig, generated earlier or written by hand, against the values: its server URL must use
     * the plugin's scheme and path and the port kube-apiserver reaches the Service on (and the webhook address, when
     * one is set).
     *
     * @param kubeconfigYaml the kubeconfig's text
     * @param sourceName names the kubeconfig in messages
     * @throws AuditMismatchException naming the kubeconfig's value and the value it disagrees with
     */
    public static void checkKubeconfig(
            String kubeconfigYaml, String sourceName, FalcoValues falco, AuditOptions options) {
        Endpoint endpoint = requireEndpoint(falco, options);
        Map<String, Object> kubeconfig = SafeYaml.loadMap(kubeconfigYaml, sourceName);
        String server = kubeconfigServer(kubeconfig);
        String where = sourceName + " clusters[].cluster.server " + server;
        Matcher url = SERVER.matcher(server);
        if (server.isEmpty() || !url.matches()) {
            throw new AuditMismatchException(List.of(sourceName + " has no usable clusters[].cluster.server URL ('"
                    + server + "'): kube-apiserver would send audit events nowhere."));
        }
        Findings findings = new Findings();
        Listener listener = endpoint.listener();
        String scheme = url.group("scheme");
        if (!scheme.equals(listener.scheme())) {
            findings.problem(where + " uses " + scheme + "://, but the k8saudit plugin serves " + listener.scheme()
                    + ":// (" + openParamsLocation(listener) + "). Make both use " + listener.scheme() + ".");
        }
        int port =
                url.group("port") == null ? (scheme.equals("https") ? 443 : 80) : Integer.parseInt(url.group("port"));
        if (port != endpoint.connectPort()) {
            findings.problem(
                    where + " uses port " + port + ", but " + endpoint.connectPortDescription() + ". Make them equal.");
        }
        String path = url.group("path");
        if (!path.equals(listener.path())) {
            findings.problem(where + " posts to path '" + path + "', but the k8saudit plugin serves only '"
                    + listener.path() + "' (" + openParamsLocation(listener) + "): every event would get 404."
                    + " Make them equal.");
        }
        String host = url.group("host");
        options.webhookAddress().ifPresent(address -> {
            if (!unbracketed(host).equalsIgnoreCase(unbracketed(address))) {
                findings.problem(where + " names host " + host + ", but auditWebhookAddress is " + address
                        + ". Make them equal.");
            }
        });
        findings.throwIfAny();
    }

    /** The resolved webhook: the plugin's listener, the Service port in front of it and the options. */
    record Endpoint(Listener listener, ServicePort servicePort, AuditOptions options) {

        /** The port kube-apiserver connects to. */
        int connectPort() {
            return options.serviceType() == AuditOptions.ServiceType.NODE_PORT
                    ? servicePort.nodePort().orElseThrow()
                    : servicePort.port().orElseThrow();
        }

        String connectPortDescription() {
            return options.serviceType() == AuditOptions.ServiceType.NODE_PORT
                    ? "Service " + servicePort.serviceName() + " is reached on nodePort " + connectPort() + " ("
                            + servicePort.location() + ".nodePort)"
                    : "Service " + servicePort.serviceName() + " is reached on port " + connectPort() + " ("
                            + servicePort.location() + ".port)";
        }

        String url(String address) {
            String host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
            return listener.scheme() + "://" + host + ":" + connectPort() + listener.path();
        }
    }

    static Endpoint requireEndpoint(FalcoValues falco, AuditOptions options) {
        Findings findings = new Findings();
        Optional<Endpoint> endpoint = endpoint(falco, options, findings);
        findings.throwIfAny();
        return endpoint.orElseThrow();
    }

    private static Optional<Endpoint> endpoint(FalcoValues falco, AuditOptions options, Findings findings) {
        Optional<Listener> listener = listener(falco, options, findings);
        if (listener.isEmpty()) {
            return Optional.empty();
        }
        Optional<ServicePort> servicePort = servicePort(falco, options, listener.get(), findings);
        if (servicePort.isEmpty() || findings.hasProblems()) {
            return Optional.empty();
        }
        return Optional.of(new Endpoint(listener.get(), servicePort.get(), options));
    }

    private static Optional<Listener> listener(FalcoValues falco, AuditOptions options, Findings findings) {
        Optional<FalcoValues.Plugin> plugin = WebhookSettings.plugin(falco);
        if (plugin.isEmpty()) {
            findings.problem("falco.plugins has no k8saudit plugin, so nothing in Falco receives kube-apiserver's"
                    + " audit events. Use profile=" + K8sAuditProfile.NAME
                    + ", or add {name: k8saudit, library_path: libk8saudit.so, init_config: \"\", open_params: \""
                    + options.openParams() + "\"} to falco.plugins.");
            return Optional.empty();
        }
        Listener listener;
        try {
            listener = WebhookSettings.parse(plugin.get());
        } catch (IllegalArgumentException e) {
            findings.problem(plugin.get().location() + ".open_params \""
                    + Values.string(plugin.get().openParams())
                    + "\" cannot serve the audit webhook: " + e.getMessage() + ". Use e.g. \"" + options.openParams()
                    + "\".");
            return Optional.empty();
        }
        checkLoaded(falco, listener, findings);
        if (!listener.listensOnAllInterfaces()) {
            findings.problem(openParamsLocation(listener) + " listens on " + listener.host()
                    + " only, which the Service cannot reach from outside the pod. Leave the host out: \""
                    + listener.scheme() + "://:" + listener.port() + listener.path() + "\".");
        }
        if (Values.at(falco.raw(), "falco.webserver.enabled")
                .map(Values::isTrue)
                .orElse(false)) {
            int webserverPort = Values.at(falco.raw(), "falco.webserver.listen_port")
                    .flatMap(Values::integer)
                    .orElse(8765);
            if (webserverPort == listener.port()) {
                findings.problem("the k8saudit plugin (" + openParamsLocation(listener)
                        + ") and Falco's web server (falco.webserver.listen_port " + webserverPort
                        + ") both listen on port " + webserverPort
                        + ": the plugin cannot bind it. Move the plugin to its own port, e.g. "
                        + AuditOptions.DEFAULT_SERVICE_PORT + ".");
            }
        }
        if (!listener.path().equals(options.path())) {
            findings.problem("the k8saudit plugin serves path " + listener.path() + " ("
                    + openParamsLocation(listener) + ") but auditPath is " + options.path()
                    + ": kube-apiserver would post to a path that answers 404. Set auditPath=" + listener.path()
                    + " or change open_params.");
        }
        if (options.tls().isPresent() && !listener.tls()) {
            findings.problem("auditTls is set, so kube-apiserver would connect with https://, but the k8saudit"
                    + " plugin serves plain http (" + openParamsLocation(listener) + "). Use \"https://:"
                    + listener.port() + listener.path() + "\" with init_config.sslCertificate, or drop auditTls.");
        }
        if (listener.tls() && !hasCertificateAuthority(falco, options)) {
            findings.problem("the k8saudit plugin serves https (" + openParamsLocation(listener)
                    + "), but there is no CA for kube-apiserver to trust its certificate with: set auditTls with a"
                    + " certificateAuthorityFile, or certs.ca.crt in the values.");
        }
        return Optional.of(listener);
    }

    private static void checkLoaded(FalcoValues falco, Listener listener, Findings findings) {
        if (falco.loadPlugins().isEmpty()) {
            // Without load_plugins, Falco loads every configured plugin.
            return;
        }
        List<String> loaded = falco.loadPlugins().get();
        String pluginName = falco.plugins().get(listener.pluginIndex()).name();
        if (!loaded.contains(pluginName)) {
            findings.problem("falco.load_plugins is " + SafeYaml.dumpInline(loaded) + " and does not name "
                    + pluginName + ": Falco would not load the plugin and nothing would listen on port "
                    + listener.port() + ". Add " + pluginName + " to falco.load_plugins.");
        }
    }

    private static Optional<ServicePort> servicePort(
            FalcoValues falco, AuditOptions options, Listener listener, Findings findings) {
        Optional<ServicePort> found = WebhookSettings.servicePort(falco.services(), listener.port());
        if (found.isEmpty()) {
            findings.problem("no services[] entry forwards to the k8saudit plugin's port " + listener.port() + " ("
                    + openParamsLocation(listener) + "), so kube-apiserver cannot reach it. Add {name: "
                    + K8sAuditProfile.SERVICE_NAME + ", type: "
                    + options.serviceType().kubernetesName()
                    + ", ports: [{port: " + listener.port()
                    + (options.serviceType() == AuditOptions.ServiceType.NODE_PORT
                            ? ", nodePort: " + options.nodePort()
                            : "")
                    + ", protocol: TCP}]} to services (profile=" + K8sAuditProfile.NAME + " does).");
            return Optional.empty();
        }
        ServicePort port = found.get();
        String service = "Service " + port.serviceName();
        if (port.port().isEmpty()) {
            findings.problem(port.location() + ".port is missing or not a number. Set it to " + listener.port() + ".");
            return found;
        }
        if (port.targetPort().isEmpty()) {
            findings.problem(port.location() + ".targetPort '" + port.targetPortAsWritten()
                    + "' is a port name, but the Falco container declares no named port for the plugin. Use the"
                    + " number " + listener.port() + ".");
        } else if (port.targetPort().get() != listener.port()) {
            String target = port.targetPortAsWritten() == null
                    ? "port " + port.targetPort().get() + " (" + port.location() + ".port, no targetPort)"
                    : "targetPort " + port.targetPort().get() + " (" + port.location() + ".targetPort)";
            findings.problem(service + " forwards to " + target + ", but the k8saudit plugin listens on port "
                    + listener.port() + " (" + openParamsLocation(listener) + "). Make them equal.");
        }
        if (!port.protocol().equals("TCP")) {
            findings.problem(port.location() + ".protocol is " + port.protocol()
                    + ", but the audit webhook is HTTP over TCP. Use TCP.");
        }
        String wantedType = options.serviceType().kubernetesName();
        if (!port.type().equals(wantedType)) {
            findings.problem(service + " is type " + port.type() + " (services[" + port.serviceIndex()
                    + "].type), but auditServiceType is " + wantedType + ": the kubeconfig would point"
                    + " kube-apiserver at the wrong kind of address. Set auditServiceType=" + port.type()
                    + " or type: " + wantedType + ".");
            return found;
        }
        if (options.serviceType() == AuditOptions.ServiceType.NODE_PORT) {
            checkNodePort(port, service, options, findings);
        } else {
            if (port.port().get() != options.servicePort()) {
                findings.problem(service + " listens on port " + port.port().get() + " (" + port.location()
                        + ".port), but auditServicePort is " + options.servicePort()
                        + ": the kubeconfig would point at the wrong port. Set auditServicePort="
                        + port.port().get() + " or port: " + options.servicePort() + ".");
            }
            if (port.type().equals("ClusterIP") && port.nodePortAsWritten() != null) {
                findings.problem(port.location() + ".nodePort " + port.nodePortAsWritten()
                        + " is set on a ClusterIP Service, which the API server rejects. Remove it, or use"
                        + " type NodePort.");
            }
        }
        return found;
    }

    private static void checkNodePort(ServicePort port, String service, AuditOptions options, Findings findings) {
        if (port.nodePortAsWritten() == null) {
            findings.problem(service + " is a NodePort Service without a nodePort (" + port.location()
                    + ".nodePort): Kubernetes would pick a random one at install, which the kubeconfig written now"
                    + " cannot know. Set nodePort: " + options.nodePort() + " (auditNodePort).");
            return;
        }
        if (port.nodePort().isEmpty()) {
            findings.problem(port.location() + ".nodePort '" + port.nodePortAsWritten()
                    + "' is not a number. Set it to " + options.nodePort() + ".");
            return;
        }
        int nodePort = port.nodePort().get();
        if (nodePort < AuditOptions.NODE_PORT_MIN || nodePort > AuditOptions.NODE_PORT_MAX) {
            findings.problem(port.location() + ".nodePort " + nodePort + " is outside Kubernetes' default node port"
                    + " range " + AuditOptions.NODE_PORT_MIN + "-" + AuditOptions.NODE_PORT_MAX
                    + ": the API server would reject the Service. Pick a port in that range.");
        }
        if (nodePort != options.nodePort()) {
            findings.problem(service + " pins nodePort " + nodePort + " (" + port.location()
                    + ".nodePort), but auditNodePort is " + options.nodePort()
                    + ": the kubeconfig would point at the wrong port. Set auditNodePort=" + nodePort
                    + " or nodePort: " + options.nodePort() + ".");
        }
    }

    private static void checkCertificate(
            FalcoValues falco, Listener listener, DeliveredRules delivered, Findings findings) {
        if (listener.sslCertificate().isEmpty()) {
            return;
        }
        String certificate = listener.sslCertificate().get();
        String where = "the k8saudit plugin serves https with " + certificate + " ("
                + (certificate.equals(WebhookSettings.PLUGIN_DEFAULT_CERTIFICATE)
                        ? "its default; init_config.sslCertificate is not set"
                        : "falco.plugins[" + listener.pluginIndex() + "].init_config.sslCertificate")
                + ")";
        String chartCertificates = "/etc/falco/certs/";
        boolean existingSecret =
                !Values.stringAt(falco.raw(), "certs.existingSecret").isEmpty();
        boolean generatedSecret =
                !Values.stringAt(falco.raw(), "certs.server.key").isEmpty()
                        && !Values.stringAt(falco.raw(), "certs.server.crt").isEmpty()
                        && !Values.stringAt(falco.raw(), "certs.ca.crt").isEmpty();
        if (certificate.startsWith(chartCertificates) && (existingSecret || generatedSecret)) {
            String file = certificate.substring(chartCertificates.length());
            if (generatedSecret && !existingSecret && !file.equals("falco.pem")) {
                findings.problem(where + ", but the chart's certificate secret holds the key and certificate"
                        + " together only in " + chartCertificates + "falco.pem. Use that path.");
            } else if (existingSecret) {
                findings.warning(where + ": secret " + Values.stringAt(falco.raw(), "certs.existingSecret")
                        + " (certs.existingSecret) must hold key " + file
                        + " with the private key and the certificate in one PEM.");
            }
            return;
        }
        DeliveredRules.Location location = delivered.locateRulesFile(certificate);
        if (location.status() == DeliveredRules.Status.MISSING) {
            findings.problem(where + ", but " + location.explanation()
                    + ": the plugin would fail to start. Set certs.existingSecret (mounted at "
                    + chartCertificates + ") and init_config.sslCertificate: " + AuditTls.CHART_CERTIFICATE_PATH
                    + ".");
        } else if (location.status() == DeliveredRules.Status.ASSUMED) {
            findings.warning(where + ": " + location.explanation() + ".");
        }
    }

    private static void checkController(FalcoValues falco, Findings findings) {
        String kind = Values.stringAt(falco.raw(), "controller.kind");
        if (kind.equals("daemonset") && !Values.isTrueAt(falco.raw(), "driver.enabled")) {
            findings.warning("controller.kind is daemonset with the driver off: every node runs a Falco that only"
                    + " waits for audit events, and the Service hands each batch to one of them. A deployment"
                    + " (profile=" + K8sAuditProfile.NAME + ") does the same with one pod.");
        }
    }

    private static void checkRulesAndPlugins(FalcoValues falco, DeliveredRules delivered, Findings findings) {
        List<String> listed = new ArrayList<>();
        for (String path : falco.rulesFiles()) {
            listed.add(path);
            if (!path.endsWith(".yaml") && !path.endsWith(".yml")) {
                continue;
            }
            DeliveredRules.Location location = delivered.locateRulesFile(path);
            if (location.status() == DeliveredRules.Status.MISSING) {
                findings.problem("falco.rules_files lists " + path + ", but " + location.explanation()
                        + ": Falco would not start. Install it with falcoctl (e.g. " + K8sAuditProfile.RULES_REF
                        + " in falcoctl.config.artifact.install.refs) or remove it from falco.rules_files.");
            } else if (location.status() == DeliveredRules.Status.ASSUMED) {
                findings.warning("falco.rules_files lists " + path + ": " + location.explanation()
                        + ". Nor can it check the plugin versions those rules require (required_plugin_versions).");
            }
        }
        boolean auditRulesListed = listed.stream().anyMatch(path -> path.endsWith("/k8s_audit_rules.yaml"))
                || delivered.rulesFiles().stream()
                        .anyMatch(file ->
                                listed.contains(file.path()) && file.source().contains("k8saudit"));
        if (!auditRulesListed) {
            findings.warning("falco.rules_files " + SafeYaml.dumpInline(listed) + " loads no k8s audit rules ("
                    + K8sAuditProfile.RULES_FILE + "): audit events would arrive but no rule would fire.");
        }

        List<String> loaded = falco.loadedPluginNames();
        for (String name : loaded) {
            Optional<FalcoValues.Plugin> plugin = falco.plugin(name);
            if (plugin.isEmpty()) {
                findings.problem("falco.load_plugins names " + name + ", but falco.plugins has no entry named " + name
                        + ": Falco refuses to start (plugin config not found). Add its configuration.");
                continue;
            }
            String library = plugin.get().libraryPath();
            DeliveredRules.Location location = delivered.locatePluginLibrary(library);
            String where = plugin.get().location() + " " + name + " (library_path " + library + ")";
            if (location.status() == DeliveredRules.Status.MISSING) {
                findings.problem(where + " would not exist: " + location.explanation() + ". Falco would not start. Add "
                        + name + " to falcoctl.config.artifact.install.refs.");
            } else if (location.status() == DeliveredRules.Status.ASSUMED) {
                findings.warning(where + ": " + location.explanation() + ".");
            }
        }

        for (DeliveredRules.RulesFile file : delivered.rulesFiles()) {
            if (!listed.contains(file.path()) && !listedDirectoryHolds(listed, file.path())) {
                continue;
            }
            String rules = file.path() + " from " + file.source() + " ("
                    + file.origin().description() + ")";
            if (!file.requirementsKnown()) {
                findings.warning("falco-offline cannot tell which plugin versions " + rules
                        + " requires" + (file.source().contains(":") ? ": its tag floats" : "")
                        + ". Pin it to a minor version such as " + K8sAuditProfile.RULES_REF + ".");
                continue;
            }
            file.requiredPluginVersions()
                    .forEach(
                            (plugin, version) -> checkRequirement(rules, plugin, version, loaded, delivered, findings));
        }
    }

    private static void checkRequirement(
            String rules,
            String plugin,
            String version,
            List<String> loaded,
            DeliveredRules delivered,
            Findings findings) {
        Version required = Version.parse(version).orElse(null);
        if (required == null) {
            findings.warning(rules + " requires " + plugin + " " + version
                    + ", which is not a version falco-offline can compare.");
            return;
        }
        if (!loaded.contains(plugin)) {
            findings.problem(rules + " requires the " + plugin + " plugin (>= " + version
                    + "), but falco.load_plugins " + SafeYaml.dumpInline(loaded)
                    + " does not load it: Falco would refuse the rules. Add " + plugin + " to falco.plugins and"
                    + " falco.load_plugins.");
            return;
        }
        Optional<DeliveredRules.Plugin> installed = delivered.installedPlugin(plugin);
        if (installed.isEmpty()) {
            findings.warning(rules + " requires " + plugin + " >= " + version + " with the same major version;"
                    + " falcoctl does not install " + plugin + ", so the image must provide a compatible one.");
            return;
        }
        Optional<VersionRange> range = VersionRange.ofTag(installed.get().versionTag());
        Verdict verdict = range.map(found -> found.satisfies(required)).orElse(Verdict.UNKNOWN);
        String installedAs = "falcoctl installs " + installed.get().source();
        if (verdict == Verdict.NOT_SATISFIED) {
            findings.problem(rules + " requires " + plugin + " >= " + version + " (same major version), but "
                    + installedAs + ": Falco would refuse the rules. Install a compatible " + plugin
                    + " or pin the rules to a version that accepts it.");
        } else if (verdict == Verdict.UNKNOWN) {
            findings.warning(rules + " requires " + plugin + " >= " + version + ", and " + installedAs
                    + ", whose tag may stand for an older version. Pin " + plugin + " to a version >= " + version
                    + ".");
        }
    }

    private static boolean listedDirectoryHolds(List<String> listed, String path) {
        return listed.stream()
                .anyMatch(entry -> !entry.endsWith(".yaml")
                        && !entry.endsWith(".yml")
                        && path.startsWith(entry.endsWith("/") ? entry : entry + "/"));
    }

    /** Whether there is a CA to trust Falco's certificate with: the options' file, or the chart's certs.ca.crt. */
    static boolean hasCertificateAuthority(FalcoValues falco, AuditOptions options) {
        return options.tls().flatMap(AuditTls::certificateAuthorityFile).isPresent()
                || !Values.stringAt(falco.raw(), "certs.ca.crt").isBlank();
    }

    private static String kubeconfigServer(Map<String, Object> kubeconfig) {
        List<?> clusters = Values.list(kubeconfig.get("clusters"));
        String currentContext = Values.string(kubeconfig.get("current-context"));
        String clusterName = "";
        for (Object context : Values.list(kubeconfig.get("contexts"))) {
            Map<String, Object> entry = Values.map(context);
            if (Values.string(entry.get("name")).equals(currentContext)) {
                clusterName = Values.string(Values.map(entry.get("context")).get("cluster"));
            }
        }
        for (Object cluster : clusters) {
            Map<String, Object> entry = Values.map(cluster);
            if (clusterName.isEmpty() || Values.string(entry.get("name")).equals(clusterName)) {
                return Values.string(Values.map(entry.get("cluster")).get("server"))
                        .strip();
            }
        }
        return "";
    }

    private static String openParamsLocation(Listener listener) {
        return "falco.plugins[" + listener.pluginIndex() + "].open_params \"" + listener.openParams() + "\"";
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static String addressAdvice(AuditOptions.ServiceType type) {
        return switch (type) {
            case NODE_PORT -> "the IP of a node that kube-apiserver can reach (every node forwards the node port)";
            case CLUSTER_IP -> "the Service's cluster IP, or a DNS name the control-plane nodes resolve";
            case LOAD_BALANCER -> "the load balancer's IP or DNS name";
        };
    }

    /** Problems fail the check; warnings are returned. */
    private static final class Findings {
        private final List<String> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();

        void problem(String problem) {
            problems.add(problem);
        }

        void warning(String warning) {
            warnings.add(warning);
        }

        boolean hasProblems() {
            return !problems.isEmpty();
        }

        void throwIfAny() {
            if (!problems.isEmpty()) {
                throw new AuditMismatchException(problems);
            }
        }
    }
}
