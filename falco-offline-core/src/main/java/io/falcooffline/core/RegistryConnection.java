package io.falcooffline.core;

import io.falcooffline.core.oci.registry.RegistryAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How falco-offline reaches registries, the part {@link MirrorOptions} and {@link PushRequest} share: the hosts
 * spoken to over plain HTTP, the extra CA, credentials, parallel transfers, time-outs, proxies and offline mode.
 */
public abstract sealed class RegistryConnection permits MirrorOptions, PushRequest {

    private final RegistryAccess access;

    RegistryConnection(RegistryAccess access) {
        this.access = access;
    }

    /** Registries ({@code host[:port]}) spoken to over plain HTTP. */
    public Set<String> insecureRegistries() {
        return access.insecureRegistries();
    }

    /** A PEM file of CA certificates trusted for HTTPS registries in addition to the system's. */
    public Optional<Path> caFile() {
        return access.caFile();
    }

    /**
     * Credentials per registry host; a host without an entry uses the Docker config ({@code ~/.docker/config.json})
     * or goes anonymous.
     */
    public Map<String, RegistryCredentials> credentials() {
        return access.credentials();
    }

    /** Whether credentials may be sent to a registry over plain HTTP. */
    public boolean allowCredentialsOverHttp() {
        return access.allowCredentialsOverHttp();
    }

    /** How many blobs are transferred at once. */
    public int parallelism() {
        return access.parallelism();
    }

    /** How long connecting to a registry may take. */
    public Duration connectTimeout() {
        return access.connectTimeout();
    }

    /** How long a registry may take to answer, and how long a transfer may stall. */
    public Duration requestTimeout() {
        return access.requestTimeout();
    }

    /**
     * How often a line reports the bytes moved, the rate and the time left while blobs transfer (default 10 s); a
     * transfer shorter than that prints none. Zero turns the lines off.
     */
    public Duration progressInterval() {
        return access.progressInterval();
    }

    /**
     * Whether a project missing on a Harbor target is created (private, {@code POST /api/v2.0/projects}) before
     * copying; without it such a run fails before copying, naming the project.
     */
    public boolean createHarborProject() {
        return access.createHarborProject();
    }

    /**
     * The proxies every connection goes through: as set, or when not set {@link ProxySettings#fromSystem()} (the JVM's
     * proxy properties, else {@code HTTPS_PROXY} / {@code HTTP_PROXY} / {@code NO_PROXY}).
     */
    public ProxySettings proxy() {
        return access.proxy();
    }

    /**
     * Whether no connection may be made, as under {@code mvn -o}: what needs the network fails at once, naming what
     * is missing.
     */
    public boolean offline() {
        return access.offline();
    }

    RegistryAccess access() {
        return access;
    }

    /**
     * The connection setters of both builders.
     *
     * @param <B> the concrete builder, returned by every setter for chaining
     */
    public abstract static sealed class Builder<B extends Builder<B>>
            permits MirrorOptions.Builder, PushRequest.Builder {

        RegistryAccess.Builder access = RegistryAccess.builder();

        Builder() {}

        abstract B self();

        /** Sets {@link RegistryConnection#insecureRegistries()}, {@code host[:port]} each. */
        public B insecureRegistries(Collection<String> hosts) {
            hosts.forEach(host -> RegistryParameters.requireNoCredentials("insecureRegistries", host));
            access.insecureRegistries(hosts);
            return self();
        }

        /** Sets {@link RegistryConnection#caFile()}; null for none. */
        public B caFile(Path caFile) {
            access.caFile(caFile);
            return self();
        }

        /** Sets {@link RegistryConnection#credentials()}, replacing any set before. */
        public B credentials(Map<String, RegistryCredentials> byHost) {
            access.credentials(byHost);
            return self();
        }

        /** Adds the credentials of one registry host to {@link RegistryConnection#credentials()}. */
        public B credentials(String host, RegistryCredentials credentials) {
            access.credentials(host, credentials);
            return self();
        }

        /** Sets {@link RegistryConnection#allowCredentialsOverHttp()}. */
        public B allowCredentialsOverHttp(boolean allow) {
            access.allowCredentialsOverHttp(allow);
            return self();
        }

        /** Sets {@link RegistryConnection#parallelism()}. */
        public B parallelism(int parallelism) {
            access.parallelism(parallelism);
            return self();
        }

        /** Sets {@link RegistryConnection#connectTimeout()}. */
        public B connectTimeout(Duration timeout) {
            access.connectTimeout(timeout);
            return self();
        }

        /** Sets {@link RegistryConnection#requestTimeout()}. */
        public B requestTimeout(Duration timeout) {
            access.requestTimeout(timeout);
            return self();
        }

        /** Sets {@link RegistryConnection#progressInterval()}. */
        public B progressInterval(Duration interval) {
            access.progressInterval(interval);
            return self();
        }

        /** Sets {@link RegistryConnection#createHarborProject()}. */
        public B createHarborProject(boolean create) {
            access.createHarborProject(create);
            return self();
        }

        /** @see RegistryConnection#proxy() */
        public B proxy(ProxySettings proxy) {
            access.proxy(proxy);
            return self();
        }

        /** @see RegistryConnection#offline() */
        public B offline(boolean offline) {
            access.offline(offline);
            return self();
        }
    }
}
