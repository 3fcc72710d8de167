package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.version.SemanticVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FalcoctlDependenciesTest {

    private static final String K8SAUDIT_RULES = "{\"name\":\"k8saudit-rules\",\"version\":\"0.16.1\","
            + "\"dependencies\":[{\"name\":\"json\",\"version\":\"0.7.0\"},{\"name\":\"k8saudit\",\"version\":\"0.7.0\","
            + "\"alternatives\":[{\"name\":\"k8saudit-aks\",\"version\":\"0.1.0\"},{\"name\":\"k8saudit-eks\",\"version\":\"0.4.0\"}]}],"
            + "\"requirements\":[{\"name\":\"engine_version_semver\",\"version\":\"0.15.0\"}]}";

    private static FalcoctlDependencies.Config config(String json) {
        return FalcoctlDependencies.parse(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    private static FalcoctlDependencies.Config plugin(String name, String version) {
        return config("{\"name\":\"" + name + "\",\"version\":\"" + version + "\"}");
    }

    @Test
    void shouldRequireExactJsonTagWhenOnlyK8sauditIsInstalled() {
        List<String> conflicts = new ArrayList<>();

        List<FalcoctlDependencies.Unmet> unmet =
                FalcoctlDependencies.unmet(List.of(config(K8SAUDIT_RULES), plugin("k8saudit", "0.16.1")), conflicts);

        assertThat(unmet)
                .extracting(FalcoctlDependencies.Unmet::falcoctlReference)
                .containsExactly("json:0.7.0");
        assertThat(unmet.get(0).requiredBy()).isEqualTo("k8saudit-rules 0.16.1");
        assertThat(conflicts).isEmpty();
    }

    @Test
    void shouldRequireNothingWhenNewerSameMajorOrAlternativeIsInstalled() {
        List<FalcoctlDependencies.Unmet> unmet = FalcoctlDependencies.unmet(
                List.of(config(K8SAUDIT_RULES), plugin("json", "0.7.4"), plugin("k8saudit-eks", "0.4.1")),
                new ArrayList<>());

        assertThat(unmet).isEmpty();
    }

    @Test
    void shouldReportConflictWhenInstalledMajorDiffers() {
        List<String> conflicts = new ArrayList<>();

        List<FalcoctlDependencies.Unmet> unmet = FalcoctlDependencies.unmet(
                List.of(config(K8SAUDIT_RULES), plugin("json", "1.0.0"), plugin("k8saudit", "0.16.1")), conflicts);

        assertThat(unmet).isEmpty();
        assertThat(conflicts).singleElement().asString().contains("json 0.7.0").contains("major");
    }

    @Test
    void shouldRequireExactTagWhenInstalledVersionIsOlder() {
        List<FalcoctlDependencies.Unmet> unmet = FalcoctlDependencies.unmet(
                List.of(config(K8SAUDIT_RULES), plugin("json", "0.6.9"), plugin("k8saudit", "0.16.1")),
                new ArrayList<>());

        assertThat(unmet)
                .extracting(FalcoctlDependencies.Unmet::falcoctlReference)
                .containsExactly("json:0.7.0");
    }

    @Test
    void shouldCompareVersionsAsFalcoctlDoes() {
        assertThat(SemanticVersion.parse("v0.16").orElseThrow()).hasToString("0.16.0");
        assertThat(SemanticVersion.parse("0.7.0-rc1").orElseThrow())
                .isLessThan(SemanticVersion.parse("0.7.0").orElseThrow());
        assertThat(SemanticVersion.parse("0.10.0").orElseThrow())
                .isGreaterThan(SemanticVersion.parse("0.9.9").orElseThrow());
        assertThat(SemanticVersion.parse("latest")).isEmpty();
    }
}
