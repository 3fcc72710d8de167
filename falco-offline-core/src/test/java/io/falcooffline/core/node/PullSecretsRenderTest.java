package io.falcooffline.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.Manifest;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.render.TestCharts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every pod the real chart runs names the {@code registrySecret} as image pull secret, subcharts included. */
@Tag("upstream")
class PullSecretsRenderTest {

    private static final String REGISTRY = "192.168.5.96:30003";

    @TempDir
    Path work;

    private final List<String> log = new ArrayList<>();

    private PackageRequest.Builder request(String name) throws IOException {
        Path values = Files.writeString(
                work.resolve("subcharts.yaml"),
                "falcosidekick:\n  enabled: true\n  webui:\n    enabled: true\ncollectors:\n  kubernetes:\n    enabled: true\n",
                StandardCharsets.UTF_8);
        return PackageRequest.builder()
                .chart(TestCharts.upstreamFalco())
                .registry(REGISTRY)
                .repositoryPrefix("falco")
                .valuesFile(values)
                .imagePullSecrets(List.of("other-pull"))
                .registrySecret("harbor-pull")
                .strict(false)
                .outputDirectory(work.resolve(name));
    }

    @Test
    void everyPodPullsWithTheRegistrySecretAfterTheImagePullSecrets() throws IOException {
        PackageResult result =
                FalcoOffline.packageChart(request("default").build(), (level, message) -> log.add(message));
        RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

        Map<String, List<String>> secrets = podPullSecrets(rendered);
        assertThat(secrets)
                .containsKeys(
                        "DaemonSet/falco",
                        "Deployment/falco-falcosidekick",
                        "Deployment/falco-falcosidekick-ui",
                        "StatefulSet/falco-falcosidekick-ui-redis",
                        "Deployment/falco-k8s-metacollector")
                .allSatisfy((pod, names) -> assertThat(names).as(pod).containsExactly("other-pull", "harbor-pull"));
        assertThat(result.plan().nodes())
                .containsEntry("imagePullSecrets", List.of("other-pull", "harbor-pull"))
                .containsEntry("registryTrust", "https");
        assertThat(log)
                .anySatisfy(line -> assertThat(line)
                        .contains("Secret harbor-pull")
                        .contains("must exist in namespace falco")
                        .contains("kubectl create secret docker-registry harbor-pull --namespace falco"
                                + " --docker-server=" + REGISTRY + " --docker-username='<user>'"
                                + " --docker-password='<password>'"));
        // A registry with a publicly trusted certificate needs no node files.
        assertThat(work.resolve("default/nodes")).doesNotExist();
    }

    @Test
    void theRegistrySecretStaysFalcoctlsLoginOnlyWhenTurnedOff() throws IOException {
        PackageResult result = FalcoOffline.packageChart(
                request("off").registrySecretAsPullSecret(false).build(), (level, message) -> log.add(message));
        RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

        assertThat(podPullSecrets(rendered))
                .isNotEmpty()
                .allSatisfy((pod, names) -> assertThat(names).as(pod).containsExactly("other-pull"));
        assertThat(rendered.text()).contains("secretName: harbor-pull");
        assertThat(log).anySatisfy(line -> assertThat(line).contains("registrySecretAsPullSecret is off"));
    }

    private static Map<String, List<String>> podPullSecrets(RenderedManifests rendered) {
        Map<String, List<String>> secrets = new java.util.TreeMap<>();
        for (Manifest manifest : rendered.documents()) {
            if (!List.of("DaemonSet", "Deployment", "StatefulSet").contains(manifest.kind())) {
                continue;
            }
            Object entries = manifest.at("spec", "template", "spec", "imagePullSecrets");
            List<String> names = new ArrayList<>();
            if (entries instanceof List<?> list) {
                list.forEach(entry -> names.add(String.valueOf(((Map<?, ?>) entry).get("name"))));
            }
            secrets.put(manifest.kind() + "/" + manifest.name(), names);
        }
        return secrets;
    }
}
