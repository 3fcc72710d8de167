package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ChartSource;
import io.falcooffline.core.InvalidRequestException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChartSourceParametersTest {

    private static final Path BASE = Path.of("/srv/build/project");

    private static ChartSource parameters(
            String chart, String sha256, String version, String repository, String git, String ref, String path) {
        return ChartSourceParameters.of(chart, sha256, version, repository, git, ref, path, BASE);
    }

    @Test
    void chartParameterIsAPathAUrlOrAnOciReference() {
        ChartSource local = parameters("charts/falco-9.0.0.tgz", null, null, null, null, null, null);
        assertThat(local).isEqualTo(new ChartSource.Local(BASE.resolve("charts/falco-9.0.0.tgz")));

        ChartSource url =
                parameters("https://example.com/falco-9.0.0.tgz", "A".repeat(64), null, null, null, null, null);
        assertThat(url)
                .isInstanceOfSatisfying(
                        ChartSource.Url.class, u -> assertThat(u.sha256()).contains("sha256:" + "a".repeat(64)));

        ChartSource oci = parameters("oci://harbor.corp:8443/charts/falco", null, "9.0.0", null, null, null, null);
        assertThat(oci).isInstanceOf(ChartSource.Oci.class);
        assertThat(oci.describe()).isEqualTo("oci://harbor.corp:8443/charts/falco:9.0.0");
    }

    @Test
    void repositoryAndGitParametersChooseTheirSource() {
        ChartSource repository =
                parameters("falco", null, "~9.0", "https://falcosecurity.github.io/charts/", null, null, null);
        assertThat(repository).isInstanceOf(ChartSource.Repository.class);
        assertThat(repository.describe()).isEqualTo("https://falcosecurity.github.io/charts falco ~9.0");

        ChartSource git = parameters(
                null, null, null, null, "https://github.com/falcosecurity/charts.git", "falco-9.0.0", "/charts/falco/");
        assertThat(git)
                .isInstanceOfSatisfying(
                        ChartSource.Git.class, g -> assertThat(g.path()).isEqualTo("charts/falco"));
    }

    @Test
    void parametersThatDoNotFitTogetherAreNamed() {
        assertThatThrownBy(() -> parameters(null, null, null, null, null, null, null))
                .isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("chart");
        assertThatThrownBy(() -> parameters("falco-9.0.0.tgz", "a".repeat(64), null, null, null, null, null))
                .hasMessageContaining("`chartSha256` applies to an http(s) chart URL only");
        assertThatThrownBy(() -> parameters("https://example.com/x.tgz", "abc", null, null, null, null, null))
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> parameters("falco-9.0.0.tgz", null, "9.0.*", null, null, null, null))
                .hasMessageContaining("`chartVersion` applies to a Helm repository or an oci:// chart only");
        assertThatThrownBy(() -> parameters("https://robot:pw@example.com/x.tgz", null, null, null, null, null, null))
                .hasMessageContaining("must not carry credentials")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> parameters(null, null, null, null, "https://example.com/charts.git", null, null))
                .hasMessageContaining("chartGitRef");
        assertThatThrownBy(() -> parameters(null, null, null, null, "https://example.com/charts.git", "main", "../etc"))
                .hasMessageContaining("`chartGitPath` must be a plain path");
        assertThatThrownBy(() -> parameters("oci://harbor.corp/charts/falco", null, null, null, null, null, null))
                .hasMessageContaining("names no version");
        assertThatThrownBy(
                        () -> parameters("falco", null, null, "https://a.example/charts", "https://b/c.git", "v", null))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("chartRepository"))
                .hasMessageContaining("not both");
    }
}
