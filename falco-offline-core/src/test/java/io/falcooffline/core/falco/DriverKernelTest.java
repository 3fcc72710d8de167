package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriverKernelTest {

    @Test
    void readsTheKernelsAsFalcoctlNamesThemAndTheDriverFileItLooksFor() {
        var kernels =
                DriverKernel.parseList("ubuntu-generic:5.4.0-150-generic:167, debian:6.1.0-10-cloud-arm64:1:arm64;"
                        + " ubuntu-generic:5.4.0-150-generic:167");

        assertThat(kernels).hasSize(2);
        assertThat(kernels.get(0).fileName()).isEqualTo("falco_ubuntu-generic_5.4.0-150-generic_167.ko");
        assertThat(kernels.get(0).runsOn("x86_64")).isTrue();
        assertThat(kernels.get(0).runsOn("aarch64")).isTrue();
        assertThat(kernels.get(1).architecture()).isEqualTo(Optional.of("aarch64"));
        assertThat(kernels.get(1).runsOn("x86_64")).isFalse();
        assertThat(kernels.get(1)).hasToString("debian:6.1.0-10-cloud-arm64:1:aarch64");
        assertThat(DriverKernel.parseList("  ")).isEmpty();
        assertThat(DriverKernel.driverArchitecture(Platform.parse("linux/arm64")))
                .contains("aarch64");
        assertThat(DriverKernel.driverArchitecture(Platform.parse("linux/amd64")))
                .contains("x86_64");
        assertThat(DriverKernel.driverArchitecture(Platform.parse("linux/s390x")))
                .isEmpty();
    }

    @Test
    void aMalformedEntryIsRefusedNamingItAndTheForm() {
        for (String entry : new String[] {
            "5.4.0-150-generic", "ubuntu-generic:5.4.0-150-generic:", "ubuntu/../x:5.4:1", "a:b:c:d:e", "a:b:c:mips"
        }) {
            assertThatThrownBy(() -> DriverKernel.parseList(entry))
                    .as(entry)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("`driverKernels` entry '" + entry + "' is not a kernel")
                    .hasMessageContaining("target:release:version[:arch]")
                    .hasMessageContaining("falcoctl driver printenv");
        }
        assertThatThrownBy(() -> DriverKernel.parse("debian:6.1.0 #1 SMP:1"))
                .hasMessageContaining("letters, digits and . _ + ~ -");
    }

    @Test
    void theRepositoryMustBeAPlainHttpOrHttpsUrl() {
        assertThat(DriverOptions.parse("", "").repository()).hasToString(DriverOptions.DEFAULT_REPOSITORY);
        assertThat(DriverOptions.parse("", "https://mirror.corp/falco/driver/").repository())
                .hasToString("https://mirror.corp/falco/driver");
        for (String bad :
                new String[] {"file:///srv/drivers", "https://user:pw@mirror.corp/driver", "https://m/d?x=1"}) {
            assertThatThrownBy(() -> DriverOptions.parse("", bad))
                    .as(bad)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("`driverRepository`");
        }
    }

    @Test
    void driverVersionsAreTheOnesFalcoReleasesAreBuiltWith() {
        assertThat(DriverVersions.of("0.44.0")).contains("10.2.0+driver");
        assertThat(DriverVersions.of("0.43.1")).contains("9.1.0+driver");
        assertThat(DriverVersions.of("0.42.0")).contains("9.0.0+driver");
        assertThat(DriverVersions.of("0.41.3")).contains("8.1.0+driver");
        assertThat(DriverVersions.of("0.40.0")).isEmpty();
        assertThat(DriverVersions.of("latest")).isEmpty();
    }
}
