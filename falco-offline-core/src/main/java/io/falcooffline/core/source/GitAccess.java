package io.falcooffline.core.source;

import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.oci.registry.RegistryAccess;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Optional;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;

/**
 * The credentials for a git server: those configured for its host ({@code host[:port]}) in the registry settings,
 * sent over HTTPS, or over plain HTTP only when credentials over HTTP are allowed; and the proxy git over HTTP(S)
 * goes through.
 */
public final class GitAccess {

    private GitAccess() {}

    /** A JGit credentials provider for the URL, or null for anonymous access. */
    public static CredentialsProvider credentials(String url, RegistryAccess access) {
        URIish uri;
        try {
            uri = new URIish(url);
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getHost() == null) {
            return null;
        }
        String host = uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        Optional<RegistryCredentials> found =
                Optional.ofNullable(access.credentials().get(RegistryAccess.hostKey(host)));
        boolean secure = "https".equals(uri.getScheme()) || "ssh".equals(uri.getScheme());
        if (found.isEmpty() || (!secure && !access.allowCredentialsOverHttp())) {
            return null;
        }
        return new UsernamePasswordCredentialsProvider(
                found.get().username(), found.get().password());
    }

    /**
     * The deadline of every git network read, in seconds: the request timeout of the registry settings. JGit applies
     * it to each read and write of a transport, so a server that stops answering fails the run.
     */
    public static int timeoutSeconds(RegistryAccess access) {
        return (int)
                Math.max(1, Math.min(Integer.MAX_VALUE, access.requestTimeout().toSeconds()));
    }

    /** Whether a git failure was a time-out. */
    public static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedIOException
                    || String.valueOf(cause.getMessage())
                            .toLowerCase(java.util.Locale.ROOT)
                            .contains("timed out")
                    || String.valueOf(cause.getMessage())
                            .toLowerCase(java.util.Locale.ROOT)
                            .contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Points JGit's HTTP transport of one command at the proxy {@link ProxySettings} chooses for each URL, instead of
     * the JVM's default proxy selector. The setting is the transport's own: no JVM-global state changes. JGit opens
     * its connections without a per-connection authenticator, so a proxy login is not sent on git's behalf.
     */
    public static TransportConfigCallback transport(RegistryAccess access) {
        ProxySettings proxy = access.proxy();
        return transport -> {
            if (transport instanceof TransportHttp http) {
                http.setHttpConnectionFactory(new ProxiedConnections(http.getHttpConnectionFactory(), proxy));
            }
        };
    }

    /** JGit's connection factory with the proxy chosen by the settings; sessions as the wrapped factory makes them. */
    private record ProxiedConnections(HttpConnectionFactory delegate, ProxySettings proxy)
            implements HttpConnectionFactory2 {

        @Override
        public HttpConnection create(URL url) throws IOException {
            return delegate.create(url, proxyFor(url));
        }

        @Override
        public HttpConnection create(URL url, Proxy ignored) throws IOException {
            return delegate.create(url, proxyFor(url));
        }

        @Override
        public GitSession newSession() {
            return delegate instanceof HttpConnectionFactory2 sessions
                    ? sessions.newSession()
                    : new GitSession() {
                        @Override
                        public HttpConnection configure(HttpConnection connection, boolean sslVerify) {
                            return connection;
                        }

                        @Override
                        public void close() {
                            // Nothing held.
                        }
                    };
        }

        private Proxy proxyFor(URL url) throws IOException {
            try {
                return proxy.proxyFor(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("Not a URL: " + url.getProtocol() + "://" + url.getHost(), e);
            }
        }
    }
}
