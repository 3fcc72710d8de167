package io.falcooffline.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRegistryTest {

    @Test
    void shouldStartWellUnderTwoSecondsAndCleanUpOnClose() {
        long start = System.nanoTime();
        Path storage;
        try (LocalRegistry registry = LocalRegistry.startPlain()) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(registry.isRunning()).isTrue();
            assertThat(registry.log()).contains("listening on 127.0.0.1:" + registry.port());
            storage = registry.storageDirectory().getParent();
        }
        assertThat(Files.exists(storage)).isFalse();
    }

    @Test
    void shouldFailLoudlyNamingThePackageWhenAToolIsMissing() {
        assertThatThrownBy(() -> ExternalCommand.requireInstalled("/usr/bin/docker-registry-not-installed"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install");
    }

    @Test
    void shouldRefuseTwoAuthProviders(@org.junit.jupiter.api.io.TempDir Path temp) {
        TestCertificates certificates = TestCertificates.generate(temp);
        try (TokenServer tokens = TokenServer.start(certificates)) {
            assertThatThrownBy(() -> LocalRegistry.builder()
                            .htpasswd("a", "b")
                            .tokenAuth(tokens)
                            .start())
                    .hasMessageContaining("one auth provider");
        }
    }
}
