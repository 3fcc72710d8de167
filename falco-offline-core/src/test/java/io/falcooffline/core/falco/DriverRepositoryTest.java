package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.testing.DriverRepositoryServer;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.net.URI;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Drivers read from a real HTTP server on the loopback, in falcoctl's layout, and checked before use. */
class DriverRepositoryTest {

    private static final String DRIVER = "10.2.0+driver";
    private static final DriverKernel KERNEL = DriverKernel.parse("ubuntu-generic:5.4.0-150-generic:167");

    private static DriverRepository client(URI uri, long maxBytes) {
        return new DriverRepository(uri, RegistryAccess.builder().build(), ProgressListener.SILENT, maxBytes);
    }

    @Test
    void readsTheDriverAtFalcoctlsUrlAndChecksItIsAKernelModuleForTheArchitecture() {
        byte[] module = SyntheticArtifacts.kernelModule("aarch64", "k");
        try (DriverRepositoryServer server = DriverRepositoryServer.start()) {
            server.put(DRIVER, "aarch64", KERNEL.fileName(), module);

            DriverRepository.Fetched fetched = client(server.uri(), 1 << 20).fetch(DRIVER, "aarch64", KERNEL);

            assertThat(fetched.content()).isEqualTo(module);
            assertThat(fetched.url())
                    .hasToString(
                            server.uri() + "/10.2.0%2Bdriver/aarch64/falco_ubuntu-generic_5.4.0-150-generic_167.ko");
            assertThat(fetched.digest()).startsWith("sha256:");
        }
    }

    @Test
    void whatIsNotAKernelModuleForTheArchitectureIsRefused() {
        try (DriverRepositoryServer server = DriverRepositoryServer.start()) {
            byte[] sharedObject = SyntheticArtifacts.sharedLibrary(
                    io.falcooffline.core.testing.SyntheticArtifacts.PLUGIN_PLATFORMS.get(0), "so");
            server.put(
                    DRIVER,
                    "x86_64",
                    KERNEL.fileName(),
                    "<html>not found</html>".repeat(10).getBytes());
            server.put(DRIVER, "aarch64", KERNEL.fileName(), SyntheticArtifacts.kernelModule("x86_64", "k"));
            DriverRepository client = client(server.uri(), 1 << 20);

            assertThatThrownBy(() -> client.fetch(DRIVER, "x86_64", KERNEL))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("is not a kernel module for x86_64: it is not an ELF file");
            assertThatThrownBy(() -> client.fetch(DRIVER, "aarch64", KERNEL))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("built for ELF machine 62, not 183 (aarch64)");
            server.put(DRIVER, "x86_64", KERNEL.fileName(), sharedObject);
            assertThatThrownBy(() -> client.fetch(DRIVER, "x86_64", KERNEL))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("not a relocatable object");
        }
    }

    @Test
    void aDriverOverTheSizeBoundIsRefused() {
        try (DriverRepositoryServer server = DriverRepositoryServer.start()) {
            byte[] big = Arrays.copyOf(SyntheticArtifacts.kernelModule("x86_64", "k"), 8193);
            server.put(DRIVER, "x86_64", KERNEL.fileName(), big);

            assertThatThrownBy(() -> client(server.uri(), 8192).fetch(DRIVER, "x86_64", KERNEL))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("is larger than 8192 bytes");
        }
    }

    @Test
    void aHugeHostileListingIsReadInBoundedTime() {
        try (DriverRepositoryServer server = DriverRepositoryServer.start()) {
            server.put(DRIVER, "x86_64", "falco_" + "a_".repeat(1_000_000) + "x", new byte[1]);
            server.put(DRIVER, "x86_64", "falco_ubuntu-generic_5.4.0-149-generic_166.ko", new byte[1]);

            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(30),
                    () -> assertThatThrownBy(() -> client(server.uri(), 1 << 20).fetch(DRIVER, "x86_64", KERNEL))
                            .isInstanceOf(FalcoArtifactException.class)
                            .hasMessageContaining("ubuntu-generic:5.4.0-149-generic:166"));
        }
    }

    @Test
    void aRepositoryRedirectingToAnotherHostIsRefused() {
        try (DriverRepositoryServer elsewhere = DriverRepositoryServer.start();
                DriverRepositoryServer server = DriverRepositoryServer.start()) {
            elsewhere.put(DRIVER, "x86_64", KERNEL.fileName(), SyntheticArtifacts.kernelModule("x86_64", "k"));
            server.redirectingTo(URI.create(elsewhere.uri().toString().replace("/driver", "")));

            assertThatThrownBy(() -> client(server.uri(), 1 << 20).fetch(DRIVER, "x86_64", KERNEL))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("redirects")
                    .hasMessageContaining("another host or scheme");
            assertThat(elsewhere.requests()).isEmpty();
        }
    }
}
