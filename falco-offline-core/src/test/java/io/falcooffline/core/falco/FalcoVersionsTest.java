package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.falco.FalcoVersions.FalcoVersion;
import io.falcooffline.core.version.SemanticVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FalcoVersionsTest {

    /** Falco's engine version header and the plugin API of the libs it pins, at each release tag. */
    @ParameterizedTest
    @CsvSource({
        "0.37.0, 3.2.0, 0.31.0",
        "0.38.0, 3.5.0, 0.40.0",
        "0.38.1, 3.6.0, 0.40.0",
        "0.39.2, 3.7.0, 0.43.0",
        "0.40.0, 3.10.0, 0.46.0",
        "0.41.0, 3.11.0, 0.50.0",
        "0.41.3, 3.11.0, 0.50.0",
        "0.42.0, 3.12.0, 0.57.0",
        "0.42.1, 3.12.0, 0.57.0",
        "0.43.0, 3.12.0, 0.58.0",
        "0.43.1, 3.12.0, 0.58.0",
        "0.44.0, 3.12.0, 0.62.0",
        "0.44.1, 3.12.0, 0.62.0",
    })
    void everyFalcoTheChartsShipHasItsPluginApiAndEngine(String falco, String pluginApi, String engine) {
        FalcoVersion release = FalcoVersions.of(falco).orElseThrow();

        assertThat(release.falco()).isEqualTo(falco);
        assertThat(release.pluginApi()).isEqualTo(version(pluginApi));
        assertThat(release.engine()).isEqualTo(version(engine));
    }

    /** appVersion of every Falco chart 4.0.0 to 9.1.0 (falcosecurity/charts, charts/falco/Chart.yaml). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.37.0", "0.37.1", "0.38.0", "0.38.1", "0.38.2", "0.39.0", "0.39.1", "0.39.2", "0.40.0", "0.40.0-rc1",
                "0.41.0", "0.41.1", "0.41.2", "0.41.3", "0.42.0", "0.42.1", "0.43.0", "0.43.1", "0.44.0", "0.44.1"
            })
    void everyChartAppVersionIsKnown(String appVersion) {
        assertThat(FalcoVersions.of(appVersion)).isPresent();
    }

    @ParameterizedTest
    @CsvSource({
        // A later patch takes the newest listed patch of its minor below it.
        "0.44.7, 0.44.7, 3.12.0, 0.62.0",
        "0.41.9, 0.41.9, 3.11.0, 0.50.0",
        "0.38.5, 0.38.5, 3.6.0, 0.40.0",
        // A pre-release below every listed patch takes the oldest of its minor.
        "0.42.0-rc4, 0.42.0-rc4, 3.12.0, 0.57.0",
    })
    void anUnknownPatchOfAKnownMinorUsesThatMinorsNumbers(
            String falco, String reported, String pluginApi, String engine) {
        FalcoVersion release = FalcoVersions.of(falco).orElseThrow();

        assertThat(release.falco()).isEqualTo(reported);
        assertThat(release.pluginApi()).isEqualTo(version(pluginApi));
        assertThat(release.engine()).isEqualTo(version(engine));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.45.0", "0.36.2", "1.44.0", "latest", ""})
    void anUnknownMinorIsUnknown(String falco) {
        assertThat(FalcoVersions.of(falco)).isEmpty();
    }

    @Test
    void pluginsLoadWhereTheApiMinorIsReachedAndRulesWhereTheEngineIs() {
        // k8saudit 0.16.x and json 0.7.4 need plugin API 3.11.0 (plugin-sdk-go 0.8.3).
        assertThat(FalcoVersions.of("0.40.0").orElseThrow().loadsPluginRequiring(version("3.11.0")))
                .isFalse();
        assertThat(FalcoVersions.of("0.41.0").orElseThrow().loadsPluginRequiring(version("3.11.0")))
                .isTrue();
        assertThat(FalcoVersions.of("0.44.0").orElseThrow().loadsPluginRequiring(version("4.0.0")))
                .isFalse();
        // falco-rules 5.1.0 needs engine 0.57.0.
        assertThat(FalcoVersions.of("0.41.3").orElseThrow().runsRulesRequiring(version("0.57.0")))
                .isFalse();
        assertThat(FalcoVersions.of("0.42.0").orElseThrow().runsRulesRequiring(version("0.57.0")))
                .isTrue();
    }

    private static SemanticVersion version(String text) {
        return SemanticVersion.parse(text).orElseThrow();
    }
}
