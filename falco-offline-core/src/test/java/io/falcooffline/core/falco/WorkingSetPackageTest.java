package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOptions;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.node.NodeSetup;
import io.falcooffline.core.node.NodeSimulation;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code custom_values.yaml} with {@code delivery=baked} and nothing pinned, against a source that holds the
 * k8saudit rules up to 0.18.0 but the k8saudit plugin only up to 0.16.1: the package run takes the newest set that
 * works, says in the plan why the newer rules were skipped, and Falco starts from the baked image.
 */
@Tag("upstream")
class WorkingSetPackageTest {

    private static final String RULES_SKIPPED =
            "k8saudit-rules 0.18.0 skipped: needs k8saudit >= 0.18.0, source has up to 0.16.1";

    @TempDir
    static Path work;

    private static FalcoUpstream upstream;

    @BeforeAll
    static void startUpstream() {
        upstream = FalcoUpstream.start(work.resolve("upstream"));
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void customValuesBakeTheNewestWorkingSetWithoutPinsAndFalcoStarts() throws IOException {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageResult result =
                    FalcoOffline.packageChart(request(internal, "baked").build(), ProgressListener.SILENT);

            Map<String, Object> falco = result.plan().falco();
            List<Map<String, Object>> artifacts = (List<Map<String, Object>>) falco.get("artifacts");
            assertThat(artifacts)
                    .extracting(artifact -> artifact.get("name") + " " + artifact.get("version"))
                    .containsExactlyInAnyOrder("k8saudit 0.16.1", "json 0.7.4", "k8saudit-rules 0.16.1");
            assertThat(artifacts).allSatisfy(artifact -> assertThat(artifact).containsEntry("pinned", false));
            assertThat(artifacts)
                    .filteredOn(artifact -> artifact.get("name").equals("k8saudit-rules"))
                    .singleElement()
                    .satisfies(rules ->
                            assertThat((List<String>) rules.get("skipped")).containsExactly(RULES_SKIPPED));
            assertThat(falco.get("notes").toString()).contains(RULES_SKIPPED);
            assertThat(((Map<String, Object>) falco.get("bake"))
                            .get("artifacts")
                            .toString())
                    .contains(internal.host() + "/falco/k8saudit-rules:0.16.1")
                    .contains(internal.host() + "/falco/k8saudit:0.16.1");

            NodeSimulation.Verdict verdict = new NodeSimulation(internal.host(), client, true, "linux/arm64")
                    .withNodeFiles(NodeSetup.containerdFiles(
                            result.chartFile().orElseThrow().getParent()))
                    .run(
                            HelmRenderer.render(result.chartFile().orElseThrow()),
                            List.of("/etc/falco/k8s_audit_rules.yaml"));
            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsOnlyKeys("k8saudit", "json");
        }
    }

    @Test
    void aPinTheSourceCannotMeetFailsBeforeAnythingIsPushedOrWritten() throws IOException {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageRequest request = request(internal, "refused")
                    .falco(falco().artifacts(List.of("k8saudit-rules:0.18.0")).build())
                    .build();

            assertThatThrownBy(() -> FalcoOffline.packageChart(request, ProgressListener.SILENT))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("The closest combination is k8saudit-rules 0.18.0")
                    .hasMessageContaining("needs k8saudit >= 0.18.0, source has up to 0.16.1")
                    .hasMessageContaining("`artifacts`");
            assertThat(work.resolve("refused")).doesNotExist();
            assertThat(client.listTags("falco/falco")).isEmpty();
        }
    }

    private PackageRequest.Builder request(LocalRegistry internal, String name) throws IOException {
        String values = Files.readString(TestCharts.upstreamCustomValues(), StandardCharsets.UTF_8)
                .replace("192.168.5.96:30003", internal.host());
        Path valuesFile = work.resolve("custom_values-" + name + ".yaml");
        Files.writeString(valuesFile, values, StandardCharsets.UTF_8);
        return PackageRequest.builder()
                .chart(TestCharts.upstreamFalco())
                .valuesFile(valuesFile)
                .registry(internal.host())
                .repositoryPrefix("falco")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .outputDirectory(work.resolve(name))
                .strict(true)
                .mirror(MirrorOptions.builder()
                        .mode(MirrorMode.PUSH)
                        .registryMirrors(upstream.registryMirrors())
                        .insecureRegistries(List.of(upstream.host(), internal.host()))
                        .platforms(List.of(Platform.parse("linux/arm64"), Platform.parse("linux/amd64")))
                        .build())
                .falco(falco().build());
    }

    /** The baked delivery, short names resolved through the stand-in's partial index. */
    private static FalcoOptions.Builder falco() {
        return FalcoOptions.builder()
                .delivery(Delivery.BAKED)
                .falcoctlIndex(upstream.partialIndexFile().toString());
    }
}
