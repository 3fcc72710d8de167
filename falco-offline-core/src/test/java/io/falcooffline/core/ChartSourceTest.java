package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChartSourceTest {

    private static final Path BASE = Path.of("/srv/build/project");

    private static ChartSource parameters(
            String chart, String sha256, String version, String repository, String git, String ref, String path) {
        return ChartSource.fromParameters(chart, sha256, version, repository, git, ref, path, BASE);
    }

    @Test
    void chartParameterIsAPathAUrlOrAnOciReference() {
        ChartSource local = parameters("charts/falco-9.0.0.tgz", null, null, null, null, null, null);
        assertThat(local.kind()).isEqualTo(ChartSource.Kind.LOCAL);
        assertThat(local.path()).contains(BASE.resolve("charts/falco-9.0.0.tgz"));

        ChartSource url =
                parameters("https://example.com/falco-9.0.0.tgz", "A".repeat(64), null, null, null, null, null);
        assertThat(url.kind()).isEqualTo(ChartSource.Kind.URL);
        assertThat(url.sha256()).contains("sha256:" + "a".repeat(64));

        ChartSource oci = parameters("oci://harbor.corp:8443/charts/falco", null, "9.0.0", null, null, null, null);
        assertThat(oci.kind()).isEqualTo(ChartSource.Kind.OCI);
        assertThat(oci.describe()).isEqualTo("oci://harbor.corp:8443/charts/falco:9.0.0");
    }

    @Test
    void repositoryAndGitParametersChooseTheirSource() {
        ChartSource repository =
                parameters("falco", null, "~9.0", "https://falcosecurity.github.io/charts/", null, null, null);
        assertThat(repository.kind()).isEqualTo(ChartSource.Kind.REPOSITORY);
        assertThat(repository.describe()).isEqualTo("https://falcosecurity.github.io/charts falco ~9.0");

        ChartSource git = parameters(
                null, null, null, null, "https://github.com/falcosecurity/charts.git", "falco-9.0.0", "/charts/falco/");
        assertThat(git.kind()).isEqualTo(ChartSource.Kind.GIT);
        assertThat(git.gitPath()).contains("charts/falco");
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
    }
}
