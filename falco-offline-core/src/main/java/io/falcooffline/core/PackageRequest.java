package io.falcooffline.core;

import io.falcooffline.core.audit.K8sAuditProfile;
import io.falcooffline.core.falco.FalcoStageSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link FalcoOffline#packageChart} needs: which chart, where its references go, which values to bake
 * in and where to write. Immutable; build one with {@link #builder()}.
 */
public final class PackageRequest {

    /** The settings as built: a private copy of the builder, never handed out. */
    private final Builder settings;

    private PackageRequest(Builder builder) {
        this.settings = builder.copy();
    }

    /** A builder with the defaults; {@link Builder#build()} needs a chart, the registry and the output directory. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's settings, to derive a changed copy. */
    public Builder toBuilder() {
        return settings.copy();
    }

    /** The chart to rewrite when it is a local {@code .tgz} or chart directory; null for other sources. */
    public Path chart() {
        return settings.chart;
    }

    /** Where the chart comes from: a local file, a URL, an OCI reference, a Helm repository or git. */
    public ChartSource source() {
        return settings.source;
    }

    /**
     * Whether the run connects nowhere ({@code mvn -o}), as set on the connection of {@link #mirror()}: then the chart
     * comes from the chart cache, the falcoctl index from its cached copy or the built-in one, and whatever needs the
     * network fails at once, naming what is missing.
     */
    public boolean offline() {
        return settings.mirror.offline();
    }

    /** Where fetched chart sources are cached. The connection settings come from {@link #mirror()}. */
    public SourceOptions sourceOptions() {
        return settings.sourceOptions;
    }

    /** Where the rewritten chart is published after it is written; nothing by default. */
    public PublishOptions publish() {
        return settings.publish;
    }

    /**
     * The internal registry, {@code host[:port]}, e.g. {@code 192.168.5.96:30003}, in canonical form (lower case,
     * Docker Hub as {@code docker.io}), as the plan and every target spell it.
     */
    public String registry() {
        return settings.registry;
    }

    /** Path segments put before every target repository; empty for none. Never starts or ends with {@code /}. */
    public String repositoryPrefix() {
        return settings.repositoryPrefix;
    }

    /** How a source repository maps to one on the internal registry; {@link RepositoryLayout#KEEP} unless set. */
    public RepositoryLayout repositoryLayout() {
        return settings.repositoryLayout;
    }

    /**
     * Explicit targets that win over the layout: keys are source references as the chart writes them or in full
     * form ({@code docker.io/falcosecurity/falco}, with or without tag), values are target references.
     */
    public Map<String, String> overrides() {
        return Collections.unmodifiableMap(settings.overrides);
    }

    /** The user's values files, applied in order as {@code helm install -f} would. */
    public List<Path> valuesFiles() {
        return Collections.unmodifiableList(settings.valuesFiles);
    }

    /** Names of secrets to use as image pull secrets; empty for none. */
    public List<String> imagePullSecrets() {
        return Collections.unmodifiableList(settings.imagePullSecrets);
    }

    /** Where the chart and the plan are written. */
    public Path outputDirectory() {
        return settings.outputDirectory;
    }

    /** Compute and report the plan, write nothing. */
    public boolean dryRun() {
        return settings.dryRun;
    }

    /** Fail when a reference could not be redirected, instead of warning. */
    public boolean strict() {
        return settings.strict;
    }

    /** Whether the output chart is rendered with Helm's engine to check what the cluster will pull. */
    public VerifyMode verify() {
        return settings.verify;
    }

    /**
     * The modification time written on every archive entry; empty to take the input chart's newest entry time.
     */
    public Optional<Instant> outputTimestamp() {
        return Optional.ofNullable(settings.outputTimestamp);
    }

    /**
     * A values profile applied over the chart defaults and under the user's values files; empty for none. The one
     * profile is {@value K8sAuditProfile#NAME}.
     */
    public Optional<String> profile() {
        return Optional.ofNullable(settings.profile);
    }

    /**
     * The audit webhook settings: used by the {@value K8sAuditProfile#NAME} profile, by the consistency check
     * whenever the values configure the k8saudit webhook, and for the kube-apiserver files.
     */
    public AuditOptions audit() {
        return settings.audit;
    }

    /** The Helm release name the chart will be installed as; names the webhook Service. */
    public String releaseName() {
        return settings.releaseName;
    }

    /** The namespace the chart will be installed into. */
    public String namespace() {
        return settings.namespace;
    }

    /**
     * Whether and where the artifacts the chart points at are copied: to the internal registry, into an offline
     * bundle, or not at all (the default).
     */
    public MirrorOptions mirror() {
        return settings.mirror;
    }

    /**
     * The existing dockerconfigjson Secret with the login for the registry, when given: falcoctl logs in with it, and
     * unless {@link #registrySecretAsPullSecret()} is off every pod of the chart names it as an image pull secret.
     */
    public Optional<String> registrySecret() {
        return Optional.ofNullable(settings.registrySecret);
    }

    /**
     * Whether the {@link #registrySecret()} is also every pod's image pull secret, so kubelet pulls the chart's images
     * with the same login; {@code true} unless set. {@link #imagePullSecrets()} come on top.
     */
    public boolean registrySecretAsPullSecret() {
        return settings.registrySecretAsPullSecret;
    }

    /**
     * Whether every image the chart pulls is pinned by digest ({@code <tag>@sha256:…}), the digest resolved from its
     * source at build time as the mirror copies it; false unless set.
     */
    public boolean pinDigests() {
        return settings.pinDigests;
    }

    /**
     * How Falco gets its plugins, rules and drivers on the node.
     *
     * @return the options; {@link FalcoOptions#defaults()} unless set
     */
    public FalcoOptions falco() {
        return settings.falco;
    }

    /** The settings of the {@code falco} stage, checked when the request was built. */
    FalcoStageSettings falcoStageSettings() {
        return settings.falcoStageSettings;
    }

    /** Builds a {@link PackageRequest}; {@link #build()} checks that it is complete. */
    public static final class Builder implements Cloneable {
        /** Kubernetes object names (RFC 1123 subdomain). */
        private Path chart;

        private String registry;
        private String repositoryPrefix = "";
        private RepositoryLayout repositoryLayout = RepositoryLayout.KEEP;
        private Map<String, String> overrides = new LinkedHashMap<>();
        private List<Path> valuesFiles = new ArrayList<>();
        private List<String> imagePullSecrets = new ArrayList<>();
        private Path outputDirectory;
        private boolean dryRun;
        private boolean strict = true;
        private Instant outputTimestamp;
        private String profile;
        private AuditOptions audit = AuditOptions.defaults();
        private String releaseName = "falco";
        private String namespace = "falco";
        private MirrorOptions mirror = MirrorOptions.none();
        private ChartSource source;
        private SourceOptions sourceOptions = SourceOptions.defaults();
        private PublishOptions publish = PublishOptions.none();
        private VerifyMode verify = VerifyMode.AUTO;
        private FalcoOptions falco = FalcoOptions.defaults();
        private String registrySecret;
        private boolean registrySecretAsPullSecret = true;
        private boolean pinDigests;
        private FalcoStageSettings falcoStageSettings;

        private Builder() {}

        /** A copy of these settings: a built request and its builder never share state. */
        Builder copy() {
            try {
                Builder copy = (Builder) super.clone();
                copy.overrides = new LinkedHashMap<>(overrides);
                copy.valuesFiles = new ArrayList<>(valuesFiles);
                copy.imagePullSecrets = new ArrayList<>(imagePullSecrets);
                return copy;
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }

        /** A local chart; the same as {@code source(ChartSource.local(chart))}. */
        public Builder chart(Path chart) {
            this.chart = chart;
            this.source = chart == null ? null : ChartSource.local(chart);
            return this;
        }

        /** Sets {@link PackageRequest#source()}. */
        public Builder source(ChartSource source) {
            this.source = source;
            this.chart = source instanceof ChartSource.Local local ? local.path() : null;
            return this;
        }

        /** Sets {@link PackageRequest#sourceOptions()}. */
        public Builder sourceOptions(SourceOptions sourceOptions) {
            this.sourceOptions = Objects.requireNonNull(sourceOptions, "sourceOptions");
            return this;
        }

        /** Sets {@link PackageRequest#publish()}. */
        public Builder publish(PublishOptions publish) {
            this.publish = Objects.requireNonNull(publish, "publish");
            return this;
        }

        /** Sets {@link PackageRequest#registry()}, {@code host[:port]} without scheme or path. */
        public Builder registry(String registry) {
            this.registry = registry;
            return this;
        }

        /** Sets {@link PackageRequest#repositoryPrefix()}; null for none. */
        public Builder repositoryPrefix(String repositoryPrefix) {
            this.repositoryPrefix = repositoryPrefix == null ? "" : repositoryPrefix;
            return this;
        }

        /** Sets {@link PackageRequest#repositoryLayout()}. */
        public Builder repositoryLayout(RepositoryLayout repositoryLayout) {
            this.repositoryLayout = Objects.requireNonNull(repositoryLayout, "repositoryLayout");
            return this;
        }

        /** Sets {@link PackageRequest#overrides()}, replacing any set before. */
        public Builder overrides(Map<String, String> overrides) {
            this.overrides.clear();
            this.overrides.putAll(overrides);
            return this;
        }

        /** Adds one of {@link PackageRequest#overrides()}; it wins over one set before for the same source. */
        public Builder override(String source, String target) {
            this.overrides.put(source, target);
            return this;
        }

        /** Sets {@link PackageRequest#valuesFiles()}, replacing any set before. */
        public Builder valuesFiles(List<Path> valuesFiles) {
            this.valuesFiles.clear();
            this.valuesFiles.addAll(valuesFiles);
            return this;
        }

        /** Adds a values file after those set before. */
        public Builder valuesFile(Path valuesFile) {
            this.valuesFiles.add(valuesFile);
            return this;
        }

        /** Sets {@link PackageRequest#imagePullSecrets()}. */
        public Builder imagePullSecrets(List<String> imagePullSecrets) {
            this.imagePullSecrets.clear();
            this.imagePullSecrets.addAll(imagePullSecrets);
            return this;
        }

        /** Sets {@link PackageRequest#outputDirectory()}. */
        public Builder outputDirectory(Path outputDirectory) {
            this.outputDirectory = outputDirectory;
            return this;
        }

        /** Sets {@link PackageRequest#dryRun()}. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** Sets {@link PackageRequest#strict()}; {@code true} unless set. */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** Render verification: {@code AUTO} (the default), {@code REQUIRED} or {@code OFF}. */
        public Builder verify(VerifyMode verify) {
            this.verify = Objects.requireNonNull(verify, "verify");
            return this;
        }

        /** Sets {@link PackageRequest#outputTimestamp()}; null for the input chart's newest entry time. */
        public Builder outputTimestamp(Instant outputTimestamp) {
            this.outputTimestamp = outputTimestamp;
            return this;
        }

        /** Sets {@link PackageRequest#profile()}; null or blank for none. */
        public Builder profile(String profile) {
            this.profile = profile == null || profile.isBlank() ? null : profile.strip();
            return this;
        }

        /** Sets {@link PackageRequest#audit()}. */
        public Builder audit(AuditOptions audit) {
            this.audit = Objects.requireNonNull(audit, "audit");
            return this;
        }

        /** Sets {@link PackageRequest#releaseName()}; {@code falco} unless set. */
        public Builder releaseName(String releaseName) {
            this.releaseName = releaseName;
            return this;
        }

        /** Sets {@link PackageRequest#namespace()}; {@code falco} unless set. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** Sets {@link PackageRequest#mirror()}. */
        public Builder mirror(MirrorOptions mirror) {
            this.mirror = Objects.requireNonNull(mirror, "mirror");
            return this;
        }

        /**
         * Sets how Falco gets its plugins, rules and drivers on the node.
         *
         * @param falco the options; {@link FalcoOptions#defaults()} unless set
         * @return this builder
         */
        public Builder falco(FalcoOptions falco) {
            this.falco = Objects.requireNonNull(falco, "falco");
            return this;
        }

        /**
         * The name of an existing {@code kubernetes.io/dockerconfigjson} Secret with the registry's login: falcoctl
         * logs in with it and, unless {@link #registrySecretAsPullSecret(boolean)} is off, kubelet pulls with it.
         */
        public Builder registrySecret(String registrySecret) {
            this.registrySecret = registrySecret == null || registrySecret.isBlank() ? null : registrySecret.strip();
            return this;
        }

        /** Whether the {@code registrySecret} is also every pod's image pull secret; {@code true} by default. */
        public Builder registrySecretAsPullSecret(boolean registrySecretAsPullSecret) {
            this.registrySecretAsPullSecret = registrySecretAsPullSecret;
            return this;
        }

        /**
         * Pins every image the chart pulls by digest: its tag becomes {@code <tag>@sha256:…}, the digest of the image
         * as mirrored, resolved from its source at build time (with mirroring off, from the source registry, which
         * must then be reachable).
         */
        public Builder pinDigests(boolean pinDigests) {
            this.pinDigests = pinDigests;
            return this;
        }

        /**
         * Checks the settings and freezes them.
         *
         * @throws InvalidRequestException naming the first missing or malformed parameter
         */
        public PackageRequest build() {
            if (source == null) {
                throw new InvalidRequestException("chart", "No chart given: set `chart` to a chart .tgz or directory.");
            }
            overrides.forEach((source, target) -> {
                RegistryParameters.requireNoCredentials("overrides", source);
                RegistryParameters.requireNoCredentials("overrides", target);
            });
            registry = RegistryParameters.internalRegistry(registry);
            imagePullSecrets.forEach(RequestNames::requireSecretName);
            repositoryPrefix = RequestNames.repositoryPrefix(repositoryPrefix);
            if (profile != null && !profile.equals(K8sAuditProfile.NAME)) {
                throw new InvalidRequestException(
                        "profile",
                        "Unknown profile '" + profile + "': the one profile is '" + K8sAuditProfile.NAME + "'.");
            }
            RequestNames.requireLabel("releaseName", releaseName, "a Helm release name");
            RequestNames.requireLabel("namespace", namespace, "a Kubernetes namespace name");
            if (outputDirectory == null) {
                throw new InvalidRequestException(
                        "outputDirectory", "No output directory given: set `outputDirectory`.");
            }
            falcoStageSettings = new FalcoStageSettings(
                    falco.delivery(),
                    falco.artifactPins(),
                    falco.falcoctlIndex(),
                    mirror.caFile(),
                    Optional.ofNullable(registrySecret),
                    falco.falcoctlIndexCache());
            return new PackageRequest(this);
        }
    }
}
