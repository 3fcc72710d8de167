package io.falcooffline.core.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * Finds out which protocol a registry port speaks, with an anonymous {@code GET /v2/}: any answer of the registry
 * API (200, or 401 asking for a login) proves the protocol, a TLS handshake that a trust-everything client completes
 * proves HTTPS, and a certificate the given trust refuses is told apart from a port without TLS. Sends no
 * credential, and nothing but that request and a bare handshake.
 */
public final class RegistryProbe {

    private static final int MAX_ERROR_BYTES = 4096;

    /** What the probe found. */
    public enum Outcome {
        /** The registry API answered over the protocol asked for, with the trust given. */
        ANSWERS,
        /** Plain HTTP was asked for, but the port speaks TLS. */
        SPEAKS_HTTPS,
        /** HTTPS was asked for, but the port answers plain HTTP. */
        SPEAKS_PLAIN_HTTP,
        /** The port speaks TLS, but the trust given refuses its certificate (unknown CA, wrong host name). */
        UNTRUSTED_CERTIFICATE,
        /** Nothing answered: refused, unresolvable, timed out. */
        UNREACHABLE,
        /** Something answered over the protocol asked for, but not the registry API. */
        NOT_A_REGISTRY
    }

    /**
     * The probe's finding.
     *
     * @param outcome what it found
     * @param status the HTTP status of {@code GET /v2/}, or 0 when none came
     * @param detail the underlying error or answer, for messages; never a credential
     */
    public record Result(Outcome outcome, int status, String detail) {}

    private RegistryProbe() {}

    /**
     * Probes a registry.
     *
     * @param host {@code host[:port]}
     * @param plainHttp whether to expect plain HTTP
     * @param trust the TLS trust to check the certificate with, asked for only when HTTPS is expected
     * @param timeout connect and read time-out of each step
     */
    public static Result probe(String host, boolean plainHttp, Supplier<SSLContext> trust, Duration timeout) {
        String apiHost = RegistryHosts.apiHost(host);
        return plainHttp ? probePlain(apiHost, timeout) : probeTls(apiHost, trust.get(), timeout);
    }

    private static Result probePlain(String host, Duration timeout) {
        try {
            int status = get(URI.create("http://" + host + "/v2/"), null, timeout);
            if (answersApi(status)) {
                return new Result(Outcome.ANSWERS, status, "");
            }
            // A TLS server answers plain HTTP with 400 (Go, nginx); take the handshake as the proof.
            return handshakes(host, timeout)
                    ? new Result(Outcome.SPEAKS_HTTPS, status, "HTTP " + status + " to plain HTTP")
                    : new Result(Outcome.NOT_A_REGISTRY, status, "HTTP " + status);
        } catch (IOException e) {
            if (unreachable(e)) {
                return new Result(Outcome.UNREACHABLE, 0, describe(e));
            }
            return handshakes(host, timeout)
                    ? new Result(Outcome.SPEAKS_HTTPS, 0, describe(e))
                    : new Result(Outcome.NOT_A_REGISTRY, 0, describe(e));
        }
    }

    private static Result probeTls(String host, SSLContext trust, Duration timeout) {
        try {
            int status = get(URI.create("https://" + host + "/v2/"), trust, timeout);
            return answersApi(status)
                    ? new Result(Outcome.ANSWERS, status, "")
                    : new Result(Outcome.NOT_A_REGISTRY, status, "HTTP " + status);
        } catch (IOException e) {
            if (unreachable(e)) {
                return new Result(Outcome.UNREACHABLE, 0, describe(e));
            }
            if (e instanceof SSLHandshakeException && handshakes(host, timeout)) {
                return new Result(Outcome.UNTRUSTED_CERTIFICATE, 0, describe(e));
            }
            if (e instanceof SSLException) {
                try {
                    int status = get(URI.create("http://" + host + "/v2/"), null, timeout);
                    if (answersApi(status)) {
                        return new Result(Outcome.SPEAKS_PLAIN_HTTP, status, describe(e));
                    }
                } catch (IOException plainFailed) {
                    // Neither protocol: report the TLS failure below.
                }
            }
            return new Result(Outcome.NOT_A_REGISTRY, 0, describe(e));
        }
    }

    /** 200 without a login, 401 asking for one: both are the distribution API speaking. */
    private static boolean answersApi(int status) {
        return status == 200 || status == 401;
    }

    private static int get(URI uri, SSLContext trust, Duration timeout) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(trust.getSocketFactory());
        }
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        try {
            int status = connection.getResponseCode();
            drain(status >= 400 ? connection.getErrorStream() : connection.getInputStream());
            return status;
        } finally {
            connection.disconnect();
        }
    }

    private static void drain(InputStream body) throws IOException {
        if (body != null) {
            try (body) {
                body.readNBytes(MAX_ERROR_BYTES);
            }
        }
    }

    /** Whether the port completes a TLS handshake with a client that accepts any certificate. */
    private static boolean handshakes(String host, Duration timeout) {
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > 0 && !host.endsWith("]");
        String name = hasPort ? host.substring(0, colon) : host;
        int port = hasPort ? Integer.parseInt(host.substring(colon + 1)) : 443;
        if (name.startsWith("[")) {
            name = name.substring(1, name.length() - 1);
        }
        try (SSLSocket socket =
                (SSLSocket) TlsTrust.trustingEverything().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(name, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.startHandshake();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean unreachable(IOException e) {
        return e instanceof ConnectException
                || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException
                || (e instanceof SocketTimeoutException
                        && String.valueOf(e.getMessage()).contains("connect"));
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
