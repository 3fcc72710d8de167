package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Addresses never carry credentials, and refusing one never repeats the secret. */
class CredentialRulesTest {

    private static final String SECRET = "Pl4nted-S3cret";

    private static PackageRequest.Builder request() {
        return PackageRequest.builder().chart(Path.of("falco-9.0.0.tgz")).outputDirectory(Path.of("out"));
    }

    private static void assertRefusedWithoutEcho(String parameter, Supplier<Object> build) {
        assertThatThrownBy(build::get)
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo(parameter))
                .hasMessageContaining("`" + parameter + "` holds a user name or password")
                .hasMessageContaining("settings.xml")
                .hasMessageContaining("docker login")
                .hasMessageNotContaining(SECRET)
                .hasMessageNotContaining("alice");
    }

    @Test
    void shouldRefuseUserInfoInTheRegistry() {
        assertRefusedWithoutEcho(
                "registry",
                () -> request()
                        .registry("alice:" + SECRET + "@harbor.corp:8443")
                        .build());
        assertRefusedWithoutEcho(
                "registry", () -> request().registry("alice@harbor.corp").build());
        assertRefusedWithoutEcho(
                "registry",
                () -> PushRequest.builder()
                        .bundle(Path.of("b"))
                        .registry("alice:" + SECRET + "@h:5000")
                        .build());
    }

    @Test
    void shouldRefuseUserInfoInRegistryMirrorsAndOtherAddresses() {
        assertRefusedWithoutEcho(
                "registryMirrors",
                () -> MirrorOptions.builder()
                        .registryMirror("docker.io", "alice:" + SECRET + "@nexus.corp:8443/dockerhub"));
        assertRefusedWithoutEcho(
                "registryMirrors",
                () -> MirrorOptions.builder().registryMirror("docker.io", "https://alice:" + SECRET + "@nexus"));
        assertRefusedWithoutEcho(
                "insecureRegistries",
                () -> MirrorOptions.builder().insecureRegistries(java.util.List.of("alice:" + SECRET + "@h:5000")));
        assertRefusedWithoutEcho(
                "overrides",
                () -> request()
                        .registry("h:5000")
                        .overrides(java.util.Map.of("docker.io/a/b", "alice:" + SECRET + "@h:5000/a/b"))
                        .build());
        assertRefusedWithoutEcho(
                "auditWebhookAddress",
                () -> AuditOptions.builder()
                        .webhookAddress("alice:" + SECRET + "@10.0.0.5")
                        .build());
    }

    @Test
    void shouldRefuseAPortThatIsNotATcpPort() {
        assertThatThrownBy(() -> request().registry("harbor.corp:99999").build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("port 99999")
                .hasMessageContaining("1-65535");
        assertThatThrownBy(() -> MirrorOptions.builder()
                        .registryMirror("docker.io", "nexus:0/x")
                        .build())
                .hasMessageContaining("port 0");
        assertThat(request().registry("harbor.corp:65535").build().registry()).isEqualTo("harbor.corp:65535");
    }
}
