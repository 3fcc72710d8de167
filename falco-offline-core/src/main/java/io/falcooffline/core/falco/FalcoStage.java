package io.falcooffline.core.falco;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.FalcoVersions.FalcoVersion;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.yaml.HelmValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The {@code falco} stage of a package run, between rewrite and audit: makes the output chart start Falco on a node
 * that reaches only the internal registry, whatever the values, and says in the plan what it did and why.
 *
 * <p>For {@link Delivery#REGISTRY} falcoctl keeps running, but with {@code indexes: []}: every install and follow
 * ref is a full reference on the internal registry and every dependency is listed, so no index is fetched at
 * start-up and {@code ResolveDeps} finds every dependency satisfied. Signature verification is off, the falcoctl
 * containers get {@code --plain-http} for a plain-HTTP registry, a private CA through a ConfigMap and
 * {@code SSL_CERT_FILE}, and the credentials of an existing dockerconfigjson Secret as falcoctl's credentials store.
 * For {@link Delivery#BAKED} falcoctl is off and the values point at a derived image the bake step builds.
 */
public final class FalcoStage {

    static final String CA_CONFIG_MAP = "falco-offline-registry-ca";
    static final String CA_DIRECTORY = "/etc/falco-offline/registry-ca";
    static final String CA_KEY = "ca.crt";
    static final String AUTH_VOLUME = "falco-offline-registry-auth";
    static final String AUTH_DIRECTORY = "/etc/falco-offline/registry-auth";
    static final String CONFIG_D_VOLUME = "falco-offline-config-d";
    /** The template of the CA ConfigMap in the output chart. */
    public static final String CA_TEMPLATE = "templates/falco-offline-registry-ca.yaml";

    static final String NO_VERIFY_REASON = "falcoctl's signature check (cosign) fetches Sigstore's TUF root, Fulcio"
            + " certificates and Rekor keys online, which the air-gapped node cannot reach";
    private static final String PINNED_BY_LOCK = "; the artifacts are instead pinned by digest in the lock";
    private static final String NO_LOCK = "; with mirroring off no lock pins the artifacts' digests: mirror them"
            + " (the default bundle, or push=true) to get one";

    /**
     * What the stage needs of the run.
     *
     * @param effectiveValues the root chart's effective values (defaults, profile, user files), before rewriting
     * @param falcoVersion the chart's appVersion
     * @param internalRegistry the internal registry, {@code host[:port]}
     * @param plainHttp whether falcoctl must speak plain HTTP to it
     * @param toInternal maps an upstream reference to the internal registry, as the rewrite does
     * @param isInternal whether a reference is already on the internal registry
     * @param platforms the platforms mirrored; empty for all
     * @param sources where upstream artifacts are read; empty when mirroring is off
     */
    public record Input(
            Map<String, Object> effectiveValues,
            String falcoVersion,
            String internalRegistry,
            boolean plainHttp,
            UnaryOperator<OciReference> toInternal,
            Predicate<OciReference> isInternal,
            List<Platform> platforms,
            Optional<SourceStores> sources) {}

    /**
     * One artifact tag to mirror.
     *
     * @param kind plugin or rules file
     * @param source the upstream reference at the tag
     * @param target the internal reference at the same tag
     * @param why the artifact and why it is needed, for the plan
     */
    public record ArtifactCopy(ReferenceKind kind, OciReference source, OciReference target, String why) {}

    /**
     * What the stage decided.
     *
     * @param delivery the delivery used
     * @param index which falcoctl index resolved short names
     * @param artifacts the resolved set; empty when mirroring is off and nothing could be read
     * @param copies every artifact tag to mirror
     * @param edits the values to set in the root chart
     * @param chartFiles files to add to the root chart, by path inside it
     * @param notes what the plan says about the stage, one line each
     * @param warnings what the user should look at
     * @param bake for {@link Delivery#BAKED}: what the bake step builds
     */
    public record Result(
            Delivery delivery,
            String index,
            List<ResolvedArtifact> artifacts,
            List<ArtifactCopy> copies,
            List<ValuesEdit> edits,
            Map<String, byte[]> chartFiles,
            List<String> notes,
            List<String> warnings,
            Optional<BakePlan> bake) {}

    private final FalcoOptions options;

    /** The stage's values as one overlay of the root chart's values, each edit a whole value at its path. */
    public static Map<String, Object> overlay(Result result) {
        return ValuesEdit.overlay(result.edits());
    }

    /** Whether falcoctl reads the {@code registrySecret} as its credentials store with these values. */
    public static boolean falcoctlReadsRegistrySecret(Result result) {
        return result.edits().stream()
                .anyMatch(edit -> edit.dottedPath().equals("falcoctl.config.registry.creds.config"));
    }

    /**
     * Whether a found reference stays in the plan: the root chart's index URLs do not once the stage set
     * {@code indexes: []}, nor does the root chart's {@code image} once the values point it at the baked image (the
     * plan has the baked image and its base instead).
     */
    public static boolean keeps(Result result, io.falcooffline.core.reference.FoundReference reference) {
        boolean inRoot = !reference.location().chart().contains("/");
        boolean indexesReplaced =
                result.edits().stream().anyMatch(edit -> edit.dottedPath().equals("falcoctl.config.indexes"));
        boolean imageReplaced = result.bake().isPresent()
                && reference.kind() == ReferenceKind.IMAGE
                && reference.valuesPath().equals(List.of("image"));
        return !(inRoot && ((indexesReplaced && reference.kind() == ReferenceKind.INDEX) || imageReplaced));
    }

    public FalcoStage(FalcoOptions options) {
        this.options = options;
    }

    /**
     * Runs the stage. Reads only: nothing is pushed or written.
     *
     * @throws FalcoArtifactException when an artifact cannot be found, read or used
     * @throws InvalidRequestException for bad options
     */
    public Result run(Input input) {
        return run(input, chooseIndex(input.effectiveValues(), input.sources().isPresent()));
    }

    /**
     * The falcoctl index short names resolve through: the {@code falcoctlIndex} parameter, else the indexes the
     * values configure (fetched now when {@code fetch}, or a cached copy), else the built-in subset.
     */
    public IndexSource.Chosen chooseIndex(Map<String, Object> effectiveValues, boolean fetch) {
        return chooseIndex(effectiveValues, fetch, new IndexSource(options.indexCache()));
    }

    /** {@link #chooseIndex(Map, boolean)} reading index URLs through {@code source} (its proxy, offline or not). */
    public IndexSource.Chosen chooseIndex(Map<String, Object> effectiveValues, boolean fetch, IndexSource source) {
        return source.choose(
                options.falcoctlIndex(), new FalcoPodValues(effectiveValues).list("falcoctl.config.indexes"), fetch);
    }

    /** Runs the stage with an index already chosen by {@link #chooseIndex}. */
    public Result run(Input input, IndexSource.Chosen index) {
        if (!describesFalco(input.effectiveValues())) {
            if (options.delivery() == Delivery.BAKED) {
                throw new InvalidRequestException(
                        "delivery",
                        "delivery=baked builds a Falco image, but this chart's values configure neither `falco` nor"
                                + " `falcoctl`: it is not the Falco chart. Leave delivery at its default for other"
                                + " charts.");
            }
            return new Result(
                    options.delivery(),
                    index.description(),
                    List.of(),
                    List.of(),
                    List.of(),
                    Map.of(),
                    List.of("The chart's values configure neither `falco` nor `falcoctl`: no falcoctl artifacts to"
                            + " resolve."),
                    List.of(),
                    Optional.empty());
        }
        FalcoPodValues values = new FalcoPodValues(input.effectiveValues());
        List<String> notes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Optional<FalcoVersion> falco = FalcoVersions.of(input.falcoVersion());
        if (falco.isEmpty()) {
            warnings.add("Falco " + input.falcoVersion() + " is not in falco-offline's compatibility table: plugin"
                    + " API and rules engine requirements are not checked.");
        }
        notes.add("falcoctl short names resolve through " + index.description() + ".");
        if (index.origin() == IndexSource.Origin.BUILT_IN) {
            warnings.add(
                    "falcoctl short names resolve through the built-in index subset: " + index.description() + ".");
        }
        boolean falcoctlRuns =
                options.delivery() == Delivery.REGISTRY && (values.installEnabled() || values.followEnabled());

        List<WantedArtifact> wanted = wanted(values, options.delivery());
        List<ResolvedArtifact> artifacts = List.of();
        if (input.sources().isPresent()) {
            ArtifactResolver resolver = new ArtifactResolver(
                    index.index(),
                    index.description(),
                    input.sources().get(),
                    options.artifacts(),
                    falco,
                    input.platforms());
            artifacts = resolver.resolve(wanted, providedRules(values));
            for (ResolvedArtifact artifact : artifacts) {
                notes.add("Artifact " + artifact.describe() + " ("
                        + artifact.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + ") " + artifact.repository() + " " + artifact.tags() + " " + artifact.digest()
                        + (artifact.platforms().isEmpty() ? "" : " " + artifact.platforms()) + ", for "
                        + String.join(", ", artifact.origins()) + (artifact.pinned() ? " (pinned by `artifacts`)" : "")
                        + "."
                        + (artifact.skipped().isEmpty() ? "" : " " + String.join("; ", artifact.skipped()) + "."));
            }
        } else if (options.delivery() == Delivery.BAKED) {
            throw new InvalidRequestException(
                    "delivery",
                    "delivery=baked builds the Falco image from the plugins and rules themselves, so it needs"
                            + " mirroring on (`mirror` true, or a bundle).");
        } else {
            notes.add("Artifacts were not resolved against a registry (mirroring is off): the refs are rewritten as"
                    + " written and their dependencies must already be listed.");
        }

        List<ValuesEdit> edits = new ArrayList<>();
        Map<String, byte[]> chartFiles = new LinkedHashMap<>();
        List<ArtifactCopy> copies = new ArrayList<>(copies(artifacts, input));
        Optional<BakePlan> bake = Optional.empty();
        if (options.delivery() == Delivery.BAKED) {
            BakePlan plan = BakedDelivery.plan(values, artifacts, input, copies);
            edits.addAll(BakedDelivery.edits(values, plan));
            notes.add("delivery=baked: Falco runs " + plan.image() + ", built from " + plan.baseImage() + " ("
                    + plan.baseSource() + ") with " + plan.artifacts().size() + " artifacts for " + plan.platforms()
                    + "; falcoctl is off. Its tag is derived from its content (" + plan.contentDigest() + "), so"
                    + " another base, artifact version, platform or file gives another tag.");
            bake = Optional.of(plan);
        } else if (falcoctlRuns) {
            edits.addAll(registryEdits(values, artifacts, input, notes));
            if (trustsCa(input)) {
                chartFiles.put(CA_TEMPLATE, caConfigMap(options.caFile().orElseThrow()));
            }
        } else {
            notes.add("delivery=registry with falcoctl install and follow off: plugins and rules come from the Falco"
                    + " image " + values.string("image.repository") + ".");
        }
        ContainerPlugin.fix(values, edits, options.delivery()).ifPresent(notes::add);
        return new Result(
                options.delivery(),
                index.description(),
                artifacts,
                List.copyOf(copies),
                List.copyOf(edits),
                chartFiles,
                List.copyOf(notes),
                List.copyOf(warnings),
                bake);
    }

    /** The Falco chart, or a chart derived from it, configures Falco and falcoctl at the top of its values. */
    static boolean describesFalco(Map<String, Object> effectiveValues) {
        return effectiveValues.get("falco") instanceof Map || effectiveValues.get("falcoctl") instanceof Map;
    }

    /** What the values ask for, with the chart helpers' additions, as the delivery will install it. */
    static List<WantedArtifact> wanted(FalcoPodValues values, Delivery delivery) {
        List<WantedArtifact> wanted = new ArrayList<>();
        boolean baked = delivery == Delivery.BAKED;
        if (values.installEnabled()) {
            List<String> fromValues = values.valuesInstallRefs();
            for (int i = 0; i < fromValues.size(); i++) {
                wanted.add(new WantedArtifact(
                        fromValues.get(i),
                        WantedArtifact.Role.INSTALL,
                        "falcoctl.config.artifact.install.refs[" + i + "]"));
            }
            if (values.containerPluginAdded()) {
                wanted.add(new WantedArtifact(
                        values.string("collectors.containerEngine.pluginRef"),
                        WantedArtifact.Role.INSTALL,
                        "collectors.containerEngine.pluginRef (added by the chart's falco.containerPlugin helper)"));
            }
            if (values.k8smetaAdded()) {
                wanted.add(new WantedArtifact(
                        values.string("collectors.kubernetes.pluginRef"),
                        WantedArtifact.Role.INSTALL,
                        "collectors.kubernetes.pluginRef (added by the chart's k8smeta.configuration helper)"));
            }
        }
        if (values.followEnabled() && !baked) {
            List<String> follow = values.followRefs();
            for (int i = 0; i < follow.size(); i++) {
                wanted.add(new WantedArtifact(
                        follow.get(i), WantedArtifact.Role.FOLLOW, "falcoctl.config.artifact.follow.refs[" + i + "]"));
            }
        }
        boolean pluginsFromArtifacts = baked || (delivery == Delivery.REGISTRY && values.pluginsDirectoryHidden());
        if (pluginsFromArtifacts) {
            for (String plugin : values.loadPlugins()) {
                wanted.add(
                        new WantedArtifact(plugin, WantedArtifact.Role.LOADED_PLUGIN, "falco.load_plugins " + plugin));
            }
        }
        boolean rulesFromArtifacts = baked || (delivery == Delivery.REGISTRY && values.rulesDirectoryHidden());
        if (rulesFromArtifacts) {
            for (String path : values.rulesFiles()) {
                if (isRulesFileUnderEtcFalco(path)) {
                    wanted.add(new WantedArtifact(path, WantedArtifact.Role.RULES_FILE, "falco.rules_files " + path));
                }
            }
        }
        return wanted;
    }

    /** A direct {@code *.yaml} child of {@code /etc/falco}, where falcoctl and the bake put rules files. */
    static boolean isRulesFileUnderEtcFalco(String path) {
        String prefix = FalcoPodValues.RULES_DIRECTORY + "/";
        if (!path.startsWith(prefix)) {
            return false;
        }
        String file = path.substring(prefix.length());
        return !file.contains("/")
                && (file.endsWith(".yaml") || file.endsWith(".yml"))
                && !file.endsWith(".local.yaml");
    }

    /** Rules files the chart writes itself ({@code customRules} lands in {@code /etc/falco/rules.d}). */
    private static Set<String> providedRules(FalcoPodValues values) {
        Set<String> provided = new LinkedHashSet<>();
        HelmValues.get(values.rawValues(), "customRules")
                .filter(Map.class::isInstance)
                .map(Map.class::cast)
                .ifPresent(rules -> rules.keySet().forEach(file -> provided.add("/etc/falco/rules.d/" + file)));
        return provided;
    }

    private static List<ArtifactCopy> copies(List<ResolvedArtifact> artifacts, Input input) {
        List<ArtifactCopy> copies = new ArrayList<>();
        for (ResolvedArtifact artifact : artifacts) {
            for (String tag : artifact.tags()) {
                OciReference source = artifact.repository().withTag(tag);
                OciReference target = input.isInternal().test(source)
                        ? source
                        : input.toInternal().apply(source);
                copies.add(new ArtifactCopy(
                        artifact.kind(),
                        source,
                        target,
                        artifact.describe() + " for " + String.join(", ", artifact.origins())));
            }
        }
        return List.copyOf(copies);
    }

    private List<ValuesEdit> registryEdits(
            FalcoPodValues values, List<ResolvedArtifact> artifacts, Input input, List<String> notes) {
        List<ValuesEdit> edits = new ArrayList<>();
        edits.add(ValuesEdit.at(
                "falcoctl.config.indexes",
                new ArrayList<>(),
                "no index is fetched at start-up: every ref is a full internal reference and every dependency is"
                        + " listed"));
        if (!artifacts.isEmpty()) {
            edits.addAll(refEdits(values, artifacts, input));
        }
        String noVerifyReason = NO_VERIFY_REASON + (input.sources().isPresent() ? PINNED_BY_LOCK : NO_LOCK);
        edits.add(ValuesEdit.at("falcoctl.config.artifact.noVerify", true, noVerifyReason));
        notes.add("falcoctl signature verification is off (artifact.noVerify): " + noVerifyReason + ".");
        if (input.plainHttp()) {
            for (String container : List.of("install", "follow")) {
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
        List<Object> volumes = new ArrayList<>(values.list("mounts.volumes"));
        Map<String, List<Object>> falcoctlMounts = new LinkedHashMap<>();
        Map<String, List<Object>> falcoctlEnv = new LinkedHashMap<>();
        for (String container : List.of("install", "follow")) {
            falcoctlMounts.put(
                    container, new ArrayList<>(values.list("falcoctl.artifact." + container + ".mounts.volumeMounts")));
            falcoctlEnv.put(container, new ArrayList<>(values.list("falcoctl.artifact." + container + ".env")));
        }
        if (trustsCa(input)) {
            volumes.add(map("name", CA_CONFIG_MAP, "configMap", map("name", CA_CONFIG_MAP)));
            for (String container : falcoctlMounts.keySet()) {
                falcoctlMounts
                        .get(container)
                        .add(map("name", CA_CONFIG_MAP, "mountPath", CA_DIRECTORY, "readOnly", true));
                falcoctlEnv.get(container).add(map("name", "SSL_CERT_FILE", "value", CA_DIRECTORY + "/" + CA_KEY));
            }
            notes.add("The registry CA " + options.caFile().get().getFileName() + " is in ConfigMap " + CA_CONFIG_MAP
                    + " (" + CA_TEMPLATE + "), mounted into both falcoctl containers with SSL_CERT_FILE: falcoctl has"
                    + " no CA option.");
        }
        if (options.registrySecret().isPresent()) {
            String secret = options.registrySecret().get();
            volumes.add(map(
                    "name",
                    AUTH_VOLUME,
                    "secret",
                    map(
                            "secretName",
                            secret,
                            "items",
                            new ArrayList<>(List.of(map("key", ".dockerconfigjson", "path", "config.json"))))));
            for (List<Object> mounts : falcoctlMounts.values()) {
                mounts.add(map("name", AUTH_VOLUME, "mountPath", AUTH_DIRECTORY, "readOnly", true));
            }
            edits.add(ValuesEdit.at(
                    "falcoctl.config.registry.creds.config",
                    AUTH_DIRECTORY + "/config.json",
                    "falcoctl reads registry credentials from this Docker config file; unlike registry.auth.basic,"
                            + " whose login pings over HTTPS, it works for a plain-HTTP registry"));
            notes.add("falcoctl logs in with the credentials of the existing Secret " + secret + " (key"
                    + " .dockerconfigjson), mounted as its credentials store; the chart holds no credential.");
        }
        if (trustsCa(input) || options.registrySecret().isPresent()) {
            edits.add(ValuesEdit.at("mounts.volumes", volumes, "volumes of the falcoctl containers"));
            for (String container : falcoctlMounts.keySet()) {
                edits.add(ValuesEdit.at(
                        "falcoctl.artifact." + container + ".mounts.volumeMounts",
                        falcoctlMounts.get(container),
                        "registry CA and credentials for falcoctl"));
                if (trustsCa(input)) {
                    edits.add(ValuesEdit.at(
                            "falcoctl.artifact." + container + ".env", falcoctlEnv.get(container), "SSL_CERT_FILE"));
                }
            }
        }
        return edits;
    }

    /** Whether falcoctl needs the CA: it is given and the registry speaks TLS. */
    private boolean trustsCa(Input input) {
        return options.caFile().isPresent() && !input.plainHttp();
    }

    /** Install and follow refs as full internal references, pins applied, every dependency listed. */
    private static List<ValuesEdit> refEdits(FalcoPodValues values, List<ResolvedArtifact> artifacts, Input input) {
        List<String> install = new ArrayList<>();
        List<String> follow = new ArrayList<>();
        List<String> allowed = values.strings("falcoctl.config.artifact.allowedTypes");
        boolean helperAdded = false;
        for (ResolvedArtifact artifact : artifacts) {
            String target = internal(artifact, input);
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

    static String internal(ResolvedArtifact artifact, Input input) {
        OciReference source = artifact.reference();
        return (input.isInternal().test(source) ? source : input.toInternal().apply(source)).toString();
    }

    private static byte[] caConfigMap(java.nio.file.Path caFile) {
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

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
