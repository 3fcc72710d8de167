package io.falcooffline.core.oci.registry;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.HostUnreachableException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.net.Connections;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP side of {@link RegistryClient}: one {@link HttpTransport} per registry, with retries, backoff, {@code
 * Retry-After}, timeouts on headers and on stalled bodies, authentication and redirects that never carry
 * credentials to another origin.
 */
final class RegistryHttp implements Closeable {

    private static final int MAX_REDIRECTS = 5;
    private static final int ERROR_BODY_LIMIT = 16 * 1024;

    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    /** Retried overload answers and broken exchanges, for {@link RegistryClient#transientFailures()}. */
    private final AtomicLong transientFailures = new AtomicLong();
    /**
     * The shortest time any exchange took from sending to the answer's headers: a round trip to the registry (or the
     * storage it redirects to) plus its quickest work, measured on the path this client really takes (proxy
     * included).
     */
    private final AtomicLong quickestAnswerNanos = new AtomicLong(Long.MAX_VALUE);

    private final RegistryClientOptions options;
    private final ProgressListener listener;
    private final String description;
    private final URI base;
    private final ScheduledExecutorService scheduler;
    private final HttpTransport transport;
    private final RegistryAuth auth;

    RegistryHttp(RegistryClientOptions options, ProgressListener listener) {
        this.options = options;
        this.listener = listener;
        String scheme = options.plainHttp() ? "http" : "https";
        String apiHost = RegistryHosts.apiHost(options.host());
        this.description = "registry " + options.host() + " (" + scheme + ")";
        this.base = URI.create(scheme + "://" + apiHost + "/");
        int id = CLIENT_IDS.incrementAndGet();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("watchdog-" + id));
        // HTTP/1.1: each transfer has its own connection, so one stalled or reset blob cannot hold up others
        // multiplexed on a shared connection, and the stall guard's close ends exactly one exchange.
        this.transport = new HttpTransport(options, scheduler, DaemonThreads.named("registry-" + id));
        this.auth = new RegistryAuth(options, description, this);
    }

    String description() {
        return description;
    }

    /** The API root, {@code scheme://host[:port]/}. */
    URI base() {
        return base;
    }

    ProgressListener listener() {
        return listener;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The quickest answer so far (see {@link #quickestAnswerNanos}); empty before the first. */
    Optional<Duration> quickestAnswer() {
        long nanos = quickestAnswerNanos.get();
        return nanos == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
    }

    /**
     * Sends a request to the registry, authenticating as challenged and retrying transient failures. Returns the
     * response whatever its final status, except that exhausted retries and timeouts throw.
     */
    Response execute(Request request) {
        return executeWithRetries(request, null);
    }

    /**
     * Sends a request to a token service with a fixed {@code Authorization} value (or none): no registry
     * authentication, same retries.
     */
    Response executeUnauthenticated(Request request, String authorization) {
        return executeWithRetries(request, authorization == null ? "" : authorization);
    }

    // fixedAuthorization: null = registry authentication; "" = none; otherwise that header value.
    private Response executeWithRetries(Request request, String fixedAuthorization) {
        int maxAttempts = request.isOneShot() ? 1 : options.maxAttempts();
        for (int attempt = 1; ; attempt++) {
            Response response;
            try {
                response = fixedAuthorization == null
                        ? sendAuthenticated(request)
                        : send(request, fixedAuthorization.isEmpty() ? null : fixedAuthorization);
            } catch (IOException e) {
                if (!isRetryable(e) || attempt >= maxAttempts) {
                    throw ioFailure(request, attempt, e);
                }
                transientFailures.incrementAndGet();
                Duration wait = backoff(attempt);
                listener.debug(description + ": " + request.summary() + " failed ("
                        + e.getClass().getSimpleName() + "), retry " + attempt + " of " + (maxAttempts - 1) + " in "
                        + wait.toMillis() + " ms");
                sleep(wait);
                continue;
            }
            int status = response.status();
            if (status == 407) {
                response.close();
                throw proxyLoginRefused(request);
            }
            if (!isRetryableStatus(status)) {
                return response;
            }
            transientFailures.incrementAndGet();
            Optional<Duration> retryAfter = RetryAfter.of(response.headers());
            String detail = auth.masked(response.errorSummary());
            response.close();
            if (retryAfter.isPresent() && retryAfter.get().compareTo(options.maxRetryAfter()) > 0) {
                throw new RegistryException(
                        status,
                        capitalized(description) + " answered " + status + detail + " to " + request.summary()
                                + " and asked to retry after "
                                + retryAfter.get().toSeconds() + " s, longer than the "
                                + options.maxRetryAfter().toSeconds() + " s this client waits. "
                                + "The registry is rate-limiting or overloaded: try again later.",
                        null);
            }
            if (attempt >= maxAttempts) {
                throw new RegistryException(
                        status,
                        capitalized(description) + " answered " + status + detail + " to " + request.summary()
                                + " on all " + attempt + " attempts. Check the registry's health and "
                                + "logs, then run again.",
                        null);
            }
            Duration wait = backoff(attempt);
            if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
                wait = retryAfter.get();
            }
            listener.debug(description + ": " + request.summary() + " answered " + status + ", retry " + attempt
                    + " of " + (maxAttempts - 1) + " in " + wait.toMillis() + " ms");
            sleep(wait);
        }
    }

    /** How many exchanges so far were answered with overload or broke, and were retried or resumed. */
    long transientFailures() {
        return transientFailures.get();
    }

    /** Counts a body that broke and was resumed by its reader. */
    void brokenBody() {
        transientFailures.incrementAndGet();
    }

    /** The error body's summary with every credential this client holds masked (see {@link RegistryAuth#masked}). */
    String errorSummary(Response response) {
        return auth.masked(response.errorSummary());
    }

    private Response sendAuthenticated(Request request) throws IOException {
        String authorization = auth.cachedAuthorization(request.scopes());
        Response response = send(request, authorization);
        if (response.status() != 401 || request.isOneShot()) {
            return response;
        }
        List<AuthChallenge> challenges = AuthChallenge.parse(response.headers().allValues("WWW-Authenticate"));
        response.close();
        String answer = auth.answer(challenges, request, authorization);
        Response second = send(request, answer);
        if (second.status() == 401) {
            String detail = auth.masked(second.errorSummary());
            second.close();
            auth.forget(request.scopes());
            throw auth.rejected(request, detail);
        }
        return second;
    }

    /** One exchange, following redirects for GET and HEAD; Authorization stays with the registry's origin. */
    private Response send(Request request, String authorization) throws IOException {
        URI uri = request.uri();
        for (int hops = 0; ; hops++) {
            Map<String, String> headers = new LinkedHashMap<>(request.headers());
            if (authorization != null && sameOrigin(uri, request.uri())) {
                headers.put("Authorization", authorization);
            }
            long start = System.nanoTime();
            HttpTransport.Answer raw;
            try {
                raw = transport.send(request, uri, headers);
            } catch (IOException e) {
                if (hops == 0) {
                    throw e;
                }
                // The origin answered; the host it redirected to did not, and that host is the one to check.
                throw new RegistryException(
                        0,
                        capitalized(description) + " redirected " + request.summary() + " to " + uri.getScheme()
                                + "://" + uri.getAuthority() + ", which failed: " + e
                                + ". That host (the registry's storage backend) is unreachable or refused the"
                                + " connection from here; check the registry's storage redirect settings.",
                        e);
            }
            long took = System.nanoTime() - start;
            quickestAnswerNanos.accumulateAndGet(took, Math::min);
            listener.debug(description + ": " + request.method() + " " + withoutQuery(uri) + " -> " + raw.status()
                    + " (" + took / 1_000_000 + " ms)");
            Optional<String> location = raw.headers().firstValue("Location");
            boolean redirect = Set.of(301, 302, 303, 307, 308).contains(raw.status());
            if (redirect && request.followRedirects() && location.isPresent()) {
                raw.body().close();
                if (hops >= MAX_REDIRECTS) {
                    throw new RegistryException(
                            raw.status(),
                            capitalized(description) + " redirected "
                                    + request.summary() + " more than " + MAX_REDIRECTS + " times; check the registry's"
                                    + " storage redirect settings",
                            null);
                }
                uri = Redirects.target(
                        uri,
                        location.get(),
                        raw.status(),
                        capitalized(description) + " redirected " + request.summary());
                continue;
            }
            return new Response(raw.status(), raw.headers(), uri, guard(raw.body(), request));
        }
    }

    private InputStream guard(InputStream body, Request request) {
        return new StallGuardInputStream(body, options.requestTimeout(), scheduler, () -> stalled(request));
    }

    RegistryException stalled(Request request) {
        return new RegistryException(
                0,
                capitalized(description) + " stopped sending " + request.summary() + " for longer than "
                        + seconds(options.requestTimeout()) + ". Check the registry's health and the network"
                        + " path.",
                null);
    }

    private RegistryException ioFailure(Request request, int attempts, IOException e) {
        String tries = attempts > 1 ? " (" + attempts + " attempts)" : "";
        if (e instanceof HttpConnectTimeoutException) {
            return new RegistryException(
                    0,
                    "Could not connect to " + description + " for " + request.summary() + " within "
                            + seconds(options.connectTimeout()) + tries
                            + ". Check the host name, port and network path.",
                    e);
        }
        if (e instanceof HttpTimeoutException) {
            return new RegistryException(
                    0,
                    capitalized(description) + " did not answer " + request.summary() + " within "
                            + seconds(options.requestTimeout()) + ". Check the registry's health and the network"
                            + " path.",
                    e);
        }
        if (isTlsSetupFailure(e)) {
            return new HostUnreachableException(
                    request.uri().getAuthority(),
                    "TLS handshake with " + description + " failed for " + request.summary() + ": " + e.getMessage()
                            + ". If the registry's certificate comes from a private CA (or a proxy that intercepts"
                            + " TLS), set caFile to that CA's PEM file; if the registry has no TLS, list it in"
                            + " insecureRegistries.",
                    e);
        }
        boolean direct = options.proxy().proxyFor(request.uri()) == Proxy.NO_PROXY;
        if (direct && e instanceof ConnectException) {
            return new HostUnreachableException(
                    request.uri().getAuthority(),
                    "Cannot connect to " + description + " at " + request.uri().getAuthority() + " for "
                            + request.summary() + ": connection refused"
                            + ". Check the host, the port, and whether it belongs in insecureRegistries; if this"
                            + " machine reaches it only through a proxy, set the proxy (settings.xml <proxies>, or"
                            + " HTTPS_PROXY and NO_PROXY).",
                    e);
        }
        if (Connections.isUnreachable(e)) {
            return Connections.unreachable(
                    request.uri(), options.proxy(), e, request.summary() + " on " + description, false);
        }
        if (e instanceof InterruptedIOException) {
            return new RegistryException(0, "Interrupted while " + request.summary() + " on " + description, e);
        }
        return new RegistryException(
                0, "I/O failure talking to " + description + " for " + request.summary() + tries + ": " + e, e);
    }

    private HostUnreachableException proxyLoginRefused(Request request) {
        URI uri = request.uri();
        String via = options.proxy().describeRoute(uri);
        return new HostUnreachableException(
                uri.getAuthority(),
                "The " + (via.startsWith("through ") ? via.substring("through ".length()) : "proxy on the network path")
                        + " refused " + request.summary() + " on " + description
                        + " for want of a login (407): "
                        + (options.proxy().hasLogin(uri)
                                ? "check the proxy's <username> and <password> in settings.xml (or the user:password@"
                                        + " of HTTPS_PROXY / HTTP_PROXY)."
                                : "give the proxy's <username> and <password> in settings.xml, or user:password@ in"
                                        + " HTTPS_PROXY / HTTP_PROXY."),
                null);
    }

    private static boolean isRetryable(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return true;
        }
        int tunnel = Connections.tunnelStatus(e);
        if (tunnel > 0) {
            // A proxy that is overloaded may open the tunnel next time; one that refuses it will refuse it again.
            return tunnel == 503 || tunnel == 504;
        }
        // An unknown host, a refused connection or a failed handshake is the network path, not a passing fault.
        if (Connections.isUnreachable(e)) {
            return false;
        }
        // A registry that accepted the request and then said nothing for the whole timeout is unlikely to answer
        // the next one faster; retrying would multiply the wait.
        return !(e instanceof HttpTimeoutException || isTlsSetupFailure(e) || e instanceof InterruptedIOException);
    }

    // Certificate and protocol mismatches (e.g. HTTPS against a plain-HTTP port) are not transient.
    private static boolean isTlsSetupFailure(IOException e) {
        return e instanceof SSLHandshakeException
                || (e instanceof SSLException
                        && e.getMessage() != null
                        && e.getMessage().toLowerCase(Locale.ROOT).contains("unrecognized ssl message"));
    }

    private static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    private Duration backoff(int attempt) {
        long initial = options.initialBackoff().toMillis();
        long max = options.maxBackoff().toMillis();
        long exponential = attempt >= 31 ? max : Math.min(max, initial << (attempt - 1));
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.min(max, Math.round(exponential * jitter)));
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FalcoOfflineException("Interrupted while waiting to retry", e);
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Query strings of redirect targets carry signatures: never log them. */
    static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }

    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        transport.close();
    }

    /**
     * A request to the registry or its token service. Its body is a byte range, or a one-shot stream of known length
     * ({@link #streamed}): such a request is sent once, never retried, since the stream cannot be read again.
     */
    record Request(
            String method,
            URI uri,
            Map<String, String> headers,
            byte[] body,
            int bodyOffset,
            int bodyLength,
            InputStream stream,
            long streamLength,
            List<String> scopes,
            String subject,
            boolean followRedirects) {

        static Request of(String method, URI uri, String subject, List<String> scopes) {
            return new Request(method, uri, Map.of(), null, 0, 0, null, 0, List.copyOf(scopes), subject, false);
        }

        Request header(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Request(
                    method,
                    uri,
                    copy,
                    body,
                    bodyOffset,
                    bodyLength,
                    stream,
                    streamLength,
                    scopes,
                    subject,
                    followRedirects);
        }

        Request body(byte[] bytes, int offset, int length) {
            return new Request(method, uri, headers, bytes, offset, length, null, 0, scopes, subject, followRedirects);
        }

        Request streamed(InputStream content, long length) {
            return new Request(method, uri, headers, null, 0, 0, content, length, scopes, subject, followRedirects);
        }

        Request followingRedirects() {
            return new Request(
                    method, uri, headers, body, bodyOffset, bodyLength, stream, streamLength, scopes, subject, true);
        }

        Request withUri(URI other) {
            return new Request(
                    method,
                    other,
                    headers,
                    body,
                    bodyOffset,
                    bodyLength,
                    stream,
                    streamLength,
                    scopes,
                    subject,
                    followRedirects);
        }

        boolean isOneShot() {
            return stream != null;
        }

        /** E.g. {@code GET manifest falcosecurity/falco:0.44.0}. */
        String summary() {
            return method + " " + subject;
        }
    }

    /**
     * A response whose body fails instead of hanging when it stalls. Close it.
     *
     * @param uri the URI that answered, after redirects
     */
    record Response(int status, HttpHeaders headers, URI uri, InputStream body) implements Closeable {

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /**
         * Reads the whole body, refusing more than {@code limit} bytes.
         *
         * @throws IOException when the body is longer or the connection fails
         */
        byte[] readBody(int limit) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                if (out.size() + n > limit) {
                    throw new IOException("response body exceeds " + limit + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }

        /**
         * A short description of an error response for messages: the registry's OCI error codes and messages when
         * it sent some, otherwise nothing. Never throws.
         */
        String errorSummary() {
            byte[] bytes;
            try {
                bytes = readBody(ERROR_BODY_LIMIT);
            } catch (IOException | RuntimeException e) {
                return "";
            } finally {
                close();
            }
            try {
                JsonNode errors = Json.MAPPER.readTree(bytes).path("errors");
                List<String> parts = new ArrayList<>();
                for (JsonNode error : errors) {
                    String code = error.path("code").asString("");
                    String message = error.path("message").asString("");
                    parts.add((code + (message.isEmpty() ? "" : ": " + message)).trim());
                }
                String joined = String.join("; ", parts);
                if (joined.length() > 300) {
                    joined = joined.substring(0, 300) + "…";
                }
                return joined.isEmpty() ? "" : " (" + joined + ")";
            } catch (JacksonException | IllegalArgumentException e) {
                return "";
            }
        }

        String contentType() {
            return header("Content-Type")
                    .map(value -> {
                        int semicolon = value.indexOf(';');
                        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
                    })
                    .orElse("");
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // Nothing left to release.
            }
        }
    }
}
