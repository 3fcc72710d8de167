package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterTextTest {

    private static PackageRequest.Builder request() {
        return PackageRequest.builder()
                .chart(Path.of("falco-9.0.0.tgz"))
                .registry("reg:5000")
                .outputDirectory(Path.of("out"));
    }

    @Test
    void shouldParseEveryPairWhenOverridesAreGivenAsText() {
        assertThat(request()
                        .overrides("docker.io/falcosecurity/falco=reg:5000/falco/falco,"
                                + "appropriate/curl:latest=reg:5000/tools/curl:8.0")
                        .build()
                        .overrides())
                .containsOnly(
                        entry("docker.io/falcosecurity/falco", "reg:5000/falco/falco"),
                        entry("appropriate/curl:latest", "reg:5000/tools/curl:8.0"));
    }

    @Test
    void shouldAcceptNewlinesAndBlanksWhenOverridesTextComesFromThePom() {
        assertThat(ParameterText.pairs("overrides", "source=target", "\n  a/b=r:1/a/b\n  c/d=r:1/c/d,\n", true, "x"))
                .containsExactly(entry("a/b", "r:1/a/b"), entry("c/d", "r:1/c/d"));
    }

    @Test
    void shouldLetALaterOverrideWinWhenBothFormsNameTheSameSource() {
        assertThat(request()
                        .overrides("a/b=r:1/from-text,c/d=r:1/c/d")
                        .override("a/b", "r:1/from-pom")
                        .build()
                        .overrides())
                .containsOnly(entry("a/b", "r:1/from-pom"), entry("c/d", "r:1/c/d"));
    }

    @Test
    void shouldNameTheBadPairWhenAnOverrideHasNoTarget() {
        for (String bad : List.of("a/b", "a/b=", "=r:1/x", "a=b=c")) {
            assertThatThrownBy(() -> request().overrides("ok/x=r:1/x," + bad))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.parameter()).isEqualTo("overrides"))
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("source=target");
        }
    }

    @Test
    void shouldSplitListsAtCommasAndDropBlankParts() {
        assertThat(ParameterText.commaSeparated(" linux/arm64, ,linux/amd64 "))
                .containsExactly("linux/arm64", "linux/amd64");
        assertThat(ParameterText.commaSeparated(null)).isEmpty();
        assertThat(request().overrides((String) null).build().overrides()).isEmpty();
    }
}
