package io.falcooffline.core.audit;

import io.falcooffline.core.AuditBatch;
import io.falcooffline.core.AuditMismatchException;
import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.AuditTls;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.io.PreparedDirectory;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the kube-apiserver half of the audit webhook: the webhook kubeconfig whose server URL reaches the Falco
 * Service, the audit policy, the flags, and a README with the steps for a kubeadm control plane.
 */
public final class ControlPlaneFiles {

    /** kube-apiserver's {@code --audit-webhook-config-file}. */
    public static final String KUBECONFIG_FILE = "audit-webhook-kubeconfig.yaml";

    /** kube-apiserver's {@code --audit-policy-file}. */
    public static final String POLICY_FILE = "audit-policy.yaml";

    /** The flags, one per line. */
    public static final String FLAGS_FILE = "kube-apiserver-flags.txt";

    /** The steps. */
    public static final String README_FILE = "README.md";

    /** The directory under the output directory that receives the kube-apiserver files. */
    public static final String DIRECTORY = "audit";

    private static final String KUBECONFIG_NAME = "falco-k8saudit";
    private static final String VOLUME_NAME = "falco-audit";

    private ControlPlaneFiles() {}

    /**
     * What {@link #write} produced.
     *
     * @param directory the audit directory
     * @param webhookKubeconfig {@value #KUBECONFIG_FILE}
     * @param auditPolicy {@value #POLICY_FILE}
     * @param apiserverFlags {@value #FLAGS_FILE}
     * @param readme {@value #README_FILE}
     * @param webhookUrl the URL kube-apiserver posts audit events to
     * @param warnings about the user's audit policy, if one was given
     */
    public record Written(
            Path directory,
            Path webhookKubeconfig,
            Path auditPolicy,
            Path apiserverFlags,
            Path readme,
            String webhookUrl,
            List<String> warnings) {

        public Written {
            warnings = List.copyOf(warnings);
        }

        /** The four files, in a fixed order. */
        public List<Path> files() {
            return List.of(webhookKubeconfig, auditPolicy, apiserverFlags, readme);
        }
    }

    /**
     * The four files, computed in memory, to be written by {@link #write(Path, Prepared)}.
     *
     * @param files file name to content, in a fixed order
     * @param webhookUrl the URL kube-apiserver posts audit events to
     * @param warnings about the user's audit policy, if one was given
     */
    public record Prepared(Map<String, String> files, String webhookUrl, List<String> warnings) {

        public Prepared {
            files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
            warnings = List.copyOf(warnings);
        }

        /** The files as the output stage writes them: the directory {@value #DIRECTORY} of the output directory. */
        public PreparedDirectory directory() {
            Map<String, byte[]> bytes = new LinkedHashMap<>();
            files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
            return new PreparedDirectory(
                    DIRECTORY, "the kube-apiserver audit files", bytes, "webhook " + webhookUrl, warnings);
        }
    }

    /**
     * Computes the four files and checks them against the values.
     *
     * @param effectiveRootValues the chart defaults coalesced with the profile and the user's values
     * @param releaseName the Helm release name, for the Service name in the README
     * @param namespace the release namespace
     * @throws AuditMismatchException when the plugin, the Service and the options disagree
     * @throws InvalidRequestException naming {@code auditWebhookAddress}, {@code auditPolicyFile} or
     *     {@code auditTlsCertificateAuthorityFile} when that input is missing or invalid
     */
    public static Prepared prepare(AuditOptions options, FalcoValues falco, String releaseName, String namespace) {
        String url = AuditConsistency.webhookUrl(falco, options);
        AuditConsistency.Endpoint endpoint = AuditConsistency.requireEndpoint(falco, options);
        String fullName = WebhookSettings.fullName(falco.raw(), releaseName);
        String serviceName = fullName + "-" + endpoint.servicePort().serviceName();
        String serviceNamespace = WebhookSettings.namespace(falco.raw(), namespace);

        String kubeconfig = kubeconfig(url, endpoint, falco, options, serviceName, serviceNamespace);
        AuditConsistency.checkKubeconfig(kubeconfig, KUBECONFIG_FILE, falco, options);
        AuditPolicy.Loaded policy = AuditPolicy.load(options.policyFile());
        String flags = String.join("\n", flags(options)) + "\n";
        String readme = readme(url, endpoint, options, releaseName, fullName, serviceNamespace);

        Map<String, String> files = new LinkedHashMap<>();
        files.put(KUBECONFIG_FILE, kubeconfig);
        files.put(POLICY_FILE, policy.text());
        files.put(FLAGS_FILE, flags);
        files.put(README_FILE, readme);
        return new Prepared(files, url, policy.warnings());
    }

