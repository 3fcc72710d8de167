package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.plan.OciReference;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChartSourceTest {

    @Test
    void eachKindIsARecordItsFactoryFills() {
        assertThat(ChartSource.local(Path.of("falco-9.0.0.tgz")))
                .isEqualTo(new ChartSource.Local(Path.of("falco-9.0.0.tgz")));
        assertThat(ChartSource.url("https://example.com/falco-9.0.0.tgz", "SHA256:" + "A".repeat(64)))
                .isEqualTo(new ChartSource.Url(
                        URI.create("https://example.com/falco-9.0.0.tgz"), Optional.of("sha256:" + "a".repeat(64))));
        assertThat(ChartSource.oci("oci://harbor.corp:8443/charts/falco:9.0.0").reference())
                .isEqualTo(OciReference.parse("harbor.corp:8443/charts/falco:9.0.0"));
        assertThat(ChartSource.repository("https://falcosecurity.github.io/charts//", "falco", null))
                .isEqualTo(
                        new ChartSource.Repository(URI.create("https://falcosecurity.github.io/charts"), "falco", "*"));
        assertThat(ChartSource.git(" https://github.com/falcosecurity/charts.git ", "falco-9.0.0", "/charts/falco/"))
                .isEqualTo(new ChartSource.Git(
                        "https://github.com/falcosecurity/charts.git", "falco-9.0.0", "charts/falco"));
    }

    @Test
    void describesEachKindOnOneLineWithoutSecrets() {
        assertThat(ChartSource.oci("oci://harbor.corp/charts/falco@sha256:" + "b".repeat(64))
                        .describe())
                .isEqualTo("oci://harbor.corp/charts/falco@sha256:" + "b".repeat(64));
        assertThat(ChartSource.repository("https://falcosecurity.github.io/charts", "falco", "~9.0")
                        .describe())
                .isEqualTo("https://falcosecurity.github.io/charts falco ~9.0");
        assertThat(ChartSource.git("file:///srv/charts", "main", "").describe()).isEqualTo("file:///srv/charts main");
    }

    @Test
    void theRecordsCheckTheirValuesAsTheFactoriesDo() {
        assertThatThrownBy(() -> new ChartSource.Url(URI.create("ftp://example.com/x.tgz"), Optional.empty()))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("chart"))
                .hasMessageContaining("http(s) URL");
        assertThatThrownBy(
                        () -> new ChartSource.Url(URI.create("https://robot:pw@example.com/x.tgz"), Optional.empty()))
                .hasMessageContaining("must not carry credentials")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> ChartSource.url("https://example.com/x.tgz", "abc"))
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> new ChartSource.Oci(OciReference.parse("harbor.corp/charts/falco")))
                .hasMessageContaining("names no version");
        assertThatThrownBy(() -> new ChartSource.Repository(URI.create("https://h/charts?token=t"), "falco", null))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("chartRepository"))
                .hasMessageNotContaining("token=t");
        assertThatThrownBy(() -> ChartSource.repository("https://h/charts", "no/such name", null))
                .hasMessageContaining("chart's name in the repository");
        assertThatThrownBy(() -> new ChartSource.Git("https://example.com/charts.git", "main", "../etc"))
                .hasMessageContaining("`chartGitPath` must be a plain path");
        assertThatThrownBy(() -> ChartSource.git("https://example.com/charts.git", "--upload-pack=x", null))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("chartGitRef"));
    }
}
