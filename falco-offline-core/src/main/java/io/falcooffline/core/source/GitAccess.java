package io.falcooffline.core.source;

import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.mirror.RegistryAccess;
import java.io.InterruptedIOException;
import java.net.URISyntaxException;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The credentials for a git server: those configured for its host ({@code host[:port]}) in the registry settings,
 * sent over HTTPS, or over plain HTTP only when credentials over HTTP are allowed.
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
}
