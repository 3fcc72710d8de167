package io.falcooffline.core.net;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.HostUnreachableException;
import io.falcooffline.core.ProxySettings;
import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Every HTTP connection falco-offline opens goes through here: through the proxy {@link ProxySettings} chooses for
 * its URL, answering only that proxy's login challenge (never a server's, and never through the process-wide
 * {@link java.net.Authenticator}), and never when offline.
 *
 * <p>A proxy login over an HTTPS tunnel ({@code CONNECT}) with Basic authentication is refused by the JDK unless the
 * system property {@code jdk.http.auth.tunneling.disabledSchemes} leaves Basic out (its default is {@code Basic});
 * falco-offline does not change that process-wide property and says so when a tunnel is refused for it.
 */
public final class Connections {

    /** The header that carries a proxy login. */
    public static final String PROXY_AUTHORIZATION = "Proxy-Authorization";

    /** The JDK property that disables Basic proxy logins for HTTPS tunnels by default. */
    public static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    private static final Pattern TUNNEL_STATUS = Pattern.compile(
            "(?:Unable to tunnel through proxy.*?HTTP/1\\.[01] |Tunnel failed, got: )(\\d{3})", Pattern.DOTALL);

    private Connections() {}

    /**
     * Opens a connection to the URL through its proxy, with the proxy-only authenticator.
     *
     * @param offline whether the run may not connect: then this throws instead
     * @param what what the connection is for, in the offline message, e.g. {@code chart https://…}
     */
    public static HttpURLConnection open(URI uri, ProxySettings proxy, boolean offline, String what)
            throws IOException {
        requireOnline(offline, uri, what);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(proxy.proxyFor(uri));
        connection.setAuthenticator(proxy.proxyAuthenticator());
        proxyAuthorization(uri, proxy).ifPresent(value -> connection.setRequestProperty(PROXY_AUTHORIZATION, value));
        return connection;
    }