    /**
     * Writes the four files into {@code auditDirectory}, replacing it as a whole: the files are written to a
     * sibling temporary directory that is then moved into place, so the directory never holds a half-written set.
     *
     * @param auditDirectory usually {@code <outputDirectory>/audit}
     * @throws FalcoOfflineException when the directory cannot be written
     */
    public static Written write(Path auditDirectory, Prepared prepared) {
        Path directory = prepared.directory().writeTo(auditDirectory);
        return new Written(
                directory,
                directory.resolve(KUBECONFIG_FILE),
                directory.resolve(POLICY_FILE),
                directory.resolve(FLAGS_FILE),
                directory.resolve(README_FILE),
                prepared.webhookUrl(),
                prepared.warnings());
    }

    /**
     * Computes and writes the four files; nothing is written when a check fails.
     *
     * @see #prepare
     * @see #write(Path, Prepared)
     */
    public static Written write(
            Path auditDirectory,
            AuditOptions options,
            Map<String, Object> effectiveRootValues,
            String releaseName,
            String namespace) {
        return write(auditDirectory, prepare(options, FalcoValues.of(effectiveRootValues), releaseName, namespace));
    }

    /** kube-apiserver's flags for these options, one {@code --name=value} each. */
    public static List<String> flags(AuditOptions options) {
        List<String> flags = new ArrayList<>();
        flags.add("--audit-policy-file=" + options.controlPlaneDirectory() + "/" + POLICY_FILE);
        flags.add("--audit-webhook-config-file=" + options.controlPlaneDirectory() + "/" + KUBECONFIG_FILE);
        options.batch().ifPresent(batch -> flags.addAll(batch.flags()));
        return flags;
    }

