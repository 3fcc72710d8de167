package io.falcooffline.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.GitRepositories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitOps work tree is falco-offline's alone: what a chart or the branch holds cannot reach outside it. */
class GitOpsWorkTreeTest {

    @TempDir
    Path temp;

    private PackageRequest.Builder request(Path chart, PublishOptions publish) {
        return PackageRequest.builder()
                .chart(chart)
                .registry("192.168.5.96:30003")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .strict(false)
                .outputTimestamp(Instant.parse("2026-03-04T05:06:07Z"))
                .outputDirectory(temp.resolve("out"))
                .publish(publish);
    }

    private Path bare(String name) {
        Path bare = temp.resolve(name);
        GitRepositories.git(temp, "init", "-q", "--bare", "-b", "main", bare.toString());
        return bare;
    }

    /** Seeds branch main of a bare repository with files, symbolic links given as "-> target". */
    private void seed(Path bare, String... pathsAndContents) throws IOException {
        Path work = temp.resolve("seed-" + bare.getFileName());
        GitRepositories.git(temp, "clone", "-q", bare.toString(), work.toString());
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            Path file = work.resolve(pathsAndContents[i]);
            Files.createDirectories(file.getParent());
            String content = pathsAndContents[i + 1];
            if (content.startsWith("-> ")) {
                Files.createSymbolicLink(file, Path.of(content.substring(3)));
            } else {
                Files.writeString(file, content);
            }
        }
        GitRepositories.git(work, "add", "-A");
        GitRepositories.git(work, "commit", "-q", "-m", "seed");
        GitRepositories.git(work, "push", "-q", "origin", "main");
    }

    private static List<String> refs(Path bare) {
        return GitRepositories.git(bare, "for-each-ref", "--format=%(refname)")
                .lines()
                .toList();
    }

    @Test
    void aChartNamedDotGitIsRefusedAndNeitherRepositoryReceivesAnything() throws IOException {
        Path gitops = bare("gitops.git");
        Path attacker = bare("attacker.git");
        Path chart = Files.createDirectories(temp.resolve("chart"));
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: .git\nversion: 1.0.0\n");
        Files.writeString(chart.resolve("values.yaml"), "replicaCount: 1\n");
        // Unpacked over the work repository's .git/, this would send the push (and its credentials) elsewhere.
        Files.writeString(
                chart.resolve("config"),
                "[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote \"origin\"]\n\turl = "
                        + attacker.toUri() + "\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
        PublishOptions publish = PublishOptions.builder()
                .gitRepository(gitops.toUri().toString())
                .build();

        assertThatThrownBy(
                        () -> FalcoOffline.packageChart(request(chart, publish).build(), ProgressListener.SILENT))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("'.git'")
                .hasMessageContaining("plain directory name");
        assertThat(refs(attacker)).as("the attacker's repository").isEmpty();
        assertThat(refs(gitops)).as("the GitOps repository").isEmpty();
    }

    @Test
    void aLinkOnTheWayToGitPathIsRefusedAndNothingOutsideIsTouched() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside/prod"));
        Files.writeString(outside.resolve("keep.txt"), "not falco-offline's\n");
        Path gitops = bare("gitops.git");
        seed(gitops, "clusters", "-> " + outside.getParent(), "README.md", "cluster repo\n");
        String before = GitRepositories.git(gitops, "rev-parse", "main");
        PublishOptions publish = PublishOptions.builder()
                .gitRepository(gitops.toUri().toString())
                .gitPath("clusters/prod")
                .build();

        assertThatThrownBy(() -> FalcoOffline.packageChart(
                        request(TestCharts.lighthouse(), publish).build(), ProgressListener.SILENT))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("clusters")
                .hasMessageContaining("symbolic link");
        try (Stream<Path> files = Files.walk(temp.resolve("outside"))) {
            assertThat(files.map(path -> temp.relativize(path).toString()).sorted())
                    .containsExactly("outside", "outside/prod", "outside/prod/keep.txt");
        }
        assertThat(GitRepositories.git(gitops, "rev-parse", "main")).isEqualTo(before);
    }

    @Test
    void aLinkInsideGitPathIsRemovedNotFollowed() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "not falco-offline's\n");
        Path gitops = bare("gitops.git");
        seed(gitops, "lab/falco/old", "-> " + outside);
        PublishOptions publish = PublishOptions.builder()
                .gitRepository(gitops.toUri().toString())
                .gitPath("lab/falco")
                .build();

        FalcoOffline.packageChart(request(TestCharts.lighthouse(), publish).build(), ProgressListener.SILENT);

        assertThat(outside.resolve("keep.txt")).hasContent("not falco-offline's");
        assertThat(GitRepositories.git(gitops, "ls-tree", "-r", "--name-only", "main"))
                .contains("lab/falco/lighthouse/Chart.yaml")
                .doesNotContain("lab/falco/old");
    }

    @Test
    void withoutGitPathTheChartGoesToADirectoryNamedAfterItAndOtherApplicationsStay() throws IOException {
        Path gitops = bare("gitops.git");
        seed(gitops, "other-app/deploy.yaml", "kind: Deployment\n", "README.md", "cluster repo\n");
        PublishOptions publish = PublishOptions.builder()
                .gitRepository(gitops.toUri().toString())
                .build();

        FalcoOffline.packageChart(request(TestCharts.lighthouse(), publish).build(), ProgressListener.SILENT);

        List<String> files = new ArrayList<>(GitRepositories.git(gitops, "ls-tree", "-r", "--name-only", "main")
                .lines()
                .toList());
        assertThat(files)
                .contains("other-app/deploy.yaml", "README.md")
                .contains("lighthouse/lighthouse/Chart.yaml", "lighthouse/falco-offline.plan.json");
        files.removeIf(file -> file.startsWith("lighthouse/"));
        assertThat(files).containsExactlyInAnyOrder("other-app/deploy.yaml", "README.md");
    }

    @Test
    void gitPathMayNotNameGitsOwnDirectoryInAnySpelling() {
        for (String path : List.of(".git", "apps/.GIT", "apps/.Git/x", "apps/.git./x", "GIT~1")) {
            assertThatThrownBy(() -> PublishOptions.builder()
                            .gitRepository("https://git.corp/clusters.git")
                            .gitPath(path)
                            .build())
                    .as(path)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("gitPath");
        }
    }
}
