package io.falcooffline.core.falco.bake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.falco.DriverImagePlan;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The driver-loader image with prebuilt drivers, built in a real registry from a base loader image there. */
class DriverLoaderBakerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DRIVER = "10.2.0+driver";
    private static LocalRegistry registry;
    private static RegistryClient client;

    @BeforeAll
    static void publish() {
        registry = LocalRegistry.startPlain();
        client = new RegistryClient(registry.clientOptions().build());
        SyntheticArtifacts.ociImage(
                        "falco-driver-loader",
                        SyntheticArtifacts.PLUGIN_PLATFORMS,
                        platform -> Map.of("usr/src/falco-10.2.0+driver/dkms.conf", new byte[] {'x'}))
                .pushTo(client, "falco/falco-driver-loader", "0.44.0");
    }

    @AfterAll
    static void stop() {
        client.close();
        registry.close();
    }

    private static DriverImagePlan plan(String tag, List<Platform> platforms) {
        List<DriverImagePlan.Driver> drivers = new ArrayList<>();
        for (String arch : List.of("x86_64", "aarch64")) {
            byte[] module = SyntheticArtifacts.kernelModule(arch, "ubuntu");
            drivers.add(new DriverImagePlan.Driver(
                    "ubuntu-generic:5.4.0-150-generic:167",
                    arch,
                    DriverImagePlan.path(DRIVER, arch, "falco_ubuntu-generic_5.4.0-150-generic_167.ko"),
                    module,
                    Digests.sha256(module),
                    "http://127.0.0.1/driver/" + arch));
        }
        return new DriverImagePlan(
                OciReference.parse(registry.host() + "/falco/falco-driver-loader:0.44.0"),
                OciReference.parse(registry.host() + "/falco/falco-driver-loader:" + tag),
                DRIVER,
                drivers,
                platforms);
    }

    @Test
    void eachPlatformGetsItsArchitecturesDriversAndHomePointingAtThemTheSameBytesEveryTime() throws IOException {
        List<Platform> platforms = List.of(Platform.parse("linux/arm64"), Platform.parse("linux/amd64"));
        DriverLoaderBaker.Built first = DriverLoaderBaker.bake(
                plan("0.44.0-drivers-a", platforms), BakeStore.registry(client), ProgressListener.SILENT);
        DriverLoaderBaker.Built again = DriverLoaderBaker.bake(
                plan("0.44.0-drivers-b", platforms), BakeStore.registry(client), ProgressListener.SILENT);

        assertThat(again.index().digest()).isEqualTo(first.index().digest());
        assertThat(client.resolve("falco/falco-driver-loader", "0.44.0-drivers-a")
                        .orElseThrow()
                        .digest())
                .isEqualTo(first.index().digest());
        for (BakeResult.PlatformImage image : first.platforms()) {
            String arch = image.platform().architecture().equals("arm64") ? "aarch64" : "x86_64";
            JsonNode config = JSON.readTree(blob(image.config()));
            List<String> env = new ArrayList<>();
            config.path("config").path("Env").forEach(variable -> env.add(variable.asString()));
            assertThat(env).as(arch).containsExactly("HOME=/opt/falco-offline");
            assertThat(config.path("rootfs").path("diff_ids")).hasSize(2);
            assertThat(files(blob(image.addedLayer())))
                    .as(arch)
                    .containsExactly(
                            "opt/",
                            "opt/falco-offline/",
                            "opt/falco-offline/.falco/",
                            "opt/falco-offline/.falco/10.2.0+driver/",
                            "opt/falco-offline/.falco/10.2.0+driver/" + arch + "/",
                            "opt/falco-offline/.falco/10.2.0+driver/" + arch
                                    + "/falco_ubuntu-generic_5.4.0-150-generic_167.ko");
        }
    }

    @Test
    void aBaseWithoutThePlatformIsRefusedAndNothingIsTagged() {
        assertThatThrownBy(() -> DriverLoaderBaker.bake(
                        plan("0.44.0-drivers-s390x", List.of(Platform.parse("linux/s390x"))),
                        BakeStore.registry(client),
                        ProgressListener.SILENT))
                .isInstanceOf(BakeException.class);
        assertThat(client.resolve("falco/falco-driver-loader", "0.44.0-drivers-s390x"))
                .isEmpty();
    }

    private static byte[] blob(Descriptor descriptor) throws IOException {
        try (InputStream in = client.fetchBlob("falco/falco-driver-loader", descriptor)) {
            return in.readAllBytes();
        }
    }

    private static List<String> files(byte[] layer) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(layer)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
