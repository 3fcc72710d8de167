package io.falcooffline.core;

import java.nio.file.Path;

/**
 * Where chart sources are cached. Registries, Helm repositories and git servers are reached with the connection
 * settings of {@link MirrorOptions} ({@link RegistryConnection}: plain-HTTP hosts, CA file, credentials per host,
 * timeouts, proxies, offline mode). Immutable; build with {@link #builder()}.
 */
public final class SourceOptions {

    /** The cache directory's name under {@code $XDG_CACHE_HOME} or {@code ~/.cache}. */
    public static final String DEFAULT_CACHE_NAME = "falco-offline";

    private final Path cacheDirectory;

    private SourceOptions(Builder builder) {
        this.cacheDirectory = builder.cacheDirectory == null ? defaultCacheDirectory() : builder.cacheDirectory;
    }

    /** A builder with the default cache. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options with the default cache. */
    public static SourceOptions defaults() {
        return builder().build();
    }

    /** A builder holding these options, to derive changed ones. */
    public Builder toBuilder() {
        return new Builder().cacheDirectory(cacheDirectory);
    }

    /**
     * The download cache: archives by digest, the last answer of every source, git repositories. Default
     * {@code $XDG_CACHE_HOME/falco-offline} or {@code ~/.cache/falco-offline}.
     */
    public Path cacheDirectory() {
        return cacheDirectory;
    }

    static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve(DEFAULT_CACHE_NAME);
    }

    @Override
    public String toString() {
        return "SourceOptions[cacheDirectory=" + cacheDirectory + "]";
    }

    /** Builds {@link SourceOptions}. */
    public static final class Builder {
        private Path cacheDirectory;

        private Builder() {}

        /** @see SourceOptions#cacheDirectory() */
        public Builder cacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = cacheDirectory;
            return this;
        }

        /** Freezes the settings. */
        public SourceOptions build() {
            return new SourceOptions(this);
        }
    }
}
