package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.falcooffline.core.ChartSource;
import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.GitRepositories;
import io.falcooffline.core.testing.GitSmartHttp;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.StaticHttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartSourcesTest {

    private static final List<String> VERSIONS = List.of("1.2.3", "1.2.10", "1.3.0", "2.0.0", "2.1.0-rc.1");

    private static final RegistryAccess NO_ACCESS = RegistryAccess.builder().build();

    @TempDir
    Path temp;

    private final List<String> warnings = new ArrayList<>();
    private final ProgressListener listener = (level, message) -> {
        if (level == ProgressListener.Level.WARN) {
            warnings.add(message);
        }
    };

    private SourceOptions options() {
        return SourceOptions.builder().cacheDirectory(temp.resolve("cache")).build();
    }

    /** A connection that may not connect, as under {@code mvn -o}. */
    private static RegistryAccess offline() {
        RegistryAccess.Builder access = RegistryAccess.builder();
        access.offline(true);
        return access.build();
    }

    private List<Path> repository() {
        return TestChartRepository.write(temp.resolve("repo"), TestCharts.lighthouse(), VERSIONS);
    }

    @Test
    void localArchiveGivesItsDigestAndTheChartFromOneRead() {
        Path archive = repository().get(0);

        ResolvedChart resolved = ChartSources.resolve(ChartSource.local(archive), options(), offline(), listener);

        assertThat(resolved.digest()).isEqualTo(Digests.sha256(TestChartRepository.bytes(archive)));
        assertThat(resolved.reference()).isEqualTo("local lighthouse 1.2.3");
        Chart read = resolved.chart().orElseThrow();
        assertThat(read).isEqualTo(new ChartReader().read(archive));
        assertThat(resolved.read()).isSameAs(read);
        assertThat(new ResolvedChart(archive, "lighthouse", resolved.digest()).read())
                .as("a chart resolving did not read is read from its path")
                .isEqualTo(read);
    }

    @Test
    void urlWithSha256IsDownloadedOnceAndThenComesFromTheCacheOfflineToo() {
        Path archive = repository().get(0);
        String sha = Digests.sha256(TestChartRepository.bytes(archive));
        ChartSource source;
        ResolvedChart first;
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            source = ChartSource.url(server.uri() + "/lighthouse-1.2.3.tgz", sha.substring("sha256:".length()));
            first = ChartSources.resolve(source, options(), NO_ACCESS, listener);
            ChartSources.resolve(source, options(), NO_ACCESS, listener);
            assertThat(server.requests()).containsExactly("/lighthouse-1.2.3.tgz");
        }
        assertThat(first.digest()).isEqualTo(sha);
        assertThat(first.reference()).isEqualTo(source.describe());
        assertThat(TestChartRepository.bytes(first.path())).isEqualTo(TestChartRepository.bytes(archive));

        ResolvedChart offline = ChartSources.resolve(source, options(), offline(), listener);
        assertThat(offline.digest()).isEqualTo(sha);
    }

    @Test
    void urlWithoutSha256FallsBackToTheLastDownloadWhenTheServerIsGone() {
        repository();
        ChartSource source;
        String digest;
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            source = ChartSource.url(server.uri() + "/lighthouse-1.3.0.tgz", null);
            digest =
                    ChartSources.resolve(source, options(), NO_ACCESS, listener).digest();
        }
        assertThat(ChartSources.resolve(source, options(), NO_ACCESS, listener).digest())
                .isEqualTo(digest);
        assertThat(warnings).anySatisfy(warning -> assertThat(warning).contains("using the copy in the chart cache"));
        assertThat(ChartSources.resolve(source, options(), offline(), listener).digest())
                .isEqualTo(digest);
    }

    @Test
    void wrongSha256NamesTheActualDigestAndCachesNothing() throws IOException {
        Path archive = repository().get(0);
        String actual = Digests.sha256(TestChartRepository.bytes(archive));
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            ChartSource source = ChartSource.url(server.uri() + "/lighthouse-1.2.3.tgz", "0".repeat(64));
            assertThatThrownBy(() -> ChartSources.resolve(source, options(), NO_ACCESS, listener))
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining("has the digest " + actual)
                    .hasMessageContaining("sha256:" + "0".repeat(64));
        }
        assertThat(filesUnder(temp.resolve("cache").resolve("blobs"))).isEmpty();
    }

    @Test
    void offlineWithNothingCachedSaysWhatToFetch() {
        ChartSource source = ChartSource.url("https://charts.example.com/lighthouse-1.2.3.tgz", null);
        assertThatThrownBy(() -> ChartSources.resolve(source, options(), offline(), listener))
                .isInstanceOf(SourceUnreachableException.class)
                .hasMessageContaining("Offline")
                .hasMessageContaining("https://charts.example.com/lighthouse-1.2.3.tgz")
                .hasMessageContaining("run once online");
    }

    @Test
    void unreachableSourceWithEmptyCacheFailsNamingIt() {
        repository();
        URI gone;
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            gone = server.uri();
        }
        ChartSource source = ChartSource.repository(gone.toString(), "lighthouse", "1.*");
        assertThatThrownBy(() -> ChartSources.resolve(source, options(), NO_ACCESS, listener))
                .isInstanceOf(SourceUnreachableException.class)
                .hasMessageContaining("Cannot reach " + gone + "/index.yaml")
                .hasMessageContaining("holds nothing for");
    }

    @Test
    void helmRepositoryGivesTheNewestVersionSatisfyingTheConstraint() {
        List<Path> archives = repository();
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            String url = server.uri().toString();
            assertThat(resolveVersion(url, "~1.2")).isEqualTo("1.2.10");
            assertThat(resolveVersion(url, "1.*")).isEqualTo("1.3.0");
            assertThat(resolveVersion(url, ">=1 <2")).isEqualTo("1.3.0");
            assertThat(resolveVersion(url, "")).isEqualTo("2.0.0");
            assertThat(resolveVersion(url, "^2.1.0-rc.0")).isEqualTo("2.1.0-rc.1");
            ResolvedChart exact = ChartSources.resolve(
                    ChartSource.repository(url, "lighthouse", "1.2.3"), options(), NO_ACCESS, listener);
            assertThat(TestChartRepository.bytes(exact.path())).isEqualTo(TestChartRepository.bytes(archives.get(0)));
            assertThat(exact.reference()).isEqualTo(url + " lighthouse 1.2.3");
        }
    }

    @Test
    void helmRepositoryCredentialsAreSentForItsHostOnly() {
        repository();
        try (StaticHttpServer server = StaticHttpServer.serveWithBasicAuth(temp.resolve("repo"), "robot", "s3cr3t")) {
            String host = server.uri().getAuthority();
            ChartSource source = ChartSource.repository(server.uri().toString(), "lighthouse", "1.2.3");
            assertThatThrownBy(() -> ChartSources.resolve(source, options(), NO_ACCESS, listener))
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining("answered 401")
                    .hasMessageContaining("settings.xml")
                    .hasMessageNotContaining("s3cr3t");
            RegistryAccess.Builder access = RegistryAccess.builder();
            access.credentials(host, RegistryCredentials.basic("robot", "s3cr3t"));
            access.allowCredentialsOverHttp(true);
            ResolvedChart resolved = ChartSources.resolve(source, options(), access.build(), listener);
            assertThat(new ChartReader().read(resolved.path()).version()).isEqualTo("1.2.3");
        }
    }

    @Test
    void helmRepositoryWorksOfflineFromTheCachedIndex() {
        repository();
        String url;
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            url = server.uri().toString();
            resolveVersion(url, "~1.2");
        }
        ResolvedChart offline =
                ChartSources.resolve(ChartSource.repository(url, "lighthouse", "~1.2"), options(), offline(), listener);
        assertThat(new ChartReader().read(offline.path()).version()).isEqualTo("1.2.10");
    }

    @Test
    void noVersionSatisfyingListsTheVersionsThereAre() {
        repository();
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            ChartSource source = ChartSource.repository(server.uri().toString(), "lighthouse", "9.0.*");
            assertThatThrownBy(() -> ChartSources.resolve(source, options(), NO_ACCESS, listener))
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining("satisfies '9.0.*'")
                    .hasMessageContaining("2.1.0-rc.1, 2.0.0, 1.3.0, 1.2.10, 1.2.3");
            ChartSource other = ChartSource.repository(server.uri().toString(), "falco", "");
            assertThatThrownBy(() -> ChartSources.resolve(other, options(), NO_ACCESS, listener))
                    .hasMessageContaining("has no chart named 'falco'");
        }
    }

    @Test
    void archiveNotMatchingTheIndexDigestIsRefused() throws IOException {
        List<Path> archives = repository();
        Files.write(archives.get(2), "not the indexed chart".getBytes(StandardCharsets.UTF_8));
        String actual = Digests.sha256("not the indexed chart".getBytes(StandardCharsets.UTF_8));
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            ChartSource source = ChartSource.repository(server.uri().toString(), "lighthouse", "1.3.0");
            assertThatThrownBy(() -> ChartSources.resolve(source, options(), NO_ACCESS, listener))
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining("has the digest " + actual);
        }
    }

    @Test
    void ociChartPushedByHelmIsPulledWithTheRegistrySettings() {
        Path archive = TestChartRepository.archive(TestCharts.lighthouse(), temp.resolve("lighthouse-1.2.3.tgz"));
        try (LocalRegistry registry = LocalRegistry.startPlain()) {
            Helm.push()
                    .withChart(archive)
                    .withRemote(URI.create("oci://" + registry.host() + "/charts"))
                    .plainHttp()
                    .call();
            SourceOptions options = options();
            RegistryAccess.Builder plainHttp = RegistryAccess.builder();
            plainHttp.insecureRegistries(List.of(registry.host()));
            RegistryAccess access = plainHttp.build();
            ResolvedChart pulled = ChartSources.resolve(
                    ChartSource.oci("oci://" + registry.host() + "/charts/lighthouse:1.2.3"),
                    options,
                    access,
                    listener);
            assertThat(TestChartRepository.bytes(pulled.path())).isEqualTo(TestChartRepository.bytes(archive));
            assertThat(pulled.digest()).isEqualTo(Digests.sha256(TestChartRepository.bytes(archive)));

            assertThatThrownBy(() -> ChartSources.resolve(
                            ChartSource.oci("oci://" + registry.host() + "/charts/lighthouse:9.9.9"),
                            options,
                            access,
                            listener))
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining("lighthouse:9.9.9")
                    .hasMessageContaining("its tags: 1.2.3");
        }
    }

    @Test
    void gitTagBranchAndCommitGiveTheChartOfTheTree() {
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        String commit = GitRepositories.git(bare, "rev-parse", "main").strip();
        String url = bare.toUri().toString();
        Chart expected = new ChartReader().read(TestCharts.lighthouse());
        for (String ref : List.of("v1.2.3", "main", commit)) {
            ResolvedChart resolved = ChartSources.resolve(
                    ChartSource.git(url, ref, "charts/lighthouse"), options(), NO_ACCESS, listener);
            assertThat(resolved.digest()).isEqualTo("git:" + commit);
            assertThat(resolved.path().getFileName()).hasToString("lighthouse");
            assertThat(new ChartReader().read(resolved.path()).files())
                    .containsOnlyKeys(expected.files().keySet());
            assertThat(new ChartReader().read(resolved.path()).subcharts()).hasSize(1);
        }
        ResolvedChart offline = ChartSources.resolve(
                ChartSource.git(url, "v1.2.3", "charts/lighthouse"), options(), offline(), listener);
        assertThat(offline.digest()).isEqualTo("git:" + commit);
    }

    @Test
    void gitOverTheGitProtocolIsShallow() {
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        try (GitRepositories.Daemon daemon = GitRepositories.Daemon.serve(bare.getParent())) {
            ChartSource source = ChartSource.git(daemon.url("repository.git"), "v1.2.3", "charts/lighthouse");
            ResolvedChart resolved = ChartSources.resolve(source, options(), NO_ACCESS, listener);
            assertThat(new ChartReader().read(resolved.path()).name()).isEqualTo("lighthouse");
            Path cached = new ChartCache(temp.resolve("cache")).gitDirectory(daemon.url("repository.git"));
            assertThat(cached.resolve("shallow")).exists();
        }
    }

    @Test
    void gitOverSmartHttpIsShallow() {
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        try (GitSmartHttp http = GitSmartHttp.serve(bare.getParent())) {
            ChartSource source = ChartSource.git(http.url("repository.git"), "v1.2.3", "charts/lighthouse");
            ResolvedChart resolved = ChartSources.resolve(source, options(), NO_ACCESS, listener);
            assertThat(new ChartReader().read(resolved.path()).name()).isEqualTo("lighthouse");
            Path cached = new ChartCache(temp.resolve("cache")).gitDirectory(http.url("repository.git"));
            assertThat(cached.resolve("shallow")).exists();
            assertThat(http.requests())
                    .as("the smart protocol, not the dumb one")
                    .anyMatch(request -> request.startsWith("GET /repository.git/info/refs?service=git-upload-pack"))
                    .anyMatch(request -> request.equals("POST /repository.git/git-upload-pack"));
        }
    }

    @Test
    void gitOverDumbHttpFetchesTheChart() {
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        GitRepositories.git(bare, "update-server-info");
        try (StaticHttpServer http = StaticHttpServer.serve(bare.getParent())) {
            String url = http.uri() + "/repository.git";
            ResolvedChart resolved = ChartSources.resolve(
                    ChartSource.git(url, "v1.2.3", "charts/lighthouse"), options(), NO_ACCESS, listener);
            assertThat(new ChartReader().read(resolved.path()).name()).isEqualTo("lighthouse");
            assertThat(http.requests()).as("the dumb protocol").contains("/repository.git/info/refs");
            ResolvedChart byBranch = ChartSources.resolve(
                    ChartSource.git(url, "main", "charts/lighthouse"), options(), NO_ACCESS, listener);
            assertThat(byBranch.digest()).isEqualTo(resolved.digest());
        }
    }

    @Test
    void missingGitRefIsNamedWithTheRefsThereAre() {
        Path bare = GitRepositories.bareWithTree(
                temp.resolve("git"), TestCharts.lighthouse(), "charts/lighthouse", "v1.2.3");
        ChartSource source = ChartSource.git(bare.toUri().toString(), "v9.9.9", "charts/lighthouse");
        assertThatThrownBy(() -> ChartSources.resolve(source, options(), NO_ACCESS, listener))
                .isInstanceOf(ChartSourceException.class)
                .hasMessageContaining("no tag, branch or commit 'v9.9.9'")
                .hasMessageContaining("v1.2.3")
                .hasMessageContaining("main");
        ChartSource wrongPath = ChartSource.git(bare.toUri().toString(), "v1.2.3", "charts/falco");
        assertThatThrownBy(() -> ChartSources.resolve(wrongPath, options(), NO_ACCESS, listener))
                .hasMessageContaining("does not exist or is empty");
    }

    @Test
    void gitChartDependenciesMissingFromChartsAreFetchedFromTheirRepository() throws IOException {
        TestChartRepository.write(
                temp.resolve("repo"), TestCharts.lighthouse().resolve("charts/beacon"), List.of("0.3.0", "0.4.0"));
        Path tree = temp.resolve("tree");
        GitRepositories.copyTree(TestCharts.lighthouse(), tree);
        try (Stream<Path> beacon = Files.walk(tree.resolve("charts"))) {
            beacon.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
        try (StaticHttpServer server = StaticHttpServer.serve(temp.resolve("repo"))) {
            String chartYaml = Files.readString(tree.resolve("Chart.yaml"))
                    .replace("    version: 0.3.0\n", "    version: 0.3.*\n    repository: " + server.uri() + "\n");
            Files.writeString(tree.resolve("Chart.yaml"), chartYaml);
            Path bare = GitRepositories.bareWithTree(temp.resolve("git"), tree, "", "v1");
            ResolvedChart resolved = ChartSources.resolve(
                    ChartSource.git(bare.toUri().toString(), "v1", ""), options(), NO_ACCESS, listener);
            assertThat(resolved.path().resolve("charts/beacon-0.3.0.tgz")).exists();
            Chart chart = new ChartReader().read(resolved.path());
            assertThat(chart.subcharts())
                    .singleElement()
                    .satisfies(sub -> assertThat(sub.version()).isEqualTo("0.3.0"));
        }
    }

    @Test
    void aMalformedDependencyRepositoryUrlNamesTheDependencyAndTheFix() throws IOException {
        Path tree = temp.resolve("tree");
        GitRepositories.copyTree(TestCharts.lighthouse(), tree);
        try (Stream<Path> beacon = Files.walk(tree.resolve("charts"))) {
            beacon.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
        for (String repository : List.of("http://[broken/charts", "https:///no-host")) {
            String chartYaml = Files.readString(TestCharts.lighthouse().resolve("Chart.yaml"))
                    .replace("    version: 0.3.0\n", "    version: 0.3.*\n    repository: '" + repository + "'\n");
            Files.writeString(tree.resolve("Chart.yaml"), chartYaml);
            Path bare = GitRepositories.bareWithTree(temp.resolve("git-" + repository.length()), tree, "", "v1");

            assertThatThrownBy(() -> ChartSources.resolve(
                            ChartSource.git(bare.toUri().toString(), "v1", ""), options(), NO_ACCESS, listener))
                    .as(repository)
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining("beacon")
                    .hasMessageContaining("http(s)");
        }
    }

    @Test
    void aBadDependencyVersionInChartLockIsBlamedOnChartLockNotOnChartVersion() throws IOException {
        Path tree = temp.resolve("tree");
        GitRepositories.copyTree(TestCharts.lighthouse(), tree);
        try (Stream<Path> beacon = Files.walk(tree.resolve("charts"))) {
            beacon.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
        String chartYaml = Files.readString(TestCharts.lighthouse().resolve("Chart.yaml"))
                .replace("    version: 0.3.0\n", "    version: 0.3.*\n    repository: 'https://charts.example/'\n");
        Files.writeString(tree.resolve("Chart.yaml"), chartYaml);
        Files.writeString(tree.resolve("Chart.lock"), "dependencies:\n- name: beacon\n  version: 0.3.x.y\n");
        Path bare = GitRepositories.bareWithTree(temp.resolve("git-lock"), tree, "", "v1");

        assertThatThrownBy(() -> ChartSources.resolve(
                        ChartSource.git(bare.toUri().toString(), "v1", ""), options(), NO_ACCESS, listener))
                .isInstanceOf(ChartSourceException.class)
                .hasMessageContaining("/Chart.lock gives dependency beacon the version '0.3.x.y'")
                .hasMessageContaining("helm dependency update")
                .hasMessageNotContaining("`chartVersion`");
    }

    private String resolveVersion(String url, String constraint) {
        ResolvedChart resolved = ChartSources.resolve(
                ChartSource.repository(url, "lighthouse", constraint), options(), NO_ACCESS, listener);
        return new ChartReader().read(resolved.path()).version();
    }

    private static List<Path> filesUnder(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
