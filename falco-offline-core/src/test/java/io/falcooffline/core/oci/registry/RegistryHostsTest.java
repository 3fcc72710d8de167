package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.plan.OciReference;
import org.junit.jupiter.api.Test;

class RegistryHostsTest {

    @Test
    void shouldMapDockerHubNamesToItsApiHost() {
        assertThat(RegistryHosts.apiHost("docker.io")).isEqualTo("registry-1.docker.io");
        assertThat(RegistryHosts.apiHost("index.docker.io")).isEqualTo("registry-1.docker.io");
        assertThat(RegistryHosts.apiHost("Docker.IO")).isEqualTo("registry-1.docker.io");
        assertThat(RegistryHosts.apiHost("ghcr.io")).isEqualTo("ghcr.io");
        assertThat(RegistryHosts.apiHost("192.168.5.96:30003")).isEqualTo("192.168.5.96:30003");
    }

    @Test
    void shouldAddLibraryOnlyToSingleSegmentDockerHubRepositories() {
        assertThat(OciReference.normalizeRepository("docker.io", "alpine")).isEqualTo("library/alpine");
        assertThat(OciReference.normalizeRepository("docker.io", "falcosecurity/falco"))
                .isEqualTo("falcosecurity/falco");
        assertThat(OciReference.normalizeRepository("ghcr.io", "alpine")).isEqualTo("alpine");
        assertThat(OciReference.canonicalRegistry("registry-1.docker.io")).isEqualTo("docker.io");
    }

    @Test
    void shouldUseTheDockerHubApiHostInClientMessages() {
        try (RegistryClient client =
                new RegistryClient(RegistryClientOptions.builder("docker.io").build())) {
            assertThat(client.describe()).isEqualTo("registry docker.io (https)");
        }
    }
}
