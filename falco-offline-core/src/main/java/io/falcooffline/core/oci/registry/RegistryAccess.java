package io.falcooffline.core.oci.registry;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How to reach registries, shared by {@link MirrorOptions} and {@link PushRequest}: which hosts speak plain HTTP,
 * which extra CA to trust, which credentials to use per host, and how patient and how parallel to be.
 */
public final class RegistryAccess {

    public static final int DEFAULT_PARALLELISM = 16;
    public static final int MAX_PARALLELISM = 32;

    private final Set<String> insecureRegistries;
    private final Path caFile;
    private final Map<String, RegistryCredentials> credentials;
    private final boolean allowCredentialsOverHttp;
    private final int parallelism;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    /** How often a transfer reports its progress unless told otherwise. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);

    private final Duration progressInterval;
    private final boolean createHarborProject;
    private final ProxySettings proxy;
    private final boolean offline;

    private volatile DockerConfigCredentials dockerConfig;

    private RegistryAccess(Builder builder) {
        this.insecureRegistries = Set.copyOf(builder.insecureRegistries);
        this.caFile = builder.caFile;
        this.credentials = Map.copyOf(builder.credentials);
        this.allowCredentialsOverHttp = builder.allowCredentialsOverHttp;
        this.parallelism = builder.parallelism;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.progressInterval = builder.progressInterval;
        this.createHarborProject = builder.createHarborProject;
        this.proxy = builder.proxy == null ? ProxySettings.fromSystem() : builder.proxy;
        this.offline = builder.offline;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.insecureRegistries.addAll(insecureRegistries);
        builder.caFile = caFile;
        builder.credentials.putAll(credentials);
        builder.allowCredentialsOverHttp = allowCredentialsOverHttp;
        builder.parallelism = parallelism;
        builder.connectTimeout = connectTimeout;
        builder.requestTimeout = requestTimeout;
        builder.progressInterval = progressInterval;
        builder.createHarborProject = createHarborProject;
        builder.proxy = proxy;
        builder.offline = offline;
        return builder;
    }

    public Set<String> insecureRegistries() {
        return insecureRegistries;
    }

    public Map<String, RegistryCredentials> credentials() {
        return credentials;
    }

    public boolean allowCredentialsOverHttp() {
        return allowCredentialsOverHttp;
    }

    public int parallelism() {
        return parallelism;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    /** How often a line reports the bytes moved while blobs transfer; zero for none. */
    public Duration progressInterval() {
        return progressInterval;
    }

    /** Whether a missing Harbor project of the target is created (private) instead of failing the run. */
    public boolean createHarborProject() {
        return createHarborProject;
    }

    /** The proxies every connection goes through. */
    public ProxySettings proxy() {
        return proxy;
    }

    /** Whether no connection may be made at all ({@code mvn -o}). */
    public boolean offline() {
        return offline;
    }

    /** The client options for one registry host; credentials are looked up by host, Docker Hub's aliases as one. */
    public RegistryClientOptions clientOptions(String host) {
        String key = hostKey(host);
        RegistryClientOptions.Builder options = RegistryClientOptions.builder(host)
                .plainHttp(insecureRegistries.contains(key))
                .allowCredentialsOverHttp(allowCredentialsOverHttp)
                .connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout)
                .proxy(proxy)
                .offline(offline);
        if (caFile != null && !insecureRegistries.contains(key)) {
            options.caFile(caFile);
        }
        Optional<RegistryCredentials> hostCredentials = Optional.ofNullable(credentials.get(key))
                .or(() -> dockerConfig().lookup(host));
        hostCredentials.ifPresent(options::credentials);
        return options.build();
    }

    /** The Docker config of the current user, read once, for hosts without explicit credentials. */
    private DockerConfigCredentials dockerConfig() {
        DockerConfigCredentials loaded = dockerConfig;
        if (loaded == null) {
            loaded = DockerConfigCredentials.load();
            dockerConfig = loaded;
        }
        return loaded;
    }

    /** The spelling hosts are compared in: lower case, Docker Hub's aliases as {@code docker.io}. */
    public static String hostKey(String host) {
        return OciReference.canonicalRegistry(host.strip());
    }

    /** Accumulates settings; the outer builders delegate their connection setters here. */
    public static final class Builder {
        private final Set<String> insecureRegistries = new LinkedHashSet<>();
        private Path caFile;
        private final Map<String, RegistryCredentials> credentials = new LinkedHashMap<>();
        private boolean allowCredentialsOverHttp;
        private int parallelism = DEFAULT_PARALLELISM;
        private Duration connectTimeout = RegistryClientOptions.DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = RegistryClientOptions.DEFAULT_REQUEST_TIMEOUT;
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        private boolean createHarborProject;
        private ProxySettings proxy;
        private boolean offline;

        private Builder() {}

        /** The proxies; null (the default) takes {@link ProxySettings#fromSystem()} when built. */
        public void proxy(ProxySettings proxy) {
            this.proxy = proxy;
        }

        public void offline(boolean offline) {
            this.offline = offline;
        }

        public void insecureRegistries(Collection<String> hosts) {
            insecureRegistries.clear();
            hosts.stream()
                    .map(String::strip)
                    .filter(host -> !host.isEmpty())
                    .map(RegistryAccess::hostKey)
                    .forEach(insecureRegistries::add);
        }

        public void caFile(Path caFile) {
            this.caFile = caFile;
        }

        public void credentials(Map<String, RegistryCredentials> byHost) {
            credentials.clear();
            byHost.forEach(this::credentials);
        }

        public void credentials(String host, RegistryCredentials hostCredentials) {
            credentials.put(hostKey(host), hostCredentials);
        }

        public void allowCredentialsOverHttp(boolean allow) {
            this.allowCredentialsOverHttp = allow;
        }

        public void parallelism(int parallelism) {
            this.parallelism = parallelism;
        }

        public void connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
        }

        public void requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
        }

        public void progressInterval(Duration interval) {
            this.progressInterval = interval;
        }

        public void createHarborProject(boolean create) {
            this.createHarborProject = create;
        }

        public RegistryAccess build() {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new InvalidRequestException(
                        "parallelism",
                        "`parallelism` must be between 1 and " + MAX_PARALLELISM + ", got " + parallelism
                                + "; the default " + DEFAULT_PARALLELISM + " suits most registries.");
            }
            if (caFile != null && !Files.isRegularFile(caFile)) {
                throw new InvalidRequestException(
                        "caFile",
                        "`caFile` " + caFile + " is not a readable file: give a PEM file of CA certificates.");
            }
            for (String host : insecureRegistries) {
                if (host.contains("/") || host.contains("://")) {
                    throw new InvalidRequestException(
                            "insecureRegistries",
                            "`insecureRegistries` takes host[:port] names separated by commas, got '" + host
                                    + "': leave out scheme and path.");
                }
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new InvalidRequestException("connectTimeout", "`connectTimeout` must be a positive duration.");
            }
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new InvalidRequestException("requestTimeout", "`requestTimeout` must be a positive duration.");
            }
            if (progressInterval == null || progressInterval.isNegative()) {
                throw new InvalidRequestException(
                        "progressInterval",
                        "`progressInterval` must be zero (no progress lines) or a positive duration.");
            }
            return new RegistryAccess(this);
        }
    }
}
