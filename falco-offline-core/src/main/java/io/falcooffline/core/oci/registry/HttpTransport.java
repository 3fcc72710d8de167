package io.falcooffline.core.oci.registry;

import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.net.Connections;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 exchange with a registry. Every method but {@code PATCH} goes over a blocking {@link HttpURLConnection}:
 * bytes move between the caller's buffer and the socket with no intermediate copies or thread hand-offs, which halves
 * the CPU a streamed blob costs compared with {@code java.net.http.HttpClient}, and keeps idle connections for reuse.
 * {@code PATCH}, which {@code HttpURLConnection} refuses, is sent with an {@code HttpClient} made on first use.
 *
 * <p>Both go through the proxy {@link RegistryClientOptions#proxy()} chooses for each URL (the registry, its token
 * service, the storage a blob redirects to), and answer only that proxy's login challenge: registry credentials are
 * {@link RegistryAuth}'s alone, so neither an {@link Authenticator} the embedding process installed nor the proxy's
 * login ever sees a registry's challenge. Offline, nothing is sent.
 */
final class HttpTransport implements Closeable {

    /** What the server answered; close the body. */
    record Answer(int status, HttpHeaders headers, InputStream body) {}

    private static final int COPY_BUFFER = 256 * 1024;

    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final SSLContext tlsContext;
    private final SSLSocketFactory tls;
    private final ScheduledExecutorService scheduler;
    private final ThreadFactory threads;
    private final ProxySettings proxy;
    private final boolean offline;
    private final URI base;
    private final Object patchClientLock = new Object();
    private HttpClient patchClient;
    private ExecutorService patchExecutor;

    HttpTransport(RegistryClientOptions options, ScheduledExecutorService scheduler, ThreadFactory threads) {
        this.connectTimeout = options.connectTimeout();
        this.requestTimeout = options.requestTimeout();
        this.tlsContext = options.plainHttp() ? null : TlsTrust.sslContext(options);
        this.tls = tlsContext == null ? null : tlsContext.getSocketFactory();
        this.scheduler = scheduler;
        this.threads = threads;
        this.proxy = options.proxy();
        this.offline = options.offline();
        this.base = URI.create(
                (options.plainHttp() ? "http" : "https") + "://" + RegistryHosts.apiHost(options.host()) + "/");
    }

    /**
     * Sends the request to {@code uri} with exactly {@code headers}.
     *
     * @throws HttpConnectTimeoutException when no connection was made within the connect timeout
     * @throws HttpTimeoutException when the server stopped reading the body or did not answer within the request
     *     timeout
     */
    Answer send(RegistryHttp.Request request, URI uri, Map<String, String> headers) throws IOException {
        if (offline) {
            throw new RegistryException(
                    0,
                    "Offline (mvn -o): not connecting to " + uri.getAuthority() + " for " + request.summary()
                            + ". Run without -o, or set mirror=false to build the chart without the registries.",
                    null);
        }
        return request.method().equals("PATCH")
                ? sendWithHttpClient(request, uri, headers)
                : sendBlocking(request, uri, headers);
    }

