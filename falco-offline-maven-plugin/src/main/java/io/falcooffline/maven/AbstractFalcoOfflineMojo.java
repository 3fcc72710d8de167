package io.falcooffline.maven;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.Delivery;
import io.falcooffline.core.FalcoOptions;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.VerifyMode;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * The parameters of a package run (chart, registry, values, profile and audit, mirroring) and how they become one
 * {@link PackageRequest}; the registry connection settings come from {@link AbstractRegistryMojo}. Required parameters
 * are checked by the core rather than by Maven, so that a missing one is reported with its POM element, its user
 * property and an example value.
 */
public abstract class AbstractFalcoOfflineMojo extends AbstractRegistryMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /**
     * The chart to rewrite: a packaged chart ({@code falco-9.0.0.tgz}) or a chart directory (relative to the
     * project), an {@code https://…/falco-9.0.0.tgz} URL, or an {@code oci://host/path/falco:9.0.0} reference; with
     * {@code chartRepository}, the chart's name in that Helm repository. Required unless {@code chartGitRepository}
     * is set.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART)
    private String chart;

    /**
     * The expected SHA-256 of the archive an {@code http(s)} {@code chart} URL serves ({@code <hex>} or
     * {@code sha256:<hex>}); a download with another digest fails, and with it set a cached copy is used without
     * the network.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART_SHA256)
    private String chartSha256;

    /**
     * The chart version to take from {@code chartRepository} (or the tag of an {@code oci://} chart without one): a
     * version ({@code 9.0.0}) or a Helm constraint ({@code 9.0.*}, {@code ~9.0}, {@code >=9 <10}); the newest
     * satisfying version is taken. Default: the newest release.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART_VERSION)
    private String chartVersion;

    /**
     * A Helm repository to take {@code chart} from, e.g. {@code https://falcosecurity.github.io/charts}; its
     * {@code index.yaml} chooses the version and gives the digest the download is checked against.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART_REPOSITORY)
    private String chartRepository;

    /**
     * A git repository holding the chart source, e.g. {@code https://github.com/falcosecurity/charts.git}; fetched
     * with JGit (shallow over https, git and file). Credentials: a {@code <server>} in settings.xml whose id is the
     * host.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART_GIT_REPOSITORY)
    private String chartGitRepository;

    /**
     * The tag, branch or commit of {@code chartGitRepository}, e.g. {@code falco-9.0.0}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART_GIT_REF)
    private String chartGitRef;

    /**
     * The chart directory inside {@code chartGitRepository}, e.g. {@code charts/falco}; empty for its root.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART_GIT_PATH)
    private String chartGitPath;

    /**
     * The download cache of chart sources (archives by digest, indexes, git repositories), so a second run and
     * {@code mvn -o} need no network; it also keeps Helm's native library for render verification ({@code helm-java/}),
     * unpacked once instead of on every run. Default: {@code $XDG_CACHE_HOME/falco-offline} or
     * {@code ~/.cache/falco-offline}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CHART_CACHE_DIRECTORY)
    private File chartCacheDirectory;

    /**
     * The internal registry the cluster pulls from, as {@code host[:port]} without scheme or path, e.g.
     * {@code 192.168.5.96:30003}. Required.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY)
    private String registry;

    /**
     * Path segments put before every repository on the internal registry, e.g. {@code falco} (a Harbor project);
     * empty for none.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REPOSITORY_PREFIX)
    private String repositoryPrefix;

    /**
     * How a source repository maps to one on the internal registry: {@code keep} keeps its path
     * ({@code falcosecurity/falco} stays {@code falcosecurity/falco}), {@code flatten} keeps only its last segment
     * ({@code falco}). Case does not matter.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REPOSITORY_LAYOUT, defaultValue = "keep")
    private String repositoryLayout;

    /**
     * Explicit targets that win over the layout. Keys are source references as the chart writes them or in full
     * form ({@code docker.io/falcosecurity/falco}, with or without tag), values are target references. In the POM:
     * {@code <overrides><property><name>docker.io/falcosecurity/falco</name><value>192.168.5.96:30003/mirror/falco</value></property></overrides>};
     * on the command line: {@code -Dfalco-offline.overrides=source=target,source2=target2}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.OVERRIDES)
    private Properties overrides;

    private String overridesText;

    /**
     * The user's values files, applied in order as {@code helm install -f} would, and baked into the output chart.
     * On the command line: comma-separated.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VALUES_FILES)
    private List<File> valuesFiles;

    /**
     * Names of Kubernetes secrets to use as image pull secrets for the internal registry. On the command line:
     * comma-separated.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.IMAGE_PULL_SECRETS)
    private List<String> imagePullSecrets;

    /**
     * Where the chart ({@code <name>-<version>.tgz}) and the plan ({@code falco-offline.plan.json}) are written.
     * Without a project the default is {@code falco-offline} in the current directory.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.OUTPUT_DIRECTORY, defaultValue = "${project.build.directory}/falco-offline")
    private File outputDirectory;

    /**
     * The time stamped on every entry of the output chart, for reproducible output: ISO-8601 with offset
     * ({@code 2026-11-22T00:00:00Z}) or seconds since the epoch. When unset, the {@code SOURCE_DATE_EPOCH}
     * environment variable is used, and without it the newest entry time of the input chart.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.OUTPUT_TIMESTAMP, defaultValue = "${project.build.outputTimestamp}")
    private String outputTimestamp;

    /**
     * Compute and report the plan without writing anything.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.DRY_RUN, defaultValue = "false")
    private boolean dryRun;

    /**
     * Fail when a reference could not be redirected to the internal registry; with {@code false} such references
     * are reported as warnings.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.STRICT, defaultValue = "true")
    private boolean strict;

    /**
     * Render the output chart with Helm's own engine (no values, no cluster, hooks included) and check that every
     * image and falcoctl artifact it pulls is in the plan with the same tag or digest: {@code auto} verifies when
     * Helm's engine runs on this platform and reports that verification was skipped otherwise, {@code true} requires
     * it, {@code false} skips it. A tag only a template knows (such as {@code <appVersion>-debian}) is planned and
     * mirrored as the cluster pulls it; a reference that cannot be traced to the plan fails the build.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VERIFY, defaultValue = "auto")
    private String verify;

    /**
     * Skip the goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
    private boolean skip;

    /**
     * A values profile applied over the chart's defaults and under {@code valuesFiles}. {@code k8s-audit} sets Falco
     * up as one Deployment receiving kube-apiserver's audit events through the k8saudit plugin and a webhook
     * Service.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PROFILE)
    private String profile;

    /**
     * The Helm release name the chart will be installed as; it names the webhook Service in the kube-apiserver
     * files.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.RELEASE_NAME, defaultValue = "falco")
    private String releaseName;

    /**
     * The namespace the chart will be installed into.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.NAMESPACE, defaultValue = "falco")
    private String namespace;

    /**
     * The type of the audit webhook Service: {@code NodePort}, {@code ClusterIP} or {@code LoadBalancer}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.AUDIT_SERVICE_TYPE, defaultValue = "NodePort")
    private String auditServiceType;

    /**
     * The port the k8saudit plugin listens on and the webhook Service exposes.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.AUDIT_SERVICE_PORT, defaultValue = "9765")
    private int auditServicePort;

    /**
     * The node port of a {@code NodePort} webhook Service, pinned so that kube-apiserver can be configured before
     * the install (30000-32767).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.AUDIT_NODE_PORT, defaultValue = "30007")
    private int auditNodePort;

    /**
     * The HTTP path the k8saudit plugin serves audit events on.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.AUDIT_PATH, defaultValue = "/k8s-audit")
    private String auditPath;

    /**
     * The address kube-apiserver sends audit events to: a node IP for {@code NodePort}, the Service DNS name for
     * {@code ClusterIP}, the load balancer's address for {@code LoadBalancer}. Without it the kube-apiserver files
     * are not written.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.AUDIT_WEBHOOK_ADDRESS)
    private String auditWebhookAddress;

    /**
     * An audit policy of your own, checked and copied instead of the default policy.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.AUDIT_POLICY_FILE)
    private File auditPolicyFile;

    /**
     * Copy every artifact the rewritten chart pulls: into the offline bundle, or with {@code push} straight to
     * {@code registry}. With {@code false} only the chart and the plan are written.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MIRROR, defaultValue = "true")
    private boolean mirror;

    /**
     * Copy every artifact the rewritten chart points at straight to {@code registry}. Use it when this machine
     * reaches both the upstream registries and the internal one; otherwise write a {@code bundle}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUSH, defaultValue = "false")
    private boolean push;

    /**
     * The offline bundle directory (an OCI image layout) that receives every artifact the rewritten chart points at,
     * with the chart and the plan, for {@code falco-offline:push} inside the air gap. Default:
     * {@code <outputDirectory>/bundle}. Ignored with {@code push}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BUNDLE)
    private File bundle;

    /**
     * Also pack the bundle into one {@code <bundle>.tar} beside it, to carry across the air gap as one file.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BUNDLE_AS_TAR, defaultValue = "false")
    private boolean bundleAsTar;

    /**
     * The platforms to keep of multi-platform images and plugin indexes, comma-separated
     * {@code os/architecture[/variant]}, e.g. {@code linux/arm64}; empty copies all platforms byte for byte.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PLATFORMS)
    private String platforms;

    /**
     * Where to fetch from instead of the upstream registries, comma-separated {@code registry=mirror} pairs, e.g.
     * {@code docker.io=nexus.corp:8443/dockerhub,ghcr.io=nexus.corp:8443/ghcr}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY_MIRRORS)
    private String registryMirrors;

    /**
     * Copy cosign signatures ({@code sha256-<digest>.sig} and attestation tags) along with the artifacts they sign.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.COPY_SIGNATURES, defaultValue = "true")
    private boolean copySignatures;

    /**
     * The lock file recording the digest of every mirrored artifact. When it exists, sources are fetched at their
     * locked digests, so moved upstream tags do not change what is mirrored; commit it to pin a release.
     * Default: {@code <outputDirectory>/falco-offline.lock.json}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.LOCK_FILE)
    private File lockFile;

    /**
     * How Falco gets its plugins and rules on the node: {@code registry} (falcoctl installs them from
     * {@code registry}, with no index fetched at start-up) or {@code baked} (a derived Falco image holds them and
     * falcoctl is off).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.DELIVERY, defaultValue = "registry")
    private String delivery;

    /**
     * falcoctl artifacts to pin or add, comma-separated {@code name[:version]}, e.g.
     * {@code k8saudit:0.16.1,json:0.7.4,k8saudit-rules:0.16.1}; a name without version gets the newest version
     * compatible with the chart's Falco.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.ARTIFACTS)
    private String artifacts;

    /**
     * The kernels of the nodes, comma-separated {@code target:release:version[:arch]} as falcoctl names them, e.g.
     * {@code ubuntu-generic:5.4.0-150-generic:167}: {@code falcoctl driver printenv} (or the driver-loader image with
     * {@code --print-env}) prints TARGET_ID, FIXED_KERNEL_RELEASE and FIXED_KERNEL_VERSION on a node. With the
     * driver on and kind {@code kmod} or {@code auto}, each kernel's prebuilt driver is read from
     * {@code driverRepository} and baked into the driver-loader image, so the loader needs no download and no kernel
     * headers on the node.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.DRIVER_KERNELS)
    private String driverKernels;

    /**
     * Where prebuilt drivers are read at build time, in falcoctl's layout
     * ({@code <driver version>/<arch>/falco_<target>_<release>_<version>.ko}); falcoctl's default when not set.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.DRIVER_REPOSITORY, defaultValue = "https://download.falco.org/driver")
    private String driverRepository;

    /**
     * With {@code delivery=baked}: also write a Dockerfile build context with the same files as the baked image to
     * this directory ({@code plugins/<os>-<arch>/}, {@code rules/}, {@code config.d/} and a {@code Dockerfile} for
     * BuildKit, buildah or podman), for teams that build their images with their own tooling. A directory
     * falco-offline did not write is not replaced.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BAKE_BUILD_CONTEXT)
    private File bakeBuildContext;

    /**
     * Pin every image the chart pulls by digest: each image's tag becomes {@code <tag>@sha256:<digest>}, the digest
     * of the image as mirrored (resolved from its source at build time; with {@code mirror=false} from the source
     * registry, and the build fails when that cannot be reached), so a moved tag or a node's cached image cannot
     * change what runs. The plan's {@code pinning} section lists every image with its tag and digest, and any image
     * whose chart cannot take a digest in its tag, with the reason.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PIN_DIGESTS, defaultValue = "false")
    private boolean pinDigests;

    /**
     * The falcoctl index that resolves short names such as {@code falco-rules:5} at build time: a file or an
     * {@code http(s)://} URL. Default: the indexes the values configure, fetched when mirroring (or a cached copy),
     * else the built-in subset of the public index; the plan says which was used.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.FALCOCTL_INDEX)
    private String falcoctlIndex;

    /**
     * Where fetched falcoctl indexes are cached for builds that cannot reach them.
     *
     * @since 0.1.0
     */
    @Parameter(
            property = PropertyNames.FALCOCTL_INDEX_CACHE,
            defaultValue = "${user.home}/.cache/falco-offline/falcoctl-indexes")
    private File falcoctlIndexCache;

    /**
     * The name of an existing {@code kubernetes.io/dockerconfigjson} Secret in the release namespace that holds the
     * login for {@code registry}: every pod of the chart names it as an image pull secret (unless
     * {@code registrySecretAsPullSecret} is false), and falcoctl reads it as its credentials store. The chart holds no
     * credential; the plan gives the {@code kubectl create secret docker-registry} command that creates it.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY_SECRET)
    private String registrySecret;

    /**
     * Whether {@code registrySecret} is also every pod's image pull secret, so kubelet pulls the chart's images with
     * the same login as falcoctl. Set it to false when the nodes log in otherwise (node-level credentials, a
     * ServiceAccount's pull secrets); {@code imagePullSecrets} are added either way.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY_SECRET_AS_PULL_SECRET, defaultValue = "true")
    private boolean registrySecretAsPullSecret = true;

    /**
     * Push the rewritten chart to {@code registry} as a Helm OCI chart,
     * {@code oci://<registry>/<repositoryPrefix>/<name>:<version>}, for {@code helm install oci://…}. In bundle mode
     * the chart goes into the bundle and {@code falco-offline:push} publishes it.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUBLISH_CHART, defaultValue = "false")
    private boolean publishChart;

    /**
     * Write or update {@code index.yaml} beside the chart in {@code outputDirectory}, making that directory a Helm
     * repository to upload (ChartMuseum, Nexus, a web server).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.HELM_REPOSITORY_INDEX, defaultValue = "false")
    private boolean helmRepositoryIndex;

    /**
     * The URL the Helm repository is served from, e.g. {@code https://charts.corp/falco}; the index then gives the
     * chart's absolute URL. Default: a URL relative to the index.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.HELM_REPOSITORY_URL)
    private String helmRepositoryUrl;

    /**
     * A GitOps repository (watched by Argo CD or Flux) to commit the unpacked chart, the plan and the lock to, and
     * push. Nothing is committed when nothing changed. Credentials: a {@code <server>} in settings.xml whose id is
     * the host.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.GIT_REPOSITORY)
    private String gitRepository;

    /**
     * The branch of {@code gitRepository} to commit to; created when missing.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.GIT_BRANCH, defaultValue = "main")
    private String gitBranch;

    /**
     * The directory of {@code gitRepository} that receives the chart, e.g. {@code clusters/prod/falco}; it is
     * replaced whole on every commit, and nothing outside it is changed. Empty for a directory named after the chart.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.GIT_PATH)
    private String gitPath;

    /**
     * The author name of GitOps commits.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.GIT_AUTHOR_NAME, defaultValue = "falco-offline")
    private String gitAuthorName;

    /**
     * The author e-mail of GitOps commits.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.GIT_AUTHOR_EMAIL, defaultValue = "falco-offline@localhost")
    private String gitAuthorEmail;

    /**
     * Takes {@link #overrides} as text, {@code source=target,source2=target2}: the form a user property has. Maven
     * calls this for a plain-text value and sets the field directly for the POM's property list.
     */
    public void setOverrides(String overrides) {
        this.overridesText = overrides;
    }

    protected boolean isSkip() {
        return skip;
    }

    /** Whether the goal runs outside any project, in the project Maven makes up for that. */
    protected boolean isStandalone() {
        return project.getFile() == null || ParameterValues.STANDALONE_ARTIFACT_ID.equals(project.getArtifactId());
    }

    /**
     * The request the parameters describe.
     *
     * @throws io.falcooffline.core.InvalidRequestException naming the first missing or malformed parameter
     */
    protected PackageRequest packageRequest() {
        Path output = ParameterValues.outputDirectory(
                        outputDirectory,
                        isStandalone(),
                        new File(project.getBuild().getDirectory()),
                        new File(session().getExecutionRootDirectory()))
                .toPath();
        File baseDirectory = isStandalone() ? new File(session().getExecutionRootDirectory()) : project.getBasedir();
        PackageRequest.Builder request = PackageRequest.builder()
                .source(ChartSourceParameters.of(
                        chart,
                        chartSha256,
                        chartVersion,
                        chartRepository,
                        chartGitRepository,
                        chartGitRef,
                        chartGitPath,
                        baseDirectory == null ? null : baseDirectory.toPath()))
                .sourceOptions(SourceOptions.builder()
                        .cacheDirectory(chartCacheDirectory == null ? null : chartCacheDirectory.toPath())
                        .build())
                .publish(PublishOptions.builder()
                        .publishChart(publishChart)
                        .helmRepositoryIndex(helmRepositoryIndex)
                        .helmRepositoryUrl(helmRepositoryUrl)
                        .gitRepository(gitRepository)
                        .gitBranch(gitBranch)
                        .gitPath(gitPath)
                        .gitAuthorName(gitAuthorName)
                        .gitAuthorEmail(gitAuthorEmail)
                        .build())
                .registry(registry)
                .repositoryPrefix(repositoryPrefix)
                .repositoryLayout(ParameterValues.repositoryLayout(repositoryLayout))
                .overrides(ParameterText.overrides(overridesText));
        ParameterValues.pomOverrides(overrides).forEach(request::override);
        return request.valuesFiles(
                        valuesFiles == null
                                ? List.of()
                                : valuesFiles.stream().map(File::toPath).toList())
                .imagePullSecrets(ParameterValues.names(imagePullSecrets))
                .outputDirectory(output)
                .dryRun(dryRun)
                .strict(strict)
                .verify(VerifyMode.parse(verify))
                .profile(profile)
                .releaseName(releaseName)
                .namespace(namespace)
                .audit(auditOptions())
                .mirror(mirrorOptions())
                .falco(falcoOptions())
                .registrySecret(registrySecret)
                .registrySecretAsPullSecret(registrySecretAsPullSecret)
                .pinDigests(pinDigests)
                .outputTimestamp(ParameterValues.outputTimestamp(outputTimestamp, System.getenv("SOURCE_DATE_EPOCH"))
                        .orElse(null))
                .build();
    }

    private FalcoOptions falcoOptions() {
        return FalcoOptions.builder()
                .delivery(Delivery.parse(delivery))
                .artifacts(ParameterText.commaSeparated(artifacts))
                .driverKernels(ParameterText.driverKernels(driverKernels))
                .driverRepository(driverRepository)
                .falcoctlIndex(falcoctlIndex)
                .falcoctlIndexCache(falcoctlIndexCache == null ? null : falcoctlIndexCache.toPath())
                .bakeBuildContext(bakeBuildContext == null ? null : bakeBuildContext.toPath())
                .build();
    }

    private AuditOptions auditOptions() {
        AuditOptions.Builder audit = AuditOptions.builder()
                .serviceType(AuditOptions.ServiceType.parse(auditServiceType))
                .servicePort(auditServicePort)
                .nodePort(auditNodePort)
                .path(auditPath)
                .webhookAddress(auditWebhookAddress);
        if (auditPolicyFile != null) {
            audit.policyFile(auditPolicyFile.toPath());
        }
        return audit.build();
    }

    private MirrorOptions mirrorOptions() {
        MirrorMode mode = !mirror ? MirrorMode.NONE : push ? MirrorMode.PUSH : MirrorMode.BUNDLE;
        MirrorOptions.Builder options = withConnection(MirrorOptions.builder())
                .mode(mode)
                .bundleAsTar(bundleAsTar)
                .platforms(ParameterText.platforms(platforms))
                .registryMirrors(ParameterText.registryMirrors(registryMirrors))
                .copySignatures(copySignatures);
        serverIdCredentials().ifPresent(credentials -> options.credentials(registry, credentials));
        if (bundle != null) {
            options.bundle(bundle.toPath());
        }
        if (lockFile != null) {
            options.lockFile(lockFile.toPath());
        }
        return options.build();
    }
}
