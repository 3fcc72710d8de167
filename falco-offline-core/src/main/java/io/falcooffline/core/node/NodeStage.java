package io.falcooffline.core.node;

import io.falcooffline.core.values.EffectiveValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node side of a package run: which image pull secrets the chart's pods get and in which namespaces they must
 * exist, and what each node's container runtime needs to reach the registry. The rewrite sets the pull secrets; the
 * output stage writes the node files; the plan and the log say what the user must do.
 */
public final class NodeStage {

    /** A Kubernetes namespace name (RFC 1123 label); Helm refuses others. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private NodeStage() {}

    /**
     * What the stage needs of the run.
     *
     * @param registry the internal registry, canonical {@code host[:port]}
     * @param plainHttp whether the registry speaks plain HTTP ({@code insecureRegistries} names it)
     * @param caFile the registry's private CA, when given
     * @param imagePullSecrets the {@code imagePullSecrets} option
     * @param registrySecret the {@code registrySecret} option
     * @param registrySecretAsPullSecret whether the {@code registrySecret} is an image pull secret too
     * @param falcoctlLogsIn whether falcoctl reads the {@code registrySecret} as its login
     * @param releaseNamespace the namespace the chart is installed into
     */
    public record Input(
            String registry,
            boolean plainHttp,
            Optional<Path> caFile,
            List<String> imagePullSecrets,
            Optional<String> registrySecret,
            boolean registrySecretAsPullSecret,
            boolean falcoctlLogsIn,
            String releaseNamespace) {}

    /**
     * What the stage decided.
     *
     * @param pullSecrets the Secrets the pods name and where they must exist
     * @param trust how the nodes reach the registry
     * @param files the node files, when the registry needs them
     * @param notes what the user must do, one line each, for the log
     */
    public record Result(
            PullSecrets pullSecrets, RegistryTrust trust, Optional<NodeFiles.Prepared> files, List<String> notes) {

        public Result {
            notes = List.copyOf(notes);
        }

        /** The plan's {@code nodes} section; empty when the nodes need nothing. */
        public Map<String, Object> planSection() {
            if (pullSecrets.required().isEmpty() && files.isEmpty()) {
                return Map.of();
            }
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("registry", trust.registry());
            section.put("registryTrust", trust.kind().planName());
            section.put("imagePullSecrets", pullSecrets.names());
            List<Map<String, Object>> secrets = new ArrayList<>();
            for (String name : pullSecrets.required()) {
                for (String namespace : pullSecrets.namespaces()) {
                    Map<String, Object> secret = new LinkedHashMap<>();
                    secret.put("name", name);
                    secret.put("namespace", namespace);
                    secret.put("type", "kubernetes.io/dockerconfigjson");
                    secret.put("usedBy", pullSecrets.usedBy(name));
                    secret.put("create", pullSecrets.createCommand(name, namespace));
                    secrets.add(secret);
                }
            }
            section.put("secrets", secrets);
            files.ifPresent(prepared -> {
                Map<String, Object> installs = new LinkedHashMap<>();
                prepared.installs()
                        .forEach((path, nodePath) -> installs.put(NodeFiles.DIRECTORY + "/" + path, nodePath));
                section.put("files", installs);
            });
            section.put("notes", notes);
            return section;
        }
    }

    /**
     * Runs the stage. Reads only the CA file.
     *
     * @param values the effective values, for the namespaces the pods run in
     * @throws io.falcooffline.core.InvalidRequestException naming {@code caFile} when it holds no PEM certificate
     */
    public static Result run(Input input, EffectiveValues values) {
        PullSecrets secrets = PullSecrets.of(
                input.registry(),
                input.imagePullSecrets(),
                input.registrySecret(),
                input.registrySecretAsPullSecret(),
                input.falcoctlLogsIn(),
                namespaces(values, input.releaseNamespace()));
        RegistryTrust trust = RegistryTrust.of(input.registry(), input.plainHttp(), input.caFile());
        Optional<NodeFiles.Prepared> files =
                trust.needsNodeFiles() ? Optional.of(NodeFiles.prepare(trust, secrets)) : Optional.empty();
        List<String> notes = new ArrayList<>(secrets.lines());
        if (!secrets.names().isEmpty()) {
            notes.add("Every pod of the chart gets image pull secrets " + secrets.names() + ".");
        }
        input.registrySecret()
                .filter(name -> !input.registrySecretAsPullSecret())
                .ifPresent(name -> notes.add("registrySecretAsPullSecret is off: " + name + " is "
                        + (input.falcoctlLogsIn() ? "falcoctl's login only" : "used by nothing (falcoctl does not run)")
                        + "; kubelet pulls the images with "
                        + (secrets.names().isEmpty()
                                ? "no login (the registry must allow anonymous pulls)"
                                : "the imagePullSecrets " + secrets.names())
                        + "."));
        files.ifPresent(prepared -> notes.add("Every node's container runtime must "
                + (trust.kind() == RegistryTrust.Kind.PLAIN_HTTP
                        ? "speak plain HTTP to " + trust.registry()
                        : "trust the private CA of " + trust.registry())
                + ": install the files of " + NodeFiles.DIRECTORY + "/ as " + NodeFiles.DIRECTORY + "/"
                + NodeFiles.README_FILE + " says (containerd: "
                + ContainerdHosts.hostDirectory(trust.registry()) + "/" + ContainerdHosts.HOSTS_FILE + ")."));
        return new Result(secrets, trust, files, notes);
    }

    /**
     * The namespaces the chart's pods run in: the release namespace, or a chart's {@code namespaceOverride} (the
     * common Helm chart convention, which the Falco chart and its subcharts follow) for each chart in use.
     */
    static List<String> namespaces(EffectiveValues values, String releaseNamespace) {
        Set<String> namespaces = new LinkedHashSet<>();
        for (EffectiveValues.Node node : values.nodes()) {
            if (!node.inUse()) {
                continue;
            }
            Object override = node.values().get("namespaceOverride");
            namespaces.add(
                    override instanceof String text
                                    && NAMESPACE.matcher(text.strip()).matches()
                            ? text.strip()
                            : releaseNamespace);
        }
        if (namespaces.isEmpty()) {
            namespaces.add(releaseNamespace);
        }
        return List.copyOf(namespaces);
    }
}
