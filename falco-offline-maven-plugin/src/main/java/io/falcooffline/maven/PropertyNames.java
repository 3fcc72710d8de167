package io.falcooffline.maven;

import java.util.List;
import java.util.Optional;

/** The user properties ({@code -Dfalco-offline.<name>}) behind the goals' parameters. */
public final class PropertyNames {

    /** Every property starts with this. */
    public static final String PREFIX = "falco-offline.";

    public static final String CHART = PREFIX + "chart";
    public static final String REGISTRY = PREFIX + "registry";
    public static final String REPOSITORY_PREFIX = PREFIX + "repositoryPrefix";
    public static final String REPOSITORY_LAYOUT = PREFIX + "repositoryLayout";
    public static final String OVERRIDES = PREFIX + "overrides";
    public static final String VALUES_FILES = PREFIX + "valuesFiles";
    public static final String IMAGE_PULL_SECRETS = PREFIX + "imagePullSecrets";
    public static final String OUTPUT_DIRECTORY = PREFIX + "outputDirectory";
    public static final String OUTPUT_TIMESTAMP = PREFIX + "outputTimestamp";
    public static final String DRY_RUN = PREFIX + "dryRun";
    public static final String STRICT = PREFIX + "strict";
    public static final String VERIFY = PREFIX + "verify";
    public static final String SKIP = PREFIX + "skip";
    public static final String PROFILE = PREFIX + "profile";
    public static final String RELEASE_NAME = PREFIX + "releaseName";
    public static final String NAMESPACE = PREFIX + "namespace";
    public static final String AUDIT_SERVICE_TYPE = PREFIX + "auditServiceType";
    public static final String AUDIT_SERVICE_PORT = PREFIX + "auditServicePort";
    public static final String AUDIT_NODE_PORT = PREFIX + "auditNodePort";
    public static final String AUDIT_PATH = PREFIX + "auditPath";
    public static final String AUDIT_WEBHOOK_ADDRESS = PREFIX + "auditWebhookAddress";
    public static final String AUDIT_POLICY_FILE = PREFIX + "auditPolicyFile";
    public static final String MIRROR = PREFIX + "mirror";
    public static final String PUSH = PREFIX + "push";
    public static final String BUNDLE = PREFIX + "bundle";
    public static final String BUNDLE_AS_TAR = PREFIX + "bundleAsTar";
    public static final String PLATFORMS = PREFIX + "platforms";
    public static final String REGISTRY_MIRRORS = PREFIX + "registryMirrors";
    public static final String INSECURE_REGISTRIES = PREFIX + "insecureRegistries";
    public static final String CA_FILE = PREFIX + "caFile";
    public static final String SERVER_ID = PREFIX + "serverId";
    public static final String COPY_SIGNATURES = PREFIX + "copySignatures";
    public static final String ALLOW_CREDENTIALS_OVER_HTTP = PREFIX + "allowCredentialsOverHttp";
    public static final String LOCK_FILE = PREFIX + "lockFile";
    public static final String PARALLELISM = PREFIX + "parallelism";
    public static final String PROGRESS_INTERVAL = PREFIX + "progressInterval";
    public static final String CREATE_HARBOR_PROJECT = PREFIX + "createHarborProject";
    public static final String DELIVERY = PREFIX + "delivery";
    public static final String ARTIFACTS = PREFIX + "artifacts";
    public static final String DRIVER_KERNELS = PREFIX + "driverKernels";
    public static final String DRIVER_REPOSITORY = PREFIX + "driverRepository";
    public static final String FALCOCTL_INDEX = PREFIX + "falcoctlIndex";
    public static final String FALCOCTL_INDEX_CACHE = PREFIX + "falcoctlIndexCache";
    public static final String REGISTRY_SECRET = PREFIX + "registrySecret";
    public static final String REGISTRY_SECRET_AS_PULL_SECRET = PREFIX + "registrySecretAsPullSecret";
    public static final String BAKE_BUILD_CONTEXT = PREFIX + "bakeBuildContext";
    public static final String PIN_DIGESTS = PREFIX + "pinDigests";
    public static final String CHART_SHA256 = PREFIX + "chartSha256";
    public static final String CHART_VERSION = PREFIX + "chartVersion";
    public static final String CHART_REPOSITORY = PREFIX + "chartRepository";
    public static final String CHART_GIT_REPOSITORY = PREFIX + "chartGitRepository";
    public static final String CHART_GIT_REF = PREFIX + "chartGitRef";
    public static final String CHART_GIT_PATH = PREFIX + "chartGitPath";
    public static final String CHART_CACHE_DIRECTORY = PREFIX + "chartCacheDirectory";
    public static final String PUBLISH_CHART = PREFIX + "publishChart";
    public static final String HELM_REPOSITORY_INDEX = PREFIX + "helmRepositoryIndex";
    public static final String HELM_REPOSITORY_URL = PREFIX + "helmRepositoryUrl";
    public static final String GIT_REPOSITORY = PREFIX + "gitRepository";
    public static final String GIT_BRANCH = PREFIX + "gitBranch";
    public static final String GIT_PATH = PREFIX + "gitPath";
    public static final String GIT_AUTHOR_NAME = PREFIX + "gitAuthorName";
    public static final String GIT_AUTHOR_EMAIL = PREFIX + "gitAuthorEmail";

