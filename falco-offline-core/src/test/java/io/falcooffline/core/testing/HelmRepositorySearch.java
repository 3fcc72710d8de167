package io.falcooffline.core.testing;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.SearchResult;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * What Helm itself finds in a chart repository: {@code helm repo add} under a name of its own, then {@code helm search
 * repo}, with a repository configuration of the test's own so that the user's is never read or written.
 *
 * @param name the name the repository was added under; search results are named {@code <name>/<chart>}
 * @param found the charts Helm found for the keyword
 */
public record HelmRepositorySearch(String name, List<SearchResult> found) {

    /** Adds the repository at {@code url} and searches it for {@code keyword}. */
    public static HelmRepositorySearch of(Path workDirectory, URI url, String keyword) {
        Path repositories = workDirectory.resolve("repositories.yaml");
        String name = "falco-offline-test-" + url.getPort();
        Helm.repo()
                .add()
                .withRepositoryConfig(repositories)
                .withName(name)
                .withUrl(url)
                .call();
        List<SearchResult> found = Helm.search()
                .repo()
                .withRepositoryConfig(repositories)
                .withKeyword(keyword)
                .call();
        return new HelmRepositorySearch(name, found);
    }
}
