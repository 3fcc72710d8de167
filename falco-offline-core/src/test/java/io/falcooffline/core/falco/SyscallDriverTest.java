package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import io.falcooffline.core.reference.FoundReference;
import io.falcooffline.core.testing.DriverRepositoryServer;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The driver decision from the values, and the drivers read from a driver repository served on the loopback. */
class SyscallDriverTest {

    private static final String INTERNAL = "192.168.5.96:30003";
    private static final String DRIVER = "10.2.0+driver";
    private static final String UBUNTU = "ubuntu-generic:5.4.0-150-generic:167";
    private static final String DEBIAN = "debian:5.10.0-28-amd64:1";

    private static Map<String, Object> values(boolean enabled, String kind, boolean loader) {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("registry", "docker.io");
        image.put("repository", "falcosecurity/falco-driver-loader");
        image.put("tag", "");
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("enabled", enabled);
        driver.put("kind", kind);
        driver.put("loader", Map.of("enabled", loader, "initContainer", Map.of("image", image)));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("falco", Map.of());
        values.put("driver", driver);
        return values;
    }

    private static SyscallDriver.Input input(Map<String, Object> values, boolean mirroring) {
        return new SyscallDriver.Input(
                values,
                "0.44.0",
                source -> OciReference.parse(INTERNAL + "/falco/"
                        + source.repository().substring(source.repository().lastIndexOf('/') + 1) + ":"
                        + source.tag()),
                reference -> reference.registry().equals(INTERNAL),
                List.of(Platform.parse("linux/arm64"), Platform.parse("linux/amd64")),
                mirroring ? Optional.of(RegistryAccess.builder().build()) : Optional.empty());
    }

    private static SyscallDriver driver(String kernels, URI repository) {
        return new SyscallDriver(DriverOptions.parse(kernels, repository.toString()), ProgressListener.SILENT);
    }

    private static FoundReference loaderImage() {
        return new FoundReference(
                ReferenceKind.IMAGE,
                FoundReference.Form.IMAGE_BLOCK_WITH_REGISTRY,
                "docker.io/falcosecurity/falco-driver-loader:0.44.0",
                OciReference.parse("docker.io/falcosecurity/falco-driver-loader:0.44.0"),
                new ReferenceLocation("falco", "values.yaml", "driver.loader.initContainer.image", 0),
                List.of("driver", "loader", "initContainer", "image"),
                true);
    }

    @Test
    void modernEbpfNeedsNoLoaderSoItsImageIsNotInUseAndTheKernelRequirementIsStated() {
        SyscallDriver.Result result = driver("", URI.create(DriverOptions.DEFAULT_REPOSITORY))
                .run(input(values(true, "modern_ebpf", true), true));

        assertThat(result.loaderRuns()).isFalse();
        assertThat(result.warnings()).isEmpty();
        assertThat(result.requirement()).contains("BTF").contains("ring buffer").contains("5.8");
        assertThat(result.asRendered(loaderImage()).inUse()).isFalse();
        assertThat(result.planSection()).containsEntry("kind", "modern_ebpf").containsEntry("loaderRuns", false);
        assertThat(driver("", URI.create(DriverOptions.DEFAULT_REPOSITORY))
                        .run(input(values(true, "auto", true), true))
                        .asRendered(loaderImage())
                        .inUse())
                .isTrue();
    }

    @Test
    void autoWithoutKernelsWarnsOfTheOfflineRiskAndNamesBothFixes() {
        SyscallDriver.Result result =
                driver("", URI.create(DriverOptions.DEFAULT_REPOSITORY)).run(input(values(true, "auto", true), false));

        assertThat(result.loaderRuns()).isTrue();
        assertThat(result.image()).isEmpty();
        assertThat(result.warnings())
                .singleElement()
                .asString()
                .contains("lacks modern eBPF")
                .contains("https://download.falco.org/driver")
                .contains("kernel headers")
                .contains("Falco does not start")
                .contains("`driverKernels`")
                .contains("driver.kind=modern_ebpf");
        assertThat(result.planSection().get("warnings")).isEqualTo(result.warnings());
        assertThat(driver("", URI.create(DriverOptions.DEFAULT_REPOSITORY))
                        .run(input(values(true, "kmod", true), false))
                        .warnings())
                .singleElement()
                .asString()
                .startsWith("On every node the driver loader downloads");
    }

