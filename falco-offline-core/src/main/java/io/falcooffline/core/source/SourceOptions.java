package io.falcooffline.core.source;

import io.falcooffline.core.mirror.MirrorOptions;
import io.falcooffline.core.mirror.oci.RegistryClientOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How chart sources are fetched: where the download cache is, whether the network may be used, and how registries,
 * Helm repositories and git servers are reached. Registry settings (plain-HTTP hosts, CA file, credentials per host,
 * timeouts) come from {@link MirrorOptions}; a Helm repository or git server uses the credentials of its host from
 * the same settings. Immutable; build with {@link #builder()}.
 */
public final class SourceOptions {

    /** The cache directory's name under {@code $XDG_CACHE_HOME} or {@code ~/.cache}. */
    public static final String DEFAULT_CACHE_NAME = "falco-offline";

    private final Path cacheDirectory;
    private final boolean offline;
    private final MirrorOptions access;

    private SourceOptions(Builder builder) {
        this.cacheDirectory = builder.cacheDirectory == null ? defaultCacheDirectory() : builder.cacheDirectory;
        this.offline = builder.offline;
        this.access = builder.access;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options with the default cache, online, anonymous over HTTPS. */
    public static SourceOptions defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        return new Builder().cacheDirectory(cacheDirectory).offline(offline).access(access);
    }

    /**
     * The download cache: archives by digest, the last answer of every source, git repositories. Default
     * {@code $XDG_CACHE_HOME/falco-offline} or {@code ~/.cache/falco-offline}.
     */
    public Path cacheDirectory() {
        return cacheDirectory;
    }

    /** Whether only the cache may be used, as in {@code mvn -o}. */
    public boolean offline() {
        return offline;
    }

    /** The registry settings the sources use. */
    public MirrorOptions access() {
        return access;
    }

    /** How to reach one OCI registry. */
    RegistryClientOptions registryOptions(String host) {
        return access.clientOptions(host);
    }

    /** Whether credentials may go over a URL scheme: HTTPS always, plain HTTP only when allowed. */
    boolean mayUseCredentialsOver(String scheme) {
        return "https".equals(scheme.toLowerCase(Locale.ROOT)) || access.allowCredentialsOverHttp();
    }

    static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve(DEFAULT_CACHE_NAME);
    }

    @Override
    public String toString() {
        return "SourceOptions[cacheDirectory=" + cacheDirectory + ", offline=" + offline + ", access=" + access + "]";
    }

    /** Builds {@link SourceOptions}. */
    public static final class Builder {
        private Path cacheDirectory;
        private boolean offline;
        private MirrorOptions access = MirrorOptions.none();

        private Builder() {}

        /** @see SourceOptions#cacheDirectory() */
        public Builder cacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = cacheDirectory;
            return this;
        }

        /** @see SourceOptions#offline() */
        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /** @see SourceOptions#access() */
        public Builder access(MirrorOptions access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        public SourceOptions build() {
            return new SourceOptions(this);
        }
    }
}
