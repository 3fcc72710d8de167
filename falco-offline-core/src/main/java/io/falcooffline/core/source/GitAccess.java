package io.falcooffline.core.source;

import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.mirror.RegistryAccess;
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
}