    private static final List<String> ALL = List.of(
            CHART,
            REGISTRY,
            REPOSITORY_PREFIX,
            REPOSITORY_LAYOUT,
            OVERRIDES,
            VALUES_FILES,
            IMAGE_PULL_SECRETS,
            OUTPUT_DIRECTORY,
            OUTPUT_TIMESTAMP,
            DRY_RUN,
            STRICT,
            VERIFY,
            SKIP,
            PROFILE,
            RELEASE_NAME,
            NAMESPACE,
            AUDIT_SERVICE_TYPE,
            AUDIT_SERVICE_PORT,
            AUDIT_NODE_PORT,
            AUDIT_PATH,
            AUDIT_WEBHOOK_ADDRESS,
            AUDIT_POLICY_FILE,
            PUSH,
            BUNDLE,
            BUNDLE_AS_TAR,
            MIRROR,
            PLATFORMS,
            REGISTRY_MIRRORS,
            INSECURE_REGISTRIES,
            DELIVERY,
            ARTIFACTS,
            DRIVER_KERNELS,
            DRIVER_REPOSITORY,
            FALCOCTL_INDEX,
            FALCOCTL_INDEX_CACHE,
            REGISTRY_SECRET,
            REGISTRY_SECRET_AS_PULL_SECRET,
            BAKE_BUILD_CONTEXT,
            PIN_DIGESTS,
            CA_FILE,
            SERVER_ID,
            COPY_SIGNATURES,
            ALLOW_CREDENTIALS_OVER_HTTP,
            LOCK_FILE,
            PARALLELISM,
            PROGRESS_INTERVAL,
            CREATE_HARBOR_PROJECT,
            CHART_SHA256,
            CHART_VERSION,
            CHART_REPOSITORY,
            CHART_GIT_REPOSITORY,
            CHART_GIT_REF,
            CHART_GIT_PATH,
            CHART_CACHE_DIRECTORY,
            PUBLISH_CHART,
            HELM_REPOSITORY_INDEX,
            HELM_REPOSITORY_URL,
            GIT_REPOSITORY,
            GIT_BRANCH,
            GIT_PATH,
            GIT_AUTHOR_NAME,
            GIT_AUTHOR_EMAIL);

    private PropertyNames() {}

    /**
     * The property of a goal parameter.
     *
     * @param parameter the parameter's name, which is also its POM element, e.g. {@code registry}
     * @return {@code falco-offline.<parameter>}, or empty when no goal has such a parameter
     */
    public static Optional<String> forParameter(String parameter) {
        String property = PREFIX + parameter;
        return ALL.contains(property) ? Optional.of(property) : Optional.empty();
    }
}
