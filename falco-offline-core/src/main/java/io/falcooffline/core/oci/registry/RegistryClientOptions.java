package io.falcooffline.core.oci.registry;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.RegistryCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach one registry: address, transport security, credentials, timeouts and retries. Immutable; build with
 * {@link #builder(String)}, derive with {@link #toBuilder()}.
 *
 * <p>Defaults: HTTPS with the system trust store, anonymous, connect timeout 10 s, request timeout 60 s, 4 attempts
 * with exponential backoff from 250 ms to 10 s, {@code Retry-After} honoured up to 60 s, chunked uploads in 16 MiB
 * pieces.
 */
public final class RegistryClientOptions {

    /** Default time to establish a connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default time to wait for a response, and the longest a response body may stall. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Default number of attempts per request, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    /** Default wait before the first retry; it doubles with each retry. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(250);
    /** Default upper bound of the wait between retries. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    /** Default longest {@code Retry-After} the client waits for; a longer one fails the request at once. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);
    /** Default size of one upload request; blobs up to this size are uploaded in one request. */
    public static final int DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
    /** Default number of tags asked for per page when listing tags. */
    public static final int DEFAULT_TAG_PAGE_SIZE = 1000;

    // host, or host:port with a numeric port; IPv6 literals in brackets.
    private static final Pattern HOST =
            Pattern.compile("(?:[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    private final String host;
    private final boolean plainHttp;
    private final Path caFile;
    private final boolean skipTlsVerify;
    private final RegistryCredentials credentials;
    private final boolean allowCredentialsOverHttp;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final int chunkSize;
    private final boolean chunkedUploads;
    private final int tagPageSize;
    private final ProxySettings proxy;
    private final boolean offline;

    private RegistryClientOptions(Builder builder) {
        this.host = builder.host;
        this.plainHttp = builder.plainHttp;
        this.caFile = builder.caFile;
        this.skipTlsVerify = builder.skipTlsVerify;
        this.credentials = builder.credentials;
        this.allowCredentialsOverHttp = builder.allowCredentialsOverHttp;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.maxRetryAfter = builder.maxRetryAfter;
        this.chunkSize = builder.chunkSize;
        this.chunkedUploads = builder.chunkedUploads;
        this.tagPageSize = builder.tagPageSize;
        this.proxy = builder.proxy;
        this.offline = builder.offline;
    }

    /**
     * Starts options for a registry.
     *
     * @param host the registry as {@code host[:port]}, without scheme or path; {@code docker.io} is Docker Hub
     * @return a builder with the defaults
     */
    public static Builder builder(String host) {
        return new Builder().host(host);
    }

    /** A builder holding these options, to derive changed ones. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.host = host;
        builder.plainHttp = plainHttp;
        builder.caFile = caFile;
        builder.skipTlsVerify = skipTlsVerify;
        builder.credentials = credentials;
        builder.allowCredentialsOverHttp = allowCredentialsOverHttp;
        builder.connectTimeout = connectTimeout;
        builder.requestTimeout = requestTimeout;
        builder.maxAttempts = maxAttempts;
        builder.initialBackoff = initialBackoff;
        builder.maxBackoff = maxBackoff;
        builder.maxRetryAfter = maxRetryAfter;
        builder.chunkSize = chunkSize;
        builder.chunkedUploads = chunkedUploads;
        builder.tagPageSize = tagPageSize;
        builder.proxy = proxy;
        builder.offline = offline;
        return builder;
    }

    /** The registry as {@code host[:port]}, as given (Docker Hub's API host is derived from it). */
    public String host() {
        return host;
    }

    /** Whether the registry speaks plain HTTP instead of HTTPS. */
    public boolean plainHttp() {
        return plainHttp;
    }

    /** A PEM file of CA certificates trusted in addition to the system's, if any. */
    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    /** Whether TLS certificates and host names go unchecked (for throw-away test registries only). */
    public boolean skipTlsVerify() {
        return skipTlsVerify;
    }

    /** The credentials, if any; without them the client is anonymous. */
    public Optional<RegistryCredentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    /** Whether credentials may be sent over plain HTTP, where anyone on the path can read them. */
    public boolean allowCredentialsOverHttp() {
        return allowCredentialsOverHttp;
    }

    /** How long establishing a connection may take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long the registry may take to answer a request, and how long a response body may stall. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How many times a request is tried on 408, 429, 5xx or a broken connection, the first try included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The wait before the first retry; it doubles with each retry, with jitter. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** The upper bound of the wait between retries. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The longest {@code Retry-After} honoured; a registry asking for more fails the request at once. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /**
     * The largest number of blob bytes sent in one upload request when uploading in chunks: always when {@link
     * #chunkedUploads()}, otherwise only after a streamed upload to this registry broke.
     */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Whether every blob larger than {@link #chunkSize()} goes up in chunks, as asked by setting the chunk size;
     * otherwise large blobs are streamed in one request.
     */
    public boolean chunkedUploads() {
        return chunkedUploads;
    }

    /** How many tags to ask for per page when listing tags. */
    public int tagPageSize() {
        return tagPageSize;
    }

    /** The proxies the registry, its token service and its redirects are reached through. */
    public ProxySettings proxy() {
        return proxy;
    }

    /** Whether no connection may be made: every request fails at once. */
    public boolean offline() {
        return offline;
    }

    @Override
    public String toString() {
        return "RegistryClientOptions[host=" + host + ", plainHttp=" + plainHttp + ", caFile=" + caFile
                + ", skipTlsVerify=" + skipTlsVerify + ", credentials=" + credentials + ", allowCredentialsOverHttp="
                + allowCredentialsOverHttp + ", connectTimeout=" + connectTimeout + ", requestTimeout="
                + requestTimeout + ", maxAttempts=" + maxAttempts + ", proxy=" + proxy + ", offline=" + offline + "]";
    }

    /** Builds {@link RegistryClientOptions}; {@link #build()} checks the combination. */
    public static final class Builder {
        private String host;
        private boolean plainHttp;
        private Path caFile;
        private boolean skipTlsVerify;
        private RegistryCredentials credentials;
        private boolean allowCredentialsOverHttp;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private boolean chunkedUploads;
        private int tagPageSize = DEFAULT_TAG_PAGE_SIZE;
        private ProxySettings proxy = ProxySettings.direct();
        private boolean offline;

        private Builder() {}

        /** @see RegistryClientOptions#proxy() */
        public Builder proxy(ProxySettings proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /** @see RegistryClientOptions#offline() */
        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /** @see RegistryClientOptions#host() */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** @see RegistryClientOptions#plainHttp() */
        public Builder plainHttp(boolean plainHttp) {
            this.plainHttp = plainHttp;
            return this;
        }

        /** @see RegistryClientOptions#caFile() */
        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        /** @see RegistryClientOptions#skipTlsVerify() */
        public Builder skipTlsVerify(boolean skipTlsVerify) {
            this.skipTlsVerify = skipTlsVerify;
            return this;
        }

        /** @see RegistryClientOptions#credentials() */
        public Builder credentials(RegistryCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** @see RegistryClientOptions#allowCredentialsOverHttp() */
        public Builder allowCredentialsOverHttp(boolean allowCredentialsOverHttp) {
            this.allowCredentialsOverHttp = allowCredentialsOverHttp;
            return this;
        }

        /** @see RegistryClientOptions#connectTimeout() */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** @see RegistryClientOptions#requestTimeout() */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** @see RegistryClientOptions#maxAttempts() */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** @see RegistryClientOptions#initialBackoff() */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        /** @see RegistryClientOptions#maxBackoff() */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** @see RegistryClientOptions#maxRetryAfter() */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** @see RegistryClientOptions#chunkSize() */
        public Builder chunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
            this.chunkedUploads = true;
            return this;
        }

        /** @see RegistryClientOptions#tagPageSize() */
        public Builder tagPageSize(int tagPageSize) {
            this.tagPageSize = tagPageSize;
            return this;
        }

        /**
         * Checks and freezes the options.
         *
         * @return the options
         * @throws InvalidRequestException naming the option at fault
         */
        public RegistryClientOptions build() {
            if (host == null || !HOST.matcher(host).matches()) {
                throw new InvalidRequestException(
                        "host",
                        "Registry host '" + host + "' is not host[:port]: give it without scheme or path, e.g. "
                                + "'harbor.example.com:30003', and set plainHttp for a registry without TLS");
            }
            if (caFile != null && skipTlsVerify) {
                throw new InvalidRequestException(
                        "caFile",
                        "Registry " + host + ": caFile and skipTlsVerify contradict each other; keep caFile so the "
                                + "certificate is still checked");
            }
            if (plainHttp && (caFile != null || skipTlsVerify)) {
                throw new InvalidRequestException(
                        caFile != null ? "caFile" : "skipTlsVerify",
                        "Registry " + host + " is set to plain HTTP, where TLS settings (caFile, skipTlsVerify) have "
                                + "no meaning; remove them or drop plainHttp");
            }
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(requestTimeout, "requestTimeout");
            requirePositive(maxBackoff, "maxBackoff");
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (initialBackoff.isNegative() || maxRetryAfter.isNegative()) {
                throw new InvalidRequestException(
                        initialBackoff.isNegative() ? "initialBackoff" : "maxRetryAfter", "Must not be negative");
            }
            if (maxAttempts < 1) {
                throw new InvalidRequestException("maxAttempts", "maxAttempts must be at least 1, was " + maxAttempts);
            }
            if (chunkSize < 1024) {
                throw new InvalidRequestException(
                        "chunkSize", "chunkSize must be at least 1024 bytes, was " + chunkSize);
            }
            if (tagPageSize < 1) {
                throw new InvalidRequestException("tagPageSize", "tagPageSize must be at least 1, was " + tagPageSize);
            }
            return new RegistryClientOptions(this);
        }

        private static void requirePositive(Duration value, String name) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new InvalidRequestException(name, name + " must be a positive duration, was " + value);
            }
        }
    }
}
