package io.falcooffline.core;

import io.falcooffline.core.mirror.RegistryAccess;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code FalcoOffline.push} needs inside the air gap: the offline bundle, the registry to load it into (by
 * default the one recorded in the bundle) and how to reach it. Immutable; build one with {@link #builder()}.
 */
public final class PushRequest {

    private final Path bundle;
    private final String registry;
    private final RegistryCredentials targetCredentials;
    private final RegistryAccess access;

    private PushRequest(Builder builder, RegistryAccess access) {
        this.bundle = builder.bundle;
        this.registry = builder.registry;
        this.targetCredentials = builder.targetCredentials;
        this.access = access;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.bundle = bundle;
        builder.registry = registry;
        builder.targetCredentials = targetCredentials;
        builder.access = access.toBuilder();
        return builder;
    }

    /** The bundle: the directory or the {@code .tar} written by a bundle run. */
    public Path bundle() {
        return bundle;
    }

    /**
     * The registry ({@code host[:port]}) to push to instead of the one recorded in the bundle; references recorded
     * for the bundle's registry move to this one.
     */
    public Optional<String> registry() {
        return Optional.ofNullable(registry);
    }

    /**
     * Credentials for the registry pushed to, whichever it turns out to be (the bundle's or {@link #registry()});
     * they win over {@link #credentials()} for that host.
     */
    public Optional<RegistryCredentials> targetCredentials() {
        return Optional.ofNullable(targetCredentials);
    }

    /** Registries ({@code host[:port]}) spoken to over plain HTTP. */
    public Set<String> insecureRegistries() {
        return access.insecureRegistries();
    }

    /** A PEM file of CA certificates trusted in addition to the system's. */
    public Optional<Path> caFile() {
        return access.caFile();
    }

    /** Credentials per registry host; other hosts use the Docker config or go anonymous. */
    public Map<String, RegistryCredentials> credentials() {
        return access.credentials();
    }

    /** Whether credentials may be sent over plain HTTP. */
    public boolean allowCredentialsOverHttp() {
        return access.allowCredentialsOverHttp();
    }

    /** How many blobs are uploaded at once. */
    public int parallelism() {
        return access.parallelism();
    }

    /** How long connecting may take. */
    public Duration connectTimeout() {
        return access.connectTimeout();
    }

    /** How long the registry may take to answer, and how long a transfer may stall. */
    public Duration requestTimeout() {
        return access.requestTimeout();
    }

    RegistryAccess access() {
        return access;
    }

    @Override
    public String toString() {
        return "PushRequest[bundle=" + bundle + ", registry=" + registry + ", insecureRegistries="
                + access.insecureRegistries() + ", credentialHosts="
                + access.credentials().keySet() + "]";
    }

    /** Builds a {@link PushRequest}; {@link #build()} checks it. */
    public static final class Builder {
        private Path bundle;
        private String registry;
        private RegistryCredentials targetCredentials;
        private RegistryAccess.Builder access = RegistryAccess.builder();

        private Builder() {}

        public Builder bundle(Path bundle) {
            this.bundle = bundle;
            return this;
        }

        public Builder registry(String registry) {
            this.registry =
                    registry == null || registry.isBlank() ? null : OciReference.canonicalRegistry(registry.strip());
            return this;
        }

        public Builder targetCredentials(RegistryCredentials credentials) {
            this.targetCredentials = credentials;
            return this;
        }

        public Builder insecureRegistries(Collection<String> hosts) {
            hosts.forEach(host -> RegistryParameters.requireNoCredentials("insecureRegistries", host));
            access.insecureRegistries(hosts);
            return this;
        }

        /** Sets the plain-HTTP registries from comma-separated {@code host[:port]}. */
        public Builder insecureRegistries(String commaSeparatedHosts) {
            insecureRegistries(ParameterText.commaSeparated(commaSeparatedHosts));
            return this;
        }

        public Builder caFile(Path caFile) {
            access.caFile(caFile);
            return this;
        }

        public Builder credentials(Map<String, RegistryCredentials> byHost) {
            access.credentials(byHost);
            return this;
        }

        public Builder credentials(String host, RegistryCredentials credentials) {
            access.credentials(host, credentials);
            return this;
        }

        public Builder allowCredentialsOverHttp(boolean allow) {
            access.allowCredentialsOverHttp(allow);
            return this;
        }

        public Builder parallelism(int parallelism) {
            access.parallelism(parallelism);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            access.connectTimeout(timeout);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            access.requestTimeout(timeout);
            return this;
        }

        /**
         * Checks the settings and freezes them.
         *
         * @throws InvalidRequestException naming the first missing or malformed parameter
         */
        public PushRequest build() {
            if (bundle == null) {
                throw new InvalidRequestException(
                        "bundle",
                        "No bundle given: set `bundle` to the bundle directory or .tar written by "
                                + "falco-offline:package with push off, e.g. -Dfalco-offline.bundle=bundle.tar.");
            }
            RegistryParameters.requireNoCredentials("registry", registry);
            if (registry != null && (registry.contains("/") || registry.contains("://"))) {
                throw new InvalidRequestException(
                        "registry",
                        "`registry` must be host[:port] only, got '" + registry + "': leave out scheme and path.");
            }
            if (registry != null) {
                RegistryParameters.requireValidPort("registry", registry);
            }
            return new PushRequest(this, access.build());
        }
    }
}