    /**
     * The {@code Proxy-Authorization} to send up front with a plain-HTTP request through a proxy with a login: a
     * request whose body is streamed cannot be sent again after a {@code 407}. Never for {@code https://}: those
     * headers travel inside the tunnel to the server, and the tunnel's own login is the authenticator's.
     */
    public static Optional<String> proxyAuthorization(URI uri, ProxySettings proxy) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || !proxy.hasLogin(uri)) {
            return Optional.empty();
        }
        InetSocketAddress address = (InetSocketAddress) proxy.proxyFor(uri).address();
        PasswordAuthentication login = Authenticator.requestPasswordAuthentication(
                proxy.proxyAuthenticator(),
                address.getHostString(),
                null,
                address.getPort(),
                "http",
                "",
                "basic",
                null,
                Authenticator.RequestorType.PROXY);
        if (login == null) {
            return Optional.empty();
        }
        String pair = login.getUserName() + ":" + new String(login.getPassword());
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sets the proxy on a {@code java.net.http} client, and the proxy-only authenticator when the proxy for {@code
     * target} has a login. Only then: that client answers a server's Basic challenge it cannot answer with an
     * exception instead of the {@code 401}.
     */
    public static HttpClient.Builder configure(HttpClient.Builder builder, ProxySettings proxy, URI target) {
        builder.proxy(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(proxy.proxyFor(uri));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // The failure reaches the caller, which reports it.
            }
        });
        return proxy.hasLogin(target) ? builder.authenticator(proxy.proxyAuthenticator()) : builder;
    }

    /**
     * Throws when offline.
     *
     * @throws FalcoOfflineException naming the host, what needed it and how to get it
     */
    public static void requireOnline(boolean offline, URI uri, String what) {
        if (offline) {
            throw new FalcoOfflineException("Offline (mvn -o): not connecting to " + authority(uri) + " for " + what
                    + ". Run once without -o so that the cache holds it, or set mirror=false to build the chart"
                    + " without the upstream registries.");
        }
    }

    /**
     * Whether a failure means the host (or the proxy) cannot be reached at all, as opposed to a transient failure:
     * an unknown host name, a refused connection, no route, a failed TLS handshake, a tunnel the proxy refused.
     */
    public static boolean isUnreachable(IOException e) {
        return e instanceof UnknownHostException
                || e instanceof ConnectException
                || e instanceof NoRouteToHostException
                || e instanceof SSLHandshakeException
                || (e instanceof SSLException
                        && e.getMessage() != null
                        && e.getMessage().toLowerCase(Locale.ROOT).contains("unrecognized ssl message"))
                || tunnelStatus(e) > 0;
    }

    /** The status the proxy answered to {@code CONNECT}, or 0 when the failure is no refused tunnel. */
    public static int tunnelStatus(IOException e) {
        Matcher matcher = TUNNEL_STATUS.matcher(String.valueOf(e.getMessage()));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    /**
     * The failure to reach a URL as a {@link HostUnreachableException} naming the host (or the proxy), the route
     * taken and the way around it.
     *
     * @param what what the connection was for, e.g. {@code GET manifest falcosecurity/falco:0.44.0}
     * @param upstreamAdvice whether to name the ways around an unreachable upstream ({@code registryMirrors},
     *     {@code mirror=false}); false for the internal registry
     */
    public static HostUnreachableException unreachable(
            URI uri, ProxySettings proxy, IOException e, String what, boolean upstreamAdvice) {
        String host = authority(uri);
        Proxy route = proxy.proxyFor(uri);
        String via = proxy.describeRoute(uri);
        int tunnel = tunnelStatus(e);
        if (tunnel == 407) {
            return new HostUnreachableException(
                    host,
                    "The " + via.substring("through ".length()) + " asks for a login to open the HTTPS tunnel to "
                            + host + " for " + what + ". "
                            + (proxy.hasLogin(uri)
                                    ? "The JDK sends a Basic proxy login through a tunnel only when the system"
                                            + " property " + TUNNELING_DISABLED_SCHEMES + " leaves Basic out: add -D"
                                            + TUNNELING_DISABLED_SCHEMES + "= to MAVEN_OPTS (or .mvn/jvm.config)."
                                    : "Give the proxy's <username> and <password> in settings.xml, or user:password@"
                                            + " in HTTPS_PROXY."),
                    e);
        }
        if (tunnel > 0) {
            return new HostUnreachableException(
                    host,
                    "The " + via.substring("through ".length()) + " refused the HTTPS tunnel to " + host + " for "
                            + what + " with HTTP " + tunnel + ". The proxy cannot or may not reach " + host
                            + ": check the host name and the proxy's allow-list."
                            + (upstreamAdvice ? advice(host) : ""),
                    e);
        }
        if (route != Proxy.NO_PROXY && !(e instanceof SSLException)) {
            InetSocketAddress address = (InetSocketAddress) route.address();
            return new HostUnreachableException(
                    address.getHostString() + ":" + address.getPort(),
                    "Cannot reach the " + via.substring("through ".length()) + " for " + what + " on " + host + ": "
                            + reason(e) + ". Check the proxy's host and port.",
                    e);
        }
        String reason = e instanceof SSLException
                ? "the TLS handshake failed (" + e.getMessage() + "); a proxy or firewall that intercepts TLS needs"
                        + " its CA in caFile"
                : reason(e);
        return new HostUnreachableException(
                host,
                "Cannot reach " + host + " " + via + " for " + what + ": " + reason + "."
                        + (upstreamAdvice ? advice(host) : " Check the host name, the port and the network path."),
                e);
    }

    /** How to get along without reaching an upstream host. */
    public static String advice(String host) {
        return " If this machine reaches " + host + " only through a proxy, set it (settings.xml <proxies>, or"
                + " HTTPS_PROXY and NO_PROXY); to read it through a registry cache inside the company, set"
                + " registryMirrors (e.g. docker.io=nexus.corp:8443/dockerhub,ghcr.io=nexus.corp:8443/ghcr); to write"
                + " the chart and the plan without copying anything, set mirror=false.";
    }

    /** Why a connection failed, in a few words, e.g. {@code the host name does not resolve}. */
    public static String reason(IOException e) {
        int tunnel = tunnelStatus(e);
        if (tunnel > 0) {
            return "the proxy refused the tunnel with HTTP " + tunnel;
        }
        if (e instanceof UnknownHostException || e.getCause() instanceof UnresolvedAddressException) {
            return "the host name does not resolve";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** {@code host[:port]} of a URI. */
    public static String authority(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }
}
