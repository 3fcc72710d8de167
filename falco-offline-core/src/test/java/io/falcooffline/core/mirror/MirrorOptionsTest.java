package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.Platform;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorOptionsTest {

    @TempDir
    Path temp;

    @Test
    void shouldNormalizeMirrorsAndRegistryHosts() {
        MirrorOptions options = MirrorOptions.builder()
                .mode(MirrorMode.PUSH)
                .registryMirrors(Map.of("docker.io", "nexus.corp:8443/dockerhub/", "ghcr.io", " 127.0.0.1:5001"))
                .platforms(List.of(Platform.parse("linux/arm64"), Platform.parse("linux/arm/v7")))
                .insecureRegistries(List.of("127.0.0.1:5001", "Registry-1.Docker.io"))
                .credentials("index.docker.io", RegistryCredentials.basic("me", "pa:ss"))
                .build();

        assertThat(options.registryMirrors())
                .containsEntry("docker.io", "nexus.corp:8443/dockerhub")
                .containsEntry("ghcr.io", "127.0.0.1:5001");
        assertThat(options.platforms()).extracting(Platform::toString).containsExactly("linux/arm64", "linux/arm/v7");
        assertThat(options.insecureRegistries()).containsExactlyInAnyOrder("127.0.0.1:5001", "docker.io");
        assertThat(options.credentials()).containsOnlyKeys("docker.io");
        assertThat(options.toString()).doesNotContain("pa:ss");
        assertThat(options.copySignatures()).isTrue();
        assertThat(options.parallelism()).isEqualTo(16);
        assertThat(MirrorOptions.none().mode()).isEqualTo(MirrorMode.NONE);
    }

    @Test
    void shouldFillBundleAndLockFileFromOutputDirectoryOnlyWhenUnset() {
        Path out = temp.resolve("out");
        MirrorOptions defaulted =
                MirrorOptions.builder().mode(MirrorMode.BUNDLE).build().withDefaults(out);
        MirrorOptions explicit = MirrorOptions.builder()
                .bundle(temp.resolve("b"))
                .lockFile(temp.resolve("l.json"))
                .build()
                .withDefaults(out);

        assertThat(defaulted.bundle()).contains(out.resolve("bundle"));
        assertThat(defaulted.lockFile()).contains(out.resolve("falco-offline.lock.json"));
        assertThat(explicit.bundle()).contains(temp.resolve("b"));
        assertThat(explicit.lockFile()).contains(temp.resolve("l.json"));
    }

    @Test
    void shouldNameTheParameterWhenASettingIsMalformed() {
        assertThatThrownBy(() -> MirrorOptions.builder()
                        .registryMirror("docker.io", "https://nexus.corp")
                        .build())
                .isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("registryMirrors");
        assertThatThrownBy(() -> Platform.parse("arm64"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("os/architecture")
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("platforms");
        assertThatThrownBy(() -> MirrorOptions.builder().parallelism(0).build())
                .isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("parallelism");
        assertThatThrownBy(() ->
                        MirrorOptions.builder().caFile(temp.resolve("none.pem")).build())
                .isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("caFile");
        assertThatThrownBy(() -> PushRequest.builder().build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("-Dfalco-offline.bundle=")
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("bundle");
    }

    @Test
    void shouldReadDockerHubAndGhcrThroughTheirMirrorsWhenConfigured() {
        List<String> opened = new ArrayList<>();
        Stores.Opener opener = host -> {
            opened.add(host);
            return OciLayoutStore.openForWriting(temp.resolve("store-" + opened.size()));
        };
        try (Stores stores =
                new Stores(opener, Map.of("docker.io", "nexus.corp:8443/dockerhub", "ghcr.io", "127.0.0.1:5001"))) {
            Location redis = stores.source(OciReference.parse("redis:7.2"));
            Location falco = stores.source(OciReference.parse("registry-1.docker.io/falcosecurity/falco:0.44.0"));
            Location rules = stores.source(OciReference.parse("ghcr.io/falcosecurity/rules/falco-rules:5"));
            Location quay = stores.source(OciReference.parse("quay.io/org/app:1"));

            assertThat(redis.repository()).isEqualTo("dockerhub/library/redis");
            assertThat(falco.repository()).isEqualTo("dockerhub/falcosecurity/falco");
            assertThat(falco.store()).isSameAs(redis.store());
            assertThat(rules.repository()).isEqualTo("falcosecurity/rules/falco-rules");
            assertThat(quay.repository()).isEqualTo("org/app");
            assertThat(opened).containsExactly("nexus.corp:8443", "127.0.0.1:5001", "quay.io");
            OciStore unused = stores.registry("NEXUS.corp:8443");
            assertThat(unused).isSameAs(redis.store());
        }
    }
}
