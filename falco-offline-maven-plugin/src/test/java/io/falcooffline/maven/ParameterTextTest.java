package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.Platform;
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
                        .overrides(ParameterText.overrides("docker.io/falcosecurity/falco=reg:5000/falco/falco,"
                                + "appropriate/curl:latest=reg:5000/tools/curl:8.0"))
                        .build()
                        .overrides())
                .containsOnly(
                        entry("docker.io/falcosecurity/falco", "reg:5000/falco/falco"),
                        entry("appropriate/curl:latest", "reg:5000/tools/curl:8.0"));
    }

    @Test
    void shouldAcceptNewlinesAndBlanksWhenOverridesTextComesFromThePom() {
        assertThat(ParameterText.overrides("\n  a/b=r:1/a/b\n  c/d=r:1/c/d,\n"))
                .containsExactly(entry("a/b", "r:1/a/b"), entry("c/d", "r:1/c/d"));
    }

    @Test
    void shouldLetALaterOverrideWinWhenBothFormsNameTheSameSource() {
        assertThat(request()
                        .overrides(ParameterText.overrides("a/b=r:1/from-text,c/d=r:1/c/d"))
                        .override("a/b", "r:1/from-pom")
                        .build()
                        .overrides())
                .containsOnly(entry("a/b", "r:1/from-pom"), entry("c/d", "r:1/c/d"));
    }

    @Test
    void shouldNameTheBadPairWhenAnOverrideHasNoTarget() {
        for (String bad : List.of("a/b", "a/b=", "=r:1/x", "a=b=c")) {
            assertThatThrownBy(() -> ParameterText.overrides("ok/x=r:1/x," + bad))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.parameter()).isEqualTo("overrides"))
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("source=target");
        }
    }

    @Test
    void shouldNotRepeatAMalformedPairThatMayHoldAPassword() {
        assertThatThrownBy(() -> ParameterText.registryMirrors("alice:Pl4nted-S3cret@nexus.corp"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("registryMirrors"))
                .hasMessageContaining("registry=mirror")
                .hasMessageContaining("settings.xml")
                .hasMessageNotContaining("Pl4nted-S3cret");
    }

    @Test
    void shouldSplitListsAtCommasAndDropBlankParts() {
        assertThat(ParameterText.commaSeparated(" linux/arm64, ,linux/amd64 "))
                .containsExactly("linux/arm64", "linux/amd64");
        assertThat(ParameterText.commaSeparated(null)).isEmpty();
        assertThat(ParameterText.overrides(null)).isEmpty();
        assertThat(ParameterText.driverKernels("a:b:c; d:e:f\ng:h:i")).containsExactly("a:b:c", "d:e:f", "g:h:i");
    }

    @Test
    void shouldParseCommaSeparatedMirrorSettingsWhenGivenAsText() {
        MirrorOptions options = MirrorOptions.builder()
                .registryMirrors(
                        ParameterText.registryMirrors("docker.io=nexus.corp:8443/dockerhub/, ghcr.io=127.0.0.1:5001"))
                .platforms(ParameterText.platforms("linux/arm64, linux/arm/v7"))
                .insecureRegistries(ParameterText.commaSeparated("127.0.0.1:5001,Registry-1.Docker.io"))
                .build();

        assertThat(options.registryMirrors())
                .containsEntry("docker.io", "nexus.corp:8443/dockerhub")
                .containsEntry("ghcr.io", "127.0.0.1:5001");
        assertThat(options.platforms()).extracting(Platform::toString).containsExactly("linux/arm64", "linux/arm/v7");
        assertThat(options.insecureRegistries()).containsExactlyInAnyOrder("127.0.0.1:5001", "docker.io");
    }

    @Test
    void shouldNameTheParameterWhenAListEntryIsMalformed() {
        assertThatThrownBy(() -> ParameterText.registryMirrors("docker.io"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("registryMirrors"));
        assertThatThrownBy(() -> ParameterText.platforms("arm64"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("platforms"))
                .hasMessageContaining("os/architecture");
    }
}
