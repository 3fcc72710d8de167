package io.falcooffline.core.falco;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.plan.ReferenceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values side of {@link Delivery#REGISTRY}: falcoctl keeps running, but with {@code indexes: []}: every install
 * and follow ref is a full reference on the internal registry and every dependency is listed, so no index is fetched
 * at start-up and {@code ResolveDeps} finds every dependency satisfied. Signature verification is off, the falcoctl
 * containers get {@code --plain-http} for a plain-HTTP registry, a private CA through a ConfigMap and
 * {@code SSL_CERT_FILE}, and the credentials of an existing dockerconfigjson Secret as falcoctl's credentials store.
 */
final class RegistryDelivery {

    static final String CA_CONFIG_MAP = "falco-offline-registry-ca";
    static final String CA_DIRECTORY = "/etc/falco-offline/registry-ca";
    static final String CA_KEY = "ca.crt";
    static final String AUTH_VOLUME = "falco-offline-registry-auth";
    static final String AUTH_DIRECTORY = "/etc/falco-offline/registry-auth";
    /** The template of the CA ConfigMap in the output chart. */
    static final String CA_TEMPLATE = "templates/falco-offline-registry-ca.yaml";

    static final String NO_VERIFY_REASON = "falcoctl's signature check (cosign) fetches Sigstore's TUF root, Fulcio"
            + " certificates and Rekor keys online, which the air-gapped node cannot reach";
    private static final String PINNED_BY_LOCK = "; the artifacts are instead pinned by digest in the lock";
    private static final String NO_LOCK = "; with mirroring off no lock pins the artifacts' digests: mirror them"
            + " (the default bundle, or push=true) to get one";
    private static final List<String> FALCOCTL_CONTAINERS = List.of("install", "follow");

    private final FalcoStageSettings options;
    private final FalcoStage.Input input;

    RegistryDelivery(FalcoStageSettings options, FalcoStage.Input input) {
        this.options = options;
        this.input = input;
    }

    /**
     * The values falcoctl runs with: no index, full internal refs, no signature check, and what it needs to reach
     * the registry (plain HTTP, the CA, the credentials).
     *
     * @param notes receives what the plan says about each choice
     */
    List<ValuesEdit> edits(FalcoValues values, List<ResolvedArtifact> artifacts, List<String> notes) {
        List<ValuesEdit> edits = new ArrayList<>();
        edits.add(ValuesEdit.at(
                "falcoctl.config.indexes",
                new ArrayList<>(),
                "no index is fetched at start-up: every ref is a full internal reference and every dependency is"
                        + " listed"));
        if (!artifacts.isEmpty()) {
            edits.addAll(refEdits(values, artifacts));
        }
        String noVerifyReason = NO_VERIFY_REASON + (input.sources().isPresent() ? PINNED_BY_LOCK : NO_LOCK);
        edits.add(ValuesEdit.at("falcoctl.config.artifact.noVerify", true, noVerifyReason));
        notes.add("falcoctl signature verification is off (artifact.noVerify): " + noVerifyReason + ".");
        if (input.plainHttp()) {
            for (String container : FALCOCTL_CONTAINERS) {
                List<String> args = values.strings("falcoctl.artifact." + container + ".args");
                if (!args.contains("--plain-http")) {
                    args.add("--plain-http");
                }
                edits.add(ValuesEdit.at(
                        "falcoctl.artifact." + container + ".args",
                        new ArrayList<>(args),
                        input.internalRegistry() + " speaks plain HTTP, and --plain-http is a falcoctl flag only"));
            }
            notes.add("Both falcoctl containers get --plain-http: " + input.internalRegistry() + " is plain HTTP.");
        }
        edits.addAll(accessEdits(values, notes));
        return edits;
    }

    /** The files the delivery adds to the chart: the CA ConfigMap when falcoctl needs the CA. */
    Map<String, byte[]> chartFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (trustsCa()) {
            files.put(CA_TEMPLATE, caConfigMap(options.caFile().orElseThrow()));
        }
        return files;
    }

    /** The volumes, mounts and variables that give both falcoctl containers the CA and the credentials. */
    private List<ValuesEdit> accessEdits(FalcoValues values, List<String> notes) {
        List<ValuesEdit> edits = new ArrayList<>();
        List<Object> volumes = new ArrayList<>(values.list("mounts.volumes"));
        Map<String, List<Object>> falcoctlMounts = new LinkedHashMap<>();
        Map<String, List<Object>> falcoctlEnv = new LinkedHashMap<>();
        for (String container : FALCOCTL_CONTAINERS) {
            falcoctlMounts.put(
                    container, new ArrayList<>(values.list("falcoctl.artifact." + container + ".mounts.volumeMounts")));
            falcoctlEnv.put(container, new ArrayList<>(values.list("falcoctl.artifact." + container + ".env")));
        }
        if (trustsCa()) {
            volumes.add(
                    ValuesEdit.mapping("name", CA_CONFIG_MAP, "configMap", ValuesEdit.mapping("name", CA_CONFIG_MAP)));
            for (String container : falcoctlMounts.keySet()) {
                falcoctlMounts
                        .get(container)
                        .add(ValuesEdit.mapping("name", CA_CONFIG_MAP, "mountPath", CA_DIRECTORY, "readOnly", true));
                falcoctlEnv
                        .get(container)
                        .add(ValuesEdit.mapping("name", "SSL_CERT_FILE", "value", CA_DIRECTORY + "/" + CA_KEY));
            }
            notes.add("The registry CA " + options.caFile().get().getFileName() + " is in ConfigMap " + CA_CONFIG_MAP
                    + " (" + CA_TEMPLATE + "), mounted into both falcoctl containers with SSL_CERT_FILE: falcoctl has"
                    + " no CA option.");
        }
        if (options.registrySecret().isPresent()) {
            String secret = options.registrySecret().get();
            volumes.add(ValuesEdit.mapping(
                    "name",
                    AUTH_VOLUME,
                    "secret",
                    ValuesEdit.mapping(
                            "secretName",
                            secret,
                            "items",
                            new ArrayList<>(
                                    List.of(ValuesEdit.mapping("key", ".dockerconfigjson", "path", "config.json"))))));
            for (List<Object> mounts : falcoctlMounts.values()) {
                mounts.add(ValuesEdit.mapping("name", AUTH_VOLUME, "mountPath", AUTH_DIRECTORY, "readOnly", true));
            }
            edits.add(ValuesEdit.at(
                    "falcoctl.config.registry.creds.config",
                    AUTH_DIRECTORY + "/config.json",
                    "falcoctl reads registry credentials from this Docker config file; unlike registry.auth.basic,"
                            + " whose login pings over HTTPS, it works for a plain-HTTP registry"));
            notes.add("falcoctl logs in with the credentials of the existing Secret " + secret + " (key"
                    + " .dockerconfigjson), mounted as its credentials store; the chart holds no credential.");
        }
        if (trustsCa() || options.registrySecret().isPresent()) {
            edits.add(ValuesEdit.at("mounts.volumes", volumes, "volumes of the falcoctl containers"));
            for (String container : falcoctlMounts.keySet()) {
                edits.add(ValuesEdit.at(
                        "falcoctl.artifact." + container + ".mounts.volumeMounts",
                        falcoctlMounts.get(container),
                        "registry CA and credentials for falcoctl"));
                if (trustsCa()) {
                    edits.add(ValuesEdit.at(
                            "falcoctl.artifact." + container + ".env", falcoctlEnv.get(container), "SSL_CERT_FILE"));
                }
            }
        }
        return edits;
    }

    /** Whether falcoctl needs the CA: it is given and the registry speaks TLS. */
    private boolean trustsCa() {
        return options.caFile().isPresent() && !input.plainHttp();
    }

    /** Install and follow refs as full internal references, pins applied, every dependency listed. */
    private List<ValuesEdit> refEdits(FalcoValues values, List<ResolvedArtifact> artifacts) {
        List<String> install = new ArrayList<>();
        List<String> follow = new ArrayList<>();
        List<String> allowed = values.strings("falcoctl.config.artifact.allowedTypes");
        boolean helperAdded = false;
        for (ResolvedArtifact artifact : artifacts) {
            String target = input.internal(artifact.reference()).toString();
            boolean onlyFromHelper = artifact.origins().stream().allMatch(origin -> origin.contains("helper"));
            if (artifact.roles().contains(WantedArtifact.Role.FOLLOW) && values.followEnabled()) {
                follow.add(target);
            }
            boolean installed = artifact.roles().stream().anyMatch(role -> role != WantedArtifact.Role.FOLLOW);
            if (installed && values.installEnabled()) {
                if (onlyFromHelper && !artifact.pinned()) {
                    helperAdded = true;
                } else {
                    install.add(target);
                }
                String type = artifact.kind() == ReferenceKind.PLUGIN ? "plugin" : "rulesfile";
                if (!allowed.contains(type) && !(onlyFromHelper && type.equals("plugin"))) {
                    allowed.add(type);
                }
            }
        }
        List<ValuesEdit> edits = new ArrayList<>();
        edits.add(ValuesEdit.at(
                "falcoctl.config.artifact.install.refs",
                new ArrayList<>(install),
                "full internal references with every dependency listed"
                        + (helperAdded ? "; the chart's helpers add their plugin refs themselves" : "")));
        edits.add(ValuesEdit.at(
                "falcoctl.config.artifact.follow.refs", new ArrayList<>(follow), "full internal references"));
        edits.add(ValuesEdit.at(
                "falcoctl.config.artifact.allowedTypes",
                new ArrayList<>(allowed),
                "the types of the listed artifacts"));
        return edits;
    }

    private static byte[] caConfigMap(Path caFile) {
        String pem;
        try {
            pem = Files.readString(caFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new InvalidRequestException("caFile", "Cannot read CA file " + caFile + ": " + e.getMessage());
        }
        if (!pem.startsWith("-----BEGIN CERTIFICATE-----") || !pem.endsWith("-----END CERTIFICATE-----")) {
            throw new InvalidRequestException(
                    "caFile", "CA file " + caFile + " is not a PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
        StringBuilder yaml = new StringBuilder();
        yaml.append(
                "{{- if or .Values.falcoctl.artifact.install.enabled .Values.falcoctl.artifact.follow.enabled }}\n");
        yaml.append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ")
                .append(CA_CONFIG_MAP)
                .append('\n');
        yaml.append("  namespace: {{ include \"falco.namespace\" . }}\n");
        yaml.append("  labels:\n    {{- include \"falco.labels\" . | nindent 4 }}\n");
        yaml.append("data:\n  ").append(CA_KEY).append(": |\n");
        pem.lines().forEach(line -> yaml.append("    ").append(line.strip()).append('\n'));
        yaml.append("{{- end }}\n");
        return yaml.toString().getBytes(StandardCharsets.UTF_8);
    }
}
