package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.Manifest;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What delivery=registry renders for a TLS registry with a private CA and a login Secret, on the real chart. */
@Tag("upstream")
class RegistryDeliveryRenderTest {

    private static final String REGISTRY = "harbor.corp:8443";

    @TempDir
    Path work;

    @Test
    void falcoctlTrustsThePrivateCaAndReadsTheLoginFromTheNamedSecret() throws Exception {
        Path certs = Files.createDirectories(work.resolve("certs"));
        TestCertificates certificates = TestCertificates.generate(certs);
        PackageResult result = FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(TestCharts.upstreamFalco())
                        .registry(REGISTRY)
                        .repositoryPrefix("falco")
                        .outputDirectory(work.resolve("out"))
                        .mirror(MirrorOptions.builder()
                                .caFile(certificates.caCertificate())
                                .build())
                        .registrySecret("harbor-pull")
                        .build(),
                ProgressListener.SILENT);
        RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

        String pem = Files.readString(certificates.caCertificate(), StandardCharsets.US_ASCII)
                .strip();
        Manifest configMap = rendered.get("ConfigMap", RegistryDelivery.CA_CONFIG_MAP);
        assertThat(configMap.at("data", RegistryDelivery.CA_KEY).toString().strip())
                .isEqualTo(pem);
        Map<String, Object> pod = pod(rendered);
        assertThat(pod.get("volumes").toString())
                .contains("configMap={name=" + RegistryDelivery.CA_CONFIG_MAP + "}")
                .contains("secretName=harbor-pull")
                .contains("key=.dockerconfigjson, path=config.json");
        for (String container : List.of("falcoctl-artifact-install", "falcoctl-artifact-follow")) {
            Map<String, Object> falcoctl = container(pod, container);
            assertThat(falcoctl.get("env").toString())
                    .contains("name=SSL_CERT_FILE, value=" + RegistryDelivery.CA_DIRECTORY + "/"
                            + RegistryDelivery.CA_KEY);
            assertThat(falcoctl.get("volumeMounts").toString())
                    .contains("mountPath=" + RegistryDelivery.CA_DIRECTORY)
                    .contains("mountPath=" + RegistryDelivery.AUTH_DIRECTORY);
            // TLS registry: falcoctl's default protocol.
            assertThat(falcoctl.get("args").toString()).doesNotContain("--plain-http");
        }
        Map<String, Object> falcoctlConfig = rendered.falcoctlConfig().orElseThrow();
        assertThat(RenderedManifests.valueAt(falcoctlConfig, "registry", "creds", "config"))
                .isEqualTo(RegistryDelivery.AUTH_DIRECTORY + "/config.json");
        assertThat(RenderedManifests.valueAt(falcoctlConfig, "registry", "auth"))
                .isNull();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pod(RenderedManifests rendered) {
        for (Manifest manifest : rendered.ofKind("DaemonSet")) {
            return (Map<String, Object>) manifest.at("spec", "template", "spec");
        }
        throw new AssertionError("no DaemonSet");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> pod, String name) {
        for (String list : List.of("initContainers", "containers")) {
            for (Object container : (List<Object>) pod.getOrDefault(list, List.of())) {
                Map<String, Object> map = (Map<String, Object>) container;
                if (name.equals(map.get("name"))) {
                    return map;
                }
            }
        }
        throw new AssertionError("no container " + name + " in " + pod);
    }
}