    @Test
    void aLoaderPointedAtItsOwnDriverRepositoryIsNotedNotWarned() {
        Map<String, Object> values = values(true, "auto", true);
        @SuppressWarnings("unchecked")
        Map<String, Object> loader =
                new LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>) values.get("driver")).get("loader"));
        loader.put(
                "initContainer",
                Map.of(
                        "image", Map.of("registry", "docker.io", "repository", "falcosecurity/falco-driver-loader"),
                        "env",
                                List.of(Map.of(
                                        "name", "FALCOCTL_DRIVER_REPOS", "value", "http://drivers.corp/driver"))));
        @SuppressWarnings("unchecked")
        Map<String, Object> driver = (Map<String, Object>) values.get("driver");
        driver.put("loader", loader);

        SyscallDriver.Result result =
                driver("", URI.create(DriverOptions.DEFAULT_REPOSITORY)).run(input(values, false));

        assertThat(result.warnings()).isEmpty();
        assertThat(result.notes()).anySatisfy(note -> assertThat(note).contains("http://drivers.corp/driver"));
    }

    @Test
    void kernelsListedWhereNoLoaderUsesThemAreIgnoredWithAWarning() {
        for (Map<String, Object> values :
                List.of(values(false, "auto", true), values(true, "modern_ebpf", true), values(true, "kmod", false))) {
            SyscallDriver.Result result =
                    driver(UBUNTU, URI.create(DriverOptions.DEFAULT_REPOSITORY)).run(input(values, true));
            assertThat(result.image()).isEmpty();
            assertThat(result.warnings()).singleElement().asString().startsWith("`driverKernels` is ignored");
        }
    }

    @Test
    void kernelsNeedMirroringAndAKernelModuleDriver() {
        assertThatThrownBy(() -> driver(UBUNTU, URI.create(DriverOptions.DEFAULT_REPOSITORY))
                        .run(input(values(true, "auto", true), false)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("turn mirroring on");
        assertThatThrownBy(() -> driver(UBUNTU, URI.create(DriverOptions.DEFAULT_REPOSITORY))
                        .run(input(values(true, "ebpf", true), true)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("driver.kind=ebpf loads an eBPF probe");
    }

    @Test
    void listedKernelsGetTheirDriversOfBothArchitecturesInADerivedLoaderImage() {
        try (DriverRepositoryServer repository = DriverRepositoryServer.start()) {
            for (String arch : List.of("x86_64", "aarch64")) {
                repository.put(
                        DRIVER,
                        arch,
                        "falco_ubuntu-generic_5.4.0-150-generic_167.ko",
                        SyntheticArtifacts.kernelModule(arch, UBUNTU));
            }
            repository.put(
                    DRIVER,
                    "x86_64",
                    "falco_debian_5.10.0-28-amd64_1.ko",
                    SyntheticArtifacts.kernelModule("x86_64", DEBIAN));

            SyscallDriver.Result result = driver(UBUNTU + "," + DEBIAN + ":x86_64", repository.uri())
                    .run(input(values(true, "auto", true), true));

            DriverImagePlan plan = result.image().orElseThrow();
            assertThat(plan.baseImage().toString()).isEqualTo(INTERNAL + "/falco/falco-driver-loader:0.44.0");
            assertThat(plan.image().toString())
                    .matches(INTERNAL.replace(".", "\\.")
                            + "/falco/falco-driver-loader:0\\.44\\.0-drivers-[0-9a-f]{12}");
            assertThat(plan.driverVersion()).isEqualTo(DRIVER);
            assertThat(plan.drivers())
                    .extracting(DriverImagePlan.Driver::path)
                    .containsExactly(
                            "/opt/falco-offline/.falco/10.2.0+driver/aarch64/falco_ubuntu-generic_5.4.0-150-generic_167.ko",
                            "/opt/falco-offline/.falco/10.2.0+driver/x86_64/falco_ubuntu-generic_5.4.0-150-generic_167.ko",
                            "/opt/falco-offline/.falco/10.2.0+driver/x86_64/falco_debian_5.10.0-28-amd64_1.ko");
            assertThat(repository.requests())
                    .contains("/driver/10.2.0+driver/aarch64/falco_ubuntu-generic_5.4.0-150-generic_167.ko");
            assertThat(result.edits())
                    .extracting(ValuesEdit::dottedPath)
                    .containsExactly(
                            "driver.loader.initContainer.image.registry",
                            "driver.loader.initContainer.image.repository",
                            "driver.loader.initContainer.image.tag");
            assertThat(result.warnings()).isEmpty();
            assertThat(result.planSection().get("drivers").toString())
                    .contains(UBUNTU)
                    .contains("sha256:");

            // Another kernel set gives another tag: nodes with the older image pull the new one.
            SyscallDriver.Result fewer = driver(UBUNTU, repository.uri()).run(input(values(true, "auto", true), true));
            assertThat(fewer.image().orElseThrow().image()).isNotEqualTo(plan.image());
        }
    }

    @Test
    void aKernelTheRepositoryLacksFailsNamingItAndTheNearestItLists() {
        try (DriverRepositoryServer repository = DriverRepositoryServer.start()) {
            for (String release : List.of("5.4.0-149-generic_166", "5.4.0-152-generic_169", "5.15.0-1-generic_1")) {
                repository.put(
                        DRIVER,
                        "aarch64",
                        "falco_ubuntu-generic_" + release + ".ko",
                        SyntheticArtifacts.kernelModule("aarch64", release));
                repository.put(
                        DRIVER,
                        "x86_64",
                        "falco_ubuntu-generic_" + release + ".ko",
                        SyntheticArtifacts.kernelModule("x86_64", release));
            }
            assertThatThrownBy(() -> driver(UBUNTU, repository.uri()).run(input(values(true, "kmod", true), true)))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("has no driver 10.2.0+driver for kernel " + UBUNTU)
                    .hasMessageContaining("The nearest kernels it lists for ubuntu-generic:")
                    .hasMessageContaining("ubuntu-generic:5.4.0-149-generic:166")
                    .hasMessageContaining("ubuntu-generic:5.4.0-152-generic:169");

            repository.withoutListings();
            assertThatThrownBy(() -> driver(UBUNTU, repository.uri()).run(input(values(true, "kmod", true), true)))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("falco_ubuntu-generic_5.4.0-150-generic_167.ko is not there")
                    .hasMessageContaining("offers no listing at " + repository.uri() + "/10.2.0%2Bdriver/");
        }
    }
}
