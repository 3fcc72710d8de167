package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.io.ByteBoundedInputStream;
import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.net.Connections;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.oci.registry.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.net.ssl.HttpsURLConnection;

/**
 * Downloads from Helm repositories and chart URLs: redirects followed, size bounded, every read (headers and each
 * part of the body) bounded by the request timeout, the host's credentials sent as
 * Basic authentication over HTTPS (over plain HTTP only when allowed), never along a redirect to another host. Goes
 * through the proxy of the registry settings; offline, connects nowhere.
 */
final class SourceHttp {

    private final RegistryAccess access;
    private final ProgressListener listener;

    SourceHttp(SourceOptions options, RegistryAccess access, ProgressListener listener) {
        this.access = access;
        this.listener = listener;
    }

    /**
     * The body of a GET.
     *
     * @param what names the download in messages, e.g. {@code index.yaml of https://…}
     * @throws SourceUnreachableException when the host cannot be reached
     * @throws ChartSourceException when the server answers other than 200 or sends more than {@code maxBytes}
     */
    byte[] get(URI uri, long maxBytes, String what) {
        return get(uri, maxBytes, what, InputStream::readAllBytes);
    }

    /** Reads the body of a response, already bounded. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    /**
     * The body of a GET, given to a reader as a stream, e.g. to store a large index without holding it in memory.
     *
     * @throws SourceUnreachableException when the host cannot be reached or the body stops coming
     * @throws ChartSourceException when the server answers other than 200 or sends more than {@code maxBytes}
     */
    <T> T get(URI uri, long maxBytes, String what, BodyReader<T> reader) {
        requireHttp(uri, what, "is at");
        Connections.requireOnline(access.offline(), uri, what);
        RegistryClientOptions hostOptions = access.clientOptions(authority(uri));
        try {
            URI current = uri;
            for (int redirects = 0; redirects <= 10; redirects++) {
                // One connection per hop, each through the proxy for its own URL, answering only that proxy's login.
                HttpURLConnection connection = Connections.open(current, access.proxy(), access.offline(), what);
                if (connection instanceof HttpsURLConnection https) {
                    https.setSSLSocketFactory(TlsTrust.sslContext(hostOptions).getSocketFactory());
                }
                connection.setInstanceFollowRedirects(false);
                connection.setUseCaches(false);
                connection.setConnectTimeout(
                        Math.toIntExact(hostOptions.connectTimeout().toMillis()));
                connection.setReadTimeout(
                        Math.toIntExact(hostOptions.requestTimeout().toMillis()));
                boolean sameHost = authority(current).equalsIgnoreCase(authority(uri));
                if (sameHost && ("https".equalsIgnoreCase(current.getScheme()) || access.allowCredentialsOverHttp())) {
                    hostOptions
                            .credentials()
                            .filter(c -> !c.isIdentityToken())
                            .ifPresent(c -> connection.setRequestProperty("Authorization", basic(c)));
                }
                listener.debug("GET " + withoutQuery(current));
                int status = connection.getResponseCode();
                String location = connection.getHeaderField("Location");
                if (status / 100 == 3 && location != null) {
                    connection.disconnect();
                    URI from = current;
                    current = current.resolve(location);
                    requireHttp(current, what, "was redirected by " + withoutQuery(from) + " to");
                    continue;
                }
                InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
                try (InputStream body = stream == null ? InputStream.nullInputStream() : stream) {
                    if (status != 200) {
                        throw new ChartSourceException("Downloading " + what + " from " + withoutQuery(current)
                                + " failed: the server answered " + status + hint(status));
                    }
                    if (connection.getContentLengthLong() > maxBytes) {
                        // Refused before a byte of the body is read; a body without a length is counted as it comes.
                        throw tooLarge(what, maxBytes);
                    }
                    return reader.read(new ByteBoundedInputStream(body, maxBytes, () -> tooLarge(what, maxBytes)));
                }
            }
            throw new ChartSourceException(
                    "Downloading " + what + " from " + withoutQuery(uri) + " failed: more than 10 redirects.");
        } catch (InterruptedIOException e) {
            throw new SourceUnreachableException(
                    "Downloading " + what + " from " + withoutQuery(uri) + " timed out: no byte came for "
                            + hostOptions.requestTimeout().toSeconds() + " s (connect time-out "
                            + hostOptions.connectTimeout().toSeconds() + " s). Check the network or proxy.",
                    e);
        } catch (IllegalArgumentException e) {
            throw new ChartSourceException(
                    "Downloading " + what + " from " + withoutQuery(uri) + " failed: the server redirected to an"
                            + " invalid URL.",
                    e);
        } catch (IOException e) {
            if (Connections.isUnreachable(e)) {
                throw new SourceUnreachableException(
                        "Cannot reach " + withoutQuery(uri) + " "
                                + access.proxy().describeRoute(uri) + " for " + what + ": " + Connections.reason(e),
                        e);
            }
            throw new SourceUnreachableException(
                    "Cannot reach " + withoutQuery(uri) + " " + access.proxy().describeRoute(uri) + " for " + what
                            + ": " + e,
                    e);
        }
    }

    /** Only http(s) URLs with a host are fetched: a file:, ftp: or jar: URL would read elsewhere or fail raw. */
    private static void requireHttp(URI uri, String what, String how) {
        boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        if (!http || uri.getHost() == null) {
            throw new ChartSourceException(what + " " + how + " " + SafeText.quote(withoutQuery(uri)) + ", which is"
                    + " not an http(s) URL with a host; falco-offline downloads charts and indexes only over http(s)."
                    + " Fix the URL in the repository's index.yaml or the server's redirect, or give the chart's"
                    + " http(s) URL or a local file instead.");
        }
    }

    private static ChartSourceException tooLarge(String what, long maxBytes) {
        return new ChartSourceException(what + " is larger than " + maxBytes + " bytes ("
                + maxBytes / (1024 * 1024) + " MiB); this is not a chart or index falco-offline reads. Check the"
                + " URL, or give the chart's own URL or a local file instead.");
    }

    private static String basic(RegistryCredentials credentials) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((credentials.username() + ":" + credentials.password())
                                .getBytes(StandardCharsets.UTF_8));
    }

    private static String hint(int status) {
        return switch (status) {
            case 401, 403 -> " (add credentials for the host to settings.xml as a <server> whose id is the host)";
            case 404 -> " (check the URL)";
            case 407 ->
                " (the proxy asks for a login: give its <username> and <password> in settings.xml, or user:password@"
                        + " in HTTPS_PROXY)";
            default -> "";
        };
    }

    static String authority(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    static String withoutQuery(URI uri) {
        return SafeText.urlWithoutSecrets(uri);
    }
}