    private Answer sendBlocking(RegistryHttp.Request request, URI uri, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = Connections.open(uri, proxy, offline, request.summary());
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls);
        }
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
        // Also the stall limit: no read, of headers or of the body, waits longer than this for a byte.
        connection.setReadTimeout(Math.toIntExact(requestTimeout.toMillis()));
        connection.setRequestMethod(request.method());
        headers.forEach(connection::setRequestProperty);
        long bodyLength =
                request.isOneShot() ? request.streamLength() : request.body() == null ? 0 : request.bodyLength();
        boolean sendsBody = request.isOneShot()
                || request.body() != null
                || !List.of("GET", "HEAD", "DELETE").contains(request.method());
        if (sendsBody) {
            connection.setDoOutput(true);
            // Never buffered in memory: the body goes to the socket as it is written.
            connection.setFixedLengthStreamingMode(bodyLength);
        }
        try {
            connection.connect();
        } catch (SocketTimeoutException e) {
            throw connectTimedOut(uri, e);
        }
        try {
            if (sendsBody) {
                try (OutputStream out = connection.getOutputStream()) {
                    if (request.isOneShot()) {
                        copyWatched(request.stream(), out, connection, uri);
                    } else if (request.body() != null) {
                        out.write(request.body(), request.bodyOffset(), request.bodyLength());
                    }
                }
            }
            int status = connection.getResponseCode();
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            // Closing a body returns its connection to the JDK's keep-alive pool, which drains a short remainder
            // and drops a connection with a long one.
            HttpHeaders answered = headersOf(connection);
            if (body == null) {
                return new Answer(status, answered, InputStream.nullInputStream());
            }
            long expected = request.method().equals("HEAD")
                    ? -1
                    : answered.firstValueAsLong("Content-Length").orElse(-1);
            return new Answer(status, answered, expected < 0 ? body : new FullLengthBody(body, expected));
        } catch (SocketTimeoutException e) {
            connection.disconnect();
            throw answerTimedOut(uri, e);
        } catch (IOException | RuntimeException e) {
            connection.disconnect();
            throw e;
        }
    }

    /**
     * Copies a streamed body into the connection. A blocked socket write has no timeout of its own, so a watchdog
     * closes the connection when one write makes no progress for the request timeout: a target that stops reading
     * fails the upload instead of holding it forever.
     */
    private void copyWatched(InputStream in, OutputStream out, HttpURLConnection connection, URI uri)
            throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        // Closing the socket wakes up the blocked writer.
        try (StallWatch watch = new StallWatch(requestTimeout, scheduler, connection::disconnect)) {
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    watch.begin();
                    out.write(buffer, 0, n);
                    watch.end();
                }
            } catch (IOException e) {
                if (watch.stalled()) {
                    HttpTimeoutException timeout = new HttpTimeoutException("stopped reading the upload to "
                            + RegistryHttp.withoutQuery(uri) + " for longer than "
                            + RegistryHttp.seconds(requestTimeout));
                    timeout.initCause(e);
                    throw timeout;
                }
                throw e;
            }
        }
    }

    private Answer sendWithHttpClient(RegistryHttp.Request request, URI uri, Map<String, String> headers)
            throws IOException {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri).timeout(requestTimeout).method(request.method(), chunkPublisher(request));
        headers.forEach(builder::header);
        Connections.proxyAuthorization(uri, proxy)
                .ifPresent(value -> builder.header(Connections.PROXY_AUTHORIZATION, value));
        try {
            HttpResponse<InputStream> response =
                    patchClient().send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for " + uri.getAuthority());
        }
    }

    /** A {@code PATCH} carries one chunk of a resumable upload, always a byte range of a buffer. */
    private static HttpRequest.BodyPublisher chunkPublisher(RegistryHttp.Request request) {
        if (request.body() == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        // ofByteArray copies the whole range up front; streaming it keeps one copy of a chunk in memory.
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(request.body(), request.bodyOffset(), request.bodyLength())),
                request.bodyLength());
    }

    private HttpClient patchClient() {
        synchronized (patchClientLock) {
            if (patchClient == null) {
                patchExecutor = Executors.newCachedThreadPool(threads);
                HttpClient.Builder builder = Connections.configure(HttpClient.newBuilder(), proxy, base)
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(connectTimeout)
                        .executor(patchExecutor);
                if (tlsContext != null) {
                    builder.sslContext(tlsContext);
                }
                patchClient = builder.build();
            }
            return patchClient;
        }
    }

    private static HttpHeaders headersOf(HttpURLConnection connection) {
        Map<String, List<String>> named = new LinkedHashMap<>();
        connection.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                named.put(name, values);
            }
        });
        return HttpHeaders.of(named, (name, value) -> true);
    }

    private HttpConnectTimeoutException connectTimedOut(URI uri, SocketTimeoutException cause) {
        HttpConnectTimeoutException timeout = new HttpConnectTimeoutException(
                "no connection to " + uri.getAuthority() + " within " + RegistryHttp.seconds(connectTimeout));
        timeout.initCause(cause);
        return timeout;
    }

    private HttpTimeoutException answerTimedOut(URI uri, SocketTimeoutException cause) {
        HttpTimeoutException timeout = new HttpTimeoutException(
                "no answer from " + uri.getAuthority() + " within " + RegistryHttp.seconds(requestTimeout));
        timeout.initCause(cause);
        return timeout;
    }

    @Override
    public void close() {
        synchronized (patchClientLock) {
            if (patchExecutor != null) {
                patchExecutor.shutdownNow();
            }
        }
    }

    /**
     * A body of announced length that fails when the connection ends early: {@code HttpURLConnection} reports that
     * as a normal end of stream, and a resumable download must tell the two apart.
     */
    private static final class FullLengthBody extends FilterInputStream {
        private final long expected;
        private long received;

        FullLengthBody(InputStream body, long expected) {
            super(body);
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            received += skipped;
            return skipped;
        }

        private void count(int n) throws IOException {
            if (n >= 0) {
                received += n;
            } else if (received < expected) {
                throw new EOFException("connection closed after " + received + " of " + expected + " bytes");
            }
        }
    }
}
