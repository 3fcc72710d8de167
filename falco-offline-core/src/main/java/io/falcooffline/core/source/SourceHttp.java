package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.mirror.RegistryAccess;
import io.falcooffline.core.mirror.oci.RegistryClientOptions;
import io.falcooffline.core.mirror.oci.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Downloads from Helm repositories and chart URLs: redirects followed, size bounded, the host's credentials sent as
 * Basic authentication over HTTPS (over plain HTTP only when allowed), never along a redirect to another host.
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
        RegistryClientOptions hostOptions = access.clientOptions(authority(uri));
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(hostOptions.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            builder.sslContext(TlsTrust.sslContext(hostOptions));
        }
        HttpClient client = builder.build();
        try {
            URI current = uri;
            for (int redirects = 0; redirects <= 10; redirects++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(current)
                        .timeout(hostOptions.requestTimeout())
                        .GET();
                boolean sameHost = authority(current).equalsIgnoreCase(authority(uri));
                if (sameHost && ("https".equalsIgnoreCase(current.getScheme()) || access.allowCredentialsOverHttp())) {
                    hostOptions
                            .credentials()
                            .filter(c -> !c.isIdentityToken())
                            .ifPresent(c -> request.header("Authorization", basic(c)));
                }
                listener.debug("GET " + withoutQuery(current));
                HttpResponse<InputStream> response =
                        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status / 100 == 3
                        && response.headers().firstValue("Location").isPresent()) {
                    response.body().close();
                    current = current.resolve(
                            response.headers().firstValue("Location").get());
                    continue;
                }
                try (InputStream body = response.body()) {
                    if (status != 200) {
                        throw new ChartSourceException("Downloading " + what + " from " + withoutQuery(current)
                                + " failed: the server answered " + status + hint(status));
                    }
                    return readBounded(body, maxBytes, what);
                }
            }
            throw new ChartSourceException(
                    "Downloading " + what + " from " + withoutQuery(uri) + " failed: more than 10 redirects.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChartSourceException("Interrupted while downloading " + what, e);
        } catch (InterruptedIOException e) {
            throw new SourceUnreachableException(
                    "Downloading " + what + " from " + withoutQuery(uri) + " timed out: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SourceUnreachableException("Cannot reach " + withoutQuery(uri) + " for " + what + ": " + e, e);
        }
    }

    private static byte[] readBounded(InputStream body, long maxBytes, String what) throws IOException {
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new ChartSourceException(
                    what + " is larger than " + maxBytes + " bytes; this is not a chart or index falco-offline reads.");
        }
        return bytes;
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
