package io.falcooffline.core;

import io.falcooffline.core.net.ProxyBypass;
import io.falcooffline.core.net.ProxyRoute;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which HTTP proxy every connection falco-offline makes goes through (registries, their token services and blob
 * redirects, chart downloads, Helm repositories, the falcoctl index, git over HTTP): one proxy for {@code http://} and
 * one for {@code https://} URLs, each with its own bypass list and optional login. Immutable; {@link #toString()}
 * never shows a password.
 *
 * <p>When a request sets none, {@link #fromSystem()} applies: the JVM's {@code https.proxyHost} / {@code
 * http.proxyHost} properties when set, otherwise the environment ({@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code
 * NO_PROXY}, and their lower-case forms). The Maven plugin sets the active {@code <proxies>} of {@code settings.xml}
 * instead when there are any.
 */
public final class ProxySettings {

    private static final ProxySettings DIRECT = new ProxySettings(null, null);

    private final ProxyRoute http;
    private final ProxyRoute https;
    // One instance, so that the JDK's cache of proxy logins (kept per authenticator) spares later connections a 407.
    private final Authenticator authenticator;

    private ProxySettings(ProxyRoute http, ProxyRoute https) {
        this.http = http;
        this.https = https;
        this.authenticator = new ProxyOnlyAuthenticator(http, https);
    }

    /** No proxy: every connection goes direct. */
    public static ProxySettings direct() {
        return DIRECT;
    }

    /**
     * The proxies an environment names, read as curl and Go read them: {@code https_proxy} / {@code HTTPS_PROXY} for
     * {@code https://} URLs, {@code http_proxy} / {@code HTTP_PROXY} for {@code http://} URLs (each a {@code
     * http://[user:password@]host[:port]} URL, or {@code host:port}), and {@code no_proxy} / {@code NO_PROXY} for the
     * hosts reached directly (see {@code ProxyBypass}: domains with their subdomains, {@code *}, {@code host:port},
     * IP addresses and CIDR ranges). An {@code https://} URL goes direct when only {@code HTTP_PROXY} is set.
     *
     * @param environment the variables, e.g. {@code System.getenv()}
     * @throws InvalidRequestException naming the variable when its value is not a proxy URL
     */
    public static ProxySettings fromEnvironment(Map<String, String> environment) {
        Builder builder = builder();
        String noProxy =
                variable(environment, "no_proxy").map(Map.Entry::getValue).orElse("");
        variable(environment, "http_proxy")
                .ifPresent(found -> builder.proxyUrl("http", found.getValue(), noProxy, found.getKey()));
        variable(environment, "https_proxy")
                .ifPresent(found -> builder.proxyUrl("https", found.getValue(), noProxy, found.getKey()));
        return builder.build();
    }

    /**
     * The default when no setting is given: the JVM's proxy properties ({@code https.proxyHost}, {@code
     * https.proxyPort}, {@code http.proxyHost}, {@code http.proxyPort}, {@code http.nonProxyHosts}, as set with
     * {@code MAVEN_OPTS=-D…}) when either host is set, otherwise {@link #fromEnvironment} of this process.
     */
    public static ProxySettings fromSystem() {
        String httpHost = System.getProperty("http.proxyHost", "");
        String httpsHost = System.getProperty("https.proxyHost", "");
        if (httpHost.isBlank() && httpsHost.isBlank()) {
            return fromEnvironment(System.getenv());
        }
        String nonProxyHosts = System.getProperty("http.nonProxyHosts", "");
        Builder builder = builder();
        if (!httpHost.isBlank()) {
            builder.route(
                    "http",
                    httpHost,
                    port(System.getProperty("http.proxyPort"), 80, "http.proxyPort"),
                    null,
                    null,
                    ProxyBypass.nonProxyHosts(nonProxyHosts),
                    "-Dhttp.proxyHost");
        }
        if (!httpsHost.isBlank()) {
            builder.route(
                    "https",
                    httpsHost,
                    port(System.getProperty("https.proxyPort"), 443, "https.proxyPort"),
                    null,
                    null,
                    ProxyBypass.nonProxyHosts(nonProxyHosts),
                    "-Dhttps.proxyHost");
        }
        return builder.build();
    }

    /** A builder with no proxy set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether every connection goes direct. */
    public boolean isDirect() {
        return http == null && https == null;
    }

    /** The proxy a connection to this URL goes through, {@link Proxy#NO_PROXY} when it goes direct. */
    public Proxy proxyFor(URI uri) {
        return route(uri)
                .<Proxy>map(route ->
                        new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(route.host(), route.port())))
                .orElse(Proxy.NO_PROXY);
    }

    /**
     * For messages: {@code "through proxy proxy.corp:3128 (from HTTPS_PROXY)"} or {@code "directly (no proxy
     * set)"}, for a connection to this URL. Never shows a login.
     */
    public String describeRoute(URI uri) {
        Optional<ProxyRoute> route = route(uri);
        if (route.isPresent()) {
            return "through " + route.get().describe();
        }
        ProxyRoute configured = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        return configured == null ? "directly (no proxy set)" : "directly (" + configured.origin() + " bypass list)";
    }

    /**
     * An authenticator that answers only a proxy's challenge ({@code 407}), and only for one of these proxies that
     * has a login; a server's challenge ({@code 401}) gets no answer from it, so registry credentials stay with the
     * registry client. Set it on each connection, never as the process-wide default.
     */
    public Authenticator proxyAuthenticator() {
        return authenticator;
    }

    /** Whether the proxy for this URL asks for a login. */
    public boolean hasLogin(URI uri) {
        return route(uri).map(ProxyRoute::hasLogin).orElse(false);
    }

    private Optional<ProxyRoute> route(URI uri) {
        ProxyRoute route = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        return route == null || route.bypass().bypasses(uri) ? Optional.empty() : Optional.of(route);
    }

    @Override
    public String toString() {
        return isDirect() ? "ProxySettings[direct]" : "ProxySettings[http=" + http + ", https=" + https + "]";
    }

    private static Optional<Map.Entry<String, String>> variable(Map<String, String> environment, String lowerName) {
        for (String name : new String[] {lowerName, lowerName.toUpperCase(Locale.ROOT)}) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(Map.entry(name, value.strip()));
            }
        }
        return Optional.empty();
    }

    private static int port(String text, int defaultPort, String name) {
        if (text == null || text.isBlank()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidRequestException(name, "The proxy port " + name + "='" + text + "' is not a port number.");
    }

    /** Builds {@link ProxySettings}; the first proxy given for a protocol wins. */
    public static final class Builder {
        private ProxyRoute http;
        private ProxyRoute https;
        private ProxyRoute mavenHttp;

        private Builder() {}

        /**
         * A proxy as {@code settings.xml} describes one: used for URLs of {@code protocol} ({@code http} or {@code
         * https}); as in Maven, an {@code http} proxy also serves {@code https} URLs when no {@code https} proxy is
         * given.
         *
         * @param protocol {@code http} or {@code https}
         * @param host the proxy's host
         * @param port the proxy's port
         * @param username the login's user name, or null
         * @param password the login's password, or null
         * @param nonProxyHosts hosts reached directly, {@code |}-separated with {@code *} wildcards, or null
         * @param id the proxy's id, for messages
         * @throws InvalidRequestException when the protocol, host or port is not usable
         */
        public Builder proxy(
                String protocol,
                String host,
                int port,
                String username,
                String password,
                String nonProxyHosts,
                String id) {
            String origin = "settings.xml proxy " + (id == null || id.isBlank() ? host : id);
            String scheme = protocol == null || protocol.isBlank()
                    ? "http"
                    : protocol.strip().toLowerCase(Locale.ROOT);
            if (host == null || host.isBlank() || host.contains("/") || host.contains("@")) {
                throw new InvalidRequestException(
                        "proxies", "The " + origin + " has no usable <host> (a host name or address, no scheme).");
            }
            if (port < 1 || port > 65535) {
                throw new InvalidRequestException(
                        "proxies", "The " + origin + " has no usable <port>, got " + port + ".");
            }
            ProxyRoute route = new ProxyRoute(
                    host.strip(),
                    port,
                    blankToNull(username),
                    password,
                    ProxyBypass.nonProxyHosts(nonProxyHosts),
                    origin);
            if (scheme.equals("http") && mavenHttp == null) {
                mavenHttp = route;
            }
            return route(scheme, route, origin);
        }

        /**
         * A proxy given as a URL, as in {@code HTTPS_PROXY}: {@code http://[user:password@]host[:port]} (port 80
         * when left out) or {@code host:port}.
         *
         * @param protocol the URLs it serves: {@code http} or {@code https}
         * @param url the proxy URL; user and password percent-encoded
         * @param noProxy hosts reached directly, {@code NO_PROXY} syntax, or null
         * @param origin where the value came from, for messages, e.g. {@code HTTPS_PROXY}
         * @throws InvalidRequestException naming {@code origin} when the URL is not a plain-HTTP proxy URL
         */
        public Builder proxyUrl(String protocol, String url, String noProxy, String origin) {
            String text = url.strip();
            URI uri;
            try {
                uri = new URI(text.contains("://") ? text : "http://" + text);
            } catch (URISyntaxException e) {
                throw new InvalidRequestException(origin, origin + " is not a proxy URL: give http://host:port.");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") || uri.getHost() == null) {
                throw new InvalidRequestException(
                        origin,
                        origin + " must be http://[user:password@]host[:port], got " + withoutLogin(uri)
                                + (scheme.equals("http")
                                        ? ""
                                        : ": only proxies spoken to over plain HTTP are supported"
                                                + " (HTTPS is tunnelled through them with CONNECT)")
                                + ".");
            }
            String username = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String info = uri.getRawUserInfo();
                int colon = info.indexOf(':');
                username = decode(colon < 0 ? info : info.substring(0, colon));
                password = colon < 0 ? null : decode(info.substring(colon + 1));
            }
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            return route(
                    protocol.toLowerCase(Locale.ROOT),
                    new ProxyRoute(uri.getHost(), port, username, password, ProxyBypass.noProxy(noProxy), origin),
                    origin);
        }

        Builder route(
                String protocol,
                String host,
                int port,
                String username,
                String password,
                ProxyBypass bypass,
                String origin) {
            return route(protocol, new ProxyRoute(host.strip(), port, username, password, bypass, origin), origin);
        }

        private Builder route(String protocol, ProxyRoute route, String origin) {
            switch (protocol) {
                case "http" -> http = http == null ? route : http;
                case "https" -> https = https == null ? route : https;
                default ->
                    throw new InvalidRequestException(
                            "proxies",
                            "The " + origin + " is for protocol '" + protocol + "'; falco-offline uses http and https"
                                    + " proxies.");
            }
            return this;
        }

        /** Checks the settings and freezes them. */
        public ProxySettings build() {
            ProxyRoute httpsRoute = https != null ? https : mavenHttp;
            return http == null && httpsRoute == null ? DIRECT : new ProxySettings(http, httpsRoute);
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text;
        }

        private static String decode(String text) {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        private static String withoutLogin(URI uri) {
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }
    }

    /** Answers {@code 407} challenges of the configured proxies, nothing else. */
    private static final class ProxyOnlyAuthenticator extends Authenticator {
        private final ProxyRoute http;
        private final ProxyRoute https;

        ProxyOnlyAuthenticator(ProxyRoute http, ProxyRoute https) {
            this.http = http;
            this.https = https;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY) {
                return null;
            }
            for (ProxyRoute route : new ProxyRoute[] {https, http}) {
                if (route != null
                        && route.hasLogin()
                        && route.host().equalsIgnoreCase(getRequestingHost())
                        && route.port() == getRequestingPort()) {
                    return new PasswordAuthentication(
                            route.username(), route.password().toCharArray());
                }
            }
            return null;
        }
    }
}