    private static String kubeconfig(
            String url,
            AuditConsistency.Endpoint endpoint,
            FalcoValues falco,
            AuditOptions options,
            String serviceName,
            String serviceNamespace) {
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("server", url);
        if (endpoint.listener().tls()) {
            cluster.put(
                    "certificate-authority-data",
                    Base64.getEncoder()
                            .encodeToString(certificateAuthority(falco, options).getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("cluster", KUBECONFIG_NAME);
        context.put("user", "kube-apiserver");
        Map<String, Object> kubeconfig = new LinkedHashMap<>();
        kubeconfig.put("apiVersion", "v1");
        kubeconfig.put("kind", "Config");
        kubeconfig.put("clusters", List.of(namedEntry(KUBECONFIG_NAME, "cluster", cluster)));
        kubeconfig.put("contexts", List.of(namedEntry(KUBECONFIG_NAME, "context", context)));
        kubeconfig.put("current-context", KUBECONFIG_NAME);
        // Distinct empty maps: one shared instance would be written as a YAML anchor and alias.
        kubeconfig.put("users", List.of(namedEntry("kube-apiserver", "user", new LinkedHashMap<>())));
        kubeconfig.put("preferences", new LinkedHashMap<>());
        return "# kube-apiserver --audit-webhook-config-file: where audit events go, written by falco-offline.\n"
                + "# " + url + " reaches Service " + serviceNamespace + "/" + serviceName + " ("
                + endpoint.servicePort().type() + ") and then the k8saudit plugin (open_params "
                + endpoint.listener().openParams() + ").\n"
                + SafeYaml.dump(kubeconfig);
    }

    private static String certificateAuthority(FalcoValues falco, AuditOptions options) {
        Path file = options.tls().flatMap(AuditTls::certificateAuthorityFile).orElse(null);
        String pem;
        String source;
        if (file != null) {
            source = "auditTls certificateAuthorityFile " + file;
            try {
                pem = Files.readString(file);
            } catch (IOException | RuntimeException e) {
                throw new InvalidRequestException(
                        "auditTlsCertificateAuthorityFile",
                        source + " cannot be read (" + e.getMessage() + "): point it at the PEM of the CA that"
                                + " signed Falco's certificate.");
            }
        } else {
            source = "certs.ca.crt";
            pem = Values.stringAt(falco.raw(), "certs.ca.crt");
        }
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidRequestException(
                    "auditTlsCertificateAuthorityFile",
                    source + " holds no PEM certificate (-----BEGIN CERTIFICATE-----): kube-apiserver could not"
                            + " trust Falco's certificate.");
        }
        return pem;
    }

    private static String readme(
            String url,
            AuditConsistency.Endpoint endpoint,
            AuditOptions options,
            String releaseName,
            String fullName,
            String serviceNamespace) {
        String serviceName = fullName + "-" + endpoint.servicePort().serviceName();
        String directory = options.controlPlaneDirectory();
        String route = switch (options.serviceType()) {
            case NODE_PORT ->
                "node port " + endpoint.connectPort() + " on every node, then Service port "
                        + endpoint.servicePort().port().orElseThrow();
            case CLUSTER_IP, LOAD_BALANCER -> "Service port " + endpoint.connectPort();
        };
        StringBuilder text = new StringBuilder();
        text.append("# Sending kube-apiserver's audit events to Falco\n\n")
                .append("Falco (release `")
                .append(releaseName)
                .append("` in namespace `")
                .append(serviceNamespace)
                .append("`) receives audit events at\n\n    ")
                .append(url)
                .append("\n\nthrough Service `")
                .append(serviceName)
                .append("` (")
                .append(options.serviceType().kubernetesName())
                .append("): ")
                .append(route)
                .append(", to the k8saudit plugin listening as `")
                .append(endpoint.listener().openParams())
                .append("`.\n\n")
                .append("| file | kube-apiserver flag |\n|---|---|\n")
                .append("| `")
                .append(POLICY_FILE)
                .append("` | `--audit-policy-file`: which requests are recorded, and how much of them |\n")
                .append("| `")
                .append(KUBECONFIG_FILE)
                .append("` | `--audit-webhook-config-file`: where the events are sent |\n")
                .append("| `")
                .append(FLAGS_FILE)
                .append("` | the flags to add |\n\n")
                .append("## kubeadm: kube-apiserver as a static pod\n\n")
                .append("On every control-plane node:\n\n")
                .append("1. Copy the two files:\n\n")
                .append("   ```sh\n   sudo mkdir -p ")
                .append(directory)
                .append("\n   sudo cp ")
                .append(POLICY_FILE)
                .append(' ')
                .append(KUBECONFIG_FILE)
                .append(' ')
                .append(directory)
                .append("/\n   ```\n\n")
                .append("2. Edit `/etc/kubernetes/manifests/kube-apiserver.yaml` (keep any backup outside")
                .append(" `/etc/kubernetes/manifests`, or the kubelet runs it too). Add the flags of `")
                .append(FLAGS_FILE)
                .append("` to the container's `command`, and mount the directory:\n\n")
                .append("   ```yaml\n   spec:\n     containers:\n       - command:\n           - kube-apiserver\n");
        for (String flag : flags(options)) {
            text.append("           - ").append(flag).append('\n');
        }
        text.append("           # ... the existing flags stay\n")
                .append("         volumeMounts:\n")
                .append("           - name: ")
                .append(VOLUME_NAME)
                .append("\n             mountPath: ")
                .append(directory)
                .append("\n             readOnly: true\n")
                .append("     volumes:\n")
                .append("       - name: ")
                .append(VOLUME_NAME)
                .append("\n         hostPath:\n           path: ")
                .append(directory)
                .append("\n           type: DirectoryOrCreate\n   ```\n\n")
                .append("3. The kubelet restarts kube-apiserver when the manifest changes. Wait until")
                .append(" `kubectl -n kube-system get pods -l component=kube-apiserver` shows it running again.\n\n")
                .append("4. Check the path end to end: `kubectl create serviceaccount falco-audit-test` should make")
                .append(" Falco log \"K8s Serviceaccount Created\" (`kubectl -n ")
                .append(serviceNamespace)
                .append(" logs deploy/")
                .append(fullName)
                .append("`); then `kubectl delete serviceaccount falco-audit-test`.\n\n")
                .append(installOrder(options))
                .append("`kubeadm upgrade` rewrites the manifest: to keep the settings, put the same flags in the")
                .append(" ClusterConfiguration's `apiServer.extraArgs` and the volume in `apiServer.extraVolumes`.\n");
        if (options.serviceType() == AuditOptions.ServiceType.CLUSTER_IP) {
            text.append("\nkube-apiserver runs in the host network and resolves names with the node's resolver,")
                    .append(" which usually does not know cluster DNS names such as `")
                    .append(serviceName)
                    .append('.')
                    .append(serviceNamespace)
                    .append(".svc`. Use the Service's cluster IP (pin it with `clusterIP` in the services entry)")
                    .append(" unless the control plane resolves that name.\n");
        }
        if (endpoint.listener().tls()) {
            text.append("\nkube-apiserver checks Falco's certificate against the CA in the kubeconfig: the")
                    .append(" certificate must name `")
                    .append(options.webhookAddress().orElseThrow())
                    .append("` (an IP SAN for an address, a DNS SAN for a name).\n");
        }
        return text.toString();
    }

    private static String installOrder(AuditOptions options) {
        AuditBatch.Mode mode = options.batch().map(AuditBatch::mode).orElse(AuditBatch.Mode.BATCH);
        return switch (mode) {
            case BATCH ->
                "Falco may be installed before or after this: in batch mode kube-apiserver retries, then"
                        + " drops events while the webhook is unreachable, and serves requests either way.\n\n";
            case BLOCKING ->
                "In blocking mode every request waits for its event to be sent: install Falco first,"
                        + " or requests slow down while kube-apiserver times out on the webhook.\n\n";
            case BLOCKING_STRICT ->
                "In blocking-strict mode every request waits for its event, and a request fails"
                        + " when its RequestReceived event cannot be sent (a policy that omits that stage sends none):"
                        + " install Falco first.\n\n";
        };
    }

    private static Map<String, Object> namedEntry(String name, String key, Object value) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put(key, value);
        return entry;
    }
}
