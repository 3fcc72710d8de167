package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.RepositoryLayout;
import java.io.File;
import java.time.Instant;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ParameterValuesTest {

    @Test
    void shouldAcceptLayoutInAnyCaseWhenNamed() {
        assertThat(ParameterValues.repositoryLayout("flatten")).isEqualTo(RepositoryLayout.FLATTEN);
        assertThat(ParameterValues.repositoryLayout(" FLATTEN ")).isEqualTo(RepositoryLayout.FLATTEN);
        assertThat(ParameterValues.repositoryLayout("Keep")).isEqualTo(RepositoryLayout.KEEP);
    }

    @Test
    void shouldKeepRepositoryPathsWhenLayoutIsBlank() {
        assertThat(ParameterValues.repositoryLayout(null)).isEqualTo(RepositoryLayout.KEEP);
        assertThat(ParameterValues.repositoryLayout("  ")).isEqualTo(RepositoryLayout.KEEP);
    }

    @Test
    void shouldListTheChoicesWhenLayoutIsUnknown() {
        assertThatThrownBy(() -> ParameterValues.repositoryLayout("flat"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("repositoryLayout"))
                .hasMessageContaining("keep, flatten")
                .hasMessageContaining("'flat'");
    }

    @Test
    void shouldOrderPomOverridesBySourceAndTrimThem() {
        Properties pom = new Properties();
        pom.setProperty("e/f", "r:1/e/f");
        pom.setProperty(" a/b", " r:1/from-pom ");

        assertThat(ParameterValues.pomOverrides(pom))
                .containsExactly(entry("a/b", "r:1/from-pom"), entry("e/f", "r:1/e/f"));
        assertThat(ParameterValues.pomOverrides(null)).isEmpty();
    }

    @Test
    void shouldReadIsoAndEpochSecondsWhenProjectTimestampIsSet() {
        assertThat(ParameterValues.outputTimestamp("2026-11-22T00:00:00Z", null))
                .contains(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(ParameterValues.outputTimestamp("2026-11-22T01:00:00+01:00", null))
                .contains(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(ParameterValues.outputTimestamp("1795305600", null)).contains(Instant.ofEpochSecond(1795305600L));
    }

    @Test
    void shouldPreferTheProjectTimestampWhenSourceDateEpochIsAlsoSet() {
        assertThat(ParameterValues.outputTimestamp("2026-11-22T00:00:00Z", "10"))
                .contains(Instant.parse("2026-11-22T00:00:00Z"));
    }

    @Test
    void shouldUseSourceDateEpochWhenProjectTimestampIsUnsetOrDisabled() {
        assertThat(ParameterValues.outputTimestamp(null, "1700000000")).contains(Instant.ofEpochSecond(1700000000L));
        assertThat(ParameterValues.outputTimestamp("_", " 1700000000 ")).contains(Instant.ofEpochSecond(1700000000L));
    }

    @Test
    void shouldBeEmptyWhenNoTimestampIsGiven() {
        assertThat(ParameterValues.outputTimestamp(null, null)).isEmpty();
        assertThat(ParameterValues.outputTimestamp("", "")).isEmpty();
    }

    @Test
    void shouldNameTheSourceWhenTimestampIsMalformed() {
        assertThatThrownBy(() -> ParameterValues.outputTimestamp("yesterday", null))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("outputTimestamp"))
                .hasMessageContaining("project.build.outputTimestamp")
                .hasMessageContaining("'yesterday'");
        assertThatThrownBy(() -> ParameterValues.outputTimestamp(null, "2026-01-01"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("SOURCE_DATE_EPOCH")
                .hasMessageContaining("'2026-01-01'");
    }

    @Test
    void shouldKeepTheConfiguredDirectoryWhenInAProject() {
        File build = new File("/srv/app/target");
        File configured = new File(build, "falco-offline");

        assertThat(ParameterValues.outputDirectory(configured, false, build, new File("/srv/app")))
                .isEqualTo(configured);
        assertThat(ParameterValues.outputDirectory(new File("/out"), false, build, new File("/srv/app")))
                .isEqualTo(new File("/out"));
    }

    @Test
    void shouldWriteToTheCurrentDirectoryWhenStandaloneWithTheDefault() {
        File cwd = new File("/home/user/charts");
        File stubBuild = new File(cwd, "target");

        assertThat(ParameterValues.outputDirectory(new File(stubBuild, "falco-offline"), true, stubBuild, cwd))
                .isEqualTo(new File(cwd, "falco-offline"));
        assertThat(ParameterValues.outputDirectory(null, true, stubBuild, cwd))
                .isEqualTo(new File(cwd, "falco-offline"));
    }

    @Test
    void shouldKeepAChosenDirectoryWhenStandalone() {
        File cwd = new File("/home/user/charts");

        assertThat(ParameterValues.outputDirectory(new File("/tmp/out"), true, new File(cwd, "target"), cwd))
                .isEqualTo(new File("/tmp/out"));
    }

    @Test
    void shouldDropBlankNamesWhenListingPullSecrets() {
        assertThat(ParameterValues.names(Arrays.asList(" harbor-pull ", "", "other")))
                .containsExactly("harbor-pull", "other");
        assertThat(ParameterValues.names(null)).isEmpty();
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
