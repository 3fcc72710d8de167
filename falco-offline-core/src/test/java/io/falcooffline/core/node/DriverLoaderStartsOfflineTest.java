package io.falcooffline.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOptions;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.falco.FalcoUpstream;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.DriverRepositoryServer;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's default Falco (driver on, {@code driver.kind: auto}) packaged against the real chart, pushed into an
 * empty plain-HTTP registry, rendered with Helm, and its driver-loader init container run by
 * {@link DriverLoaderSimulation} on nodes that reach nothing but that registry: with {@code driverKernels} the loader
 * finds every listed kernel's driver in its image, on arm64 and amd64; an unlisted kernel without headers fails, as
 * the build warned when no kernels were listed; with {@code modern_ebpf} the loader image is neither pulled nor
 * mirrored.
 */
@Tag("upstream")
class DriverLoaderStartsOfflineTest {

    private static final List<String> PLATFORMS = List.of("linux/arm64", "linux/amd64");
    private static final List<String> KERNELS =
            List.of("ubuntu-generic:5.4.0-150-generic:167", "debian:5.10.0-28-cloud-amd64:1");
    private static final String RULES = "/etc/falco/falco_rules.yaml";

    @TempDir
    static Path work;

    private static FalcoUpstream upstream;
    private static DriverRepositoryServer drivers;

    @BeforeAll
    static void start() {
        upstream = FalcoUpstream.start(work.resolve("upstream"));
        drivers = DriverRepositoryServer.start();
        for (String kernel : KERNELS) {
            String[] parts = kernel.split(":");
            for (String arch : List.of("x86_64", "aarch64")) {
                drivers.put(
                        "10.2.0+driver",
                        arch,
                        "falco_" + parts[0] + "_" + parts[1] + "_" + parts[2] + ".ko",
                        SyntheticArtifacts.kernelModule(arch, kernel));
            }
        }
    }

    @AfterAll
    static void stop() {
        drivers.close();
        upstream.close();
    }

    private PackageRequest.Builder request(LocalRegistry internal, String name) {
        return PackageRequest.builder()
                .chart(TestCharts.upstreamFalco())
                .registry(internal.host())
                .repositoryPrefix("falco")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .outputDirectory(work.resolve(name))
                .strict(true)
                .mirror(MirrorOptions.builder()
                        .mode(MirrorMode.PUSH)
                        .registryMirrors(upstream.registryMirrors())
                        .insecureRegistries(List.of(upstream.host(), internal.host()))
                        .platforms(PLATFORMS.stream().map(Platform::parse).toList())
                        .build())
                .falco(falco().build());
    }

    /** Short names resolve through the stand-in's index, drivers come from the stand-in repository. */
    private static FalcoOptions.Builder falco() {
        return FalcoOptions.builder()
                .falcoctlIndex(upstream.indexFile().toString())
                .driverRepository(drivers.uri().toString());
    }

    /** A node set up as the files the run {@code name} wrote under {@code nodes/} say. */
    private NodeSimulation node(LocalRegistry internal, OciStore client, String platform, String name) {
        return new NodeSimulation(internal.host(), client, true, platform)
                .withNodeFiles(NodeSetup.containerdFiles(work.resolve(name)));
    }

    @Test
    void chartDefaultsStartOnLegacyKernelsWithoutHeadersForEveryListedKernelOnArm64AndAmd64() {
        List<String> messages = new CopyOnWriteArrayList<>();
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "kernels")
                            .falco(falco().driverKernels(KERNELS).build())
                            .build(),
                    (level, message) -> messages.add(level + " " + message));
            RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

            for (String platform : PLATFORMS) {
                for (String kernel : KERNELS) {
                    NodeSimulation node = node(internal, client, platform, "kernels")
                            .withKernel(DriverLoaderSimulation.NodeKernel.legacy(kernel, false));
                    NodeSimulation.Verdict verdict = node.run(rendered, List.of(RULES));
                    assertThat(verdict.failures()).as(platform + " " + kernel).isEmpty();
                    assertThat(node.driverLoader().orElseThrow().module().orElseThrow())
                            .as(platform + " " + kernel)
                            .startsWith("/opt/falco-offline/.falco/10.2.0+driver/"
                                    + (platform.endsWith("arm64") ? "aarch64" : "x86_64") + "/falco_");
                }
                // A kernel nobody listed, without headers: the loader fails and Falco does not start.
                NodeSimulation.Verdict unlisted = node(internal, client, platform, "kernels")
                        .withKernel(
                                DriverLoaderSimulation.NodeKernel.legacy("ubuntu-generic:5.4.0-99-generic:110", false))
                        .run(rendered, List.of(RULES));
                assertThat(unlisted.failures())
                        .anySatisfy(failure -> assertThat(failure)
                                .startsWith("falco-driver-loader:")
                                .contains("ubuntu-generic:5.4.0-99-generic:110")
                                .contains("Falco never starts"));
            }
            assertThat(messages).noneMatch(message -> message.startsWith("WARN") && message.contains("driver"));
            assertThat(messages)
                    .anySatisfy(message -> assertThat(message)
                            .startsWith("INFO The driver loader runs")
                            .contains("a node with another kernel still needs its headers or modern eBPF"));
            assertThat(result.mirror().orElseThrow().entries()).anySatisfy(entry -> {
                assertThat(entry.origin()).isEqualTo(LockEntry.Origin.BAKED);
                assertThat(entry.target()).contains("/falco/falco-driver-loader:0.44.0-drivers-");
                assertThat(entry.platforms()).containsExactlyInAnyOrderElementsOf(PLATFORMS);
            });
            @SuppressWarnings("unchecked")
            Map<String, Object> driver =
                    (Map<String, Object>) result.plan().falco().get("driver");
            assertThat(driver).containsEntry("kind", "auto").containsEntry("loaderRuns", true);
            assertThat(driver.get("drivers").toString())
                    .contains(KERNELS.get(0))
                    .contains(KERNELS.get(1));
        }
    }

    @Test
    void theBundleCarriesTheLoaderWithDriversAndPushLoadsIt() {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            Path output = work.resolve("bundled");
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "bundled")
                            .falco(falco().driverKernels(List.of(KERNELS.get(0)))
                                    .build())
                            .mirror(MirrorOptions.builder()
                                    .mode(MirrorMode.BUNDLE)
                                    .registryMirrors(upstream.registryMirrors())
                                    .insecureRegistries(List.of(upstream.host(), internal.host()))
                                    .platforms(PLATFORMS.stream()
                                            .map(Platform::parse)
                                            .toList())
                                    .build()
                                    .withDefaults(output))
                            .build(),
                    ProgressListener.SILENT);
            assertThat(client.listTags("falco/falco-driver-loader"))
                    .as("nothing pushed in bundle mode")
                    .isEmpty();

            FalcoOffline.push(
                    PushRequest.builder()
                            .bundle(result.mirror().orElseThrow().bundle().orElseThrow())
                            .registry(internal.host())
                            .insecureRegistries(List.of(internal.host()))
                            .build(),
                    ProgressListener.SILENT);

            RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());
            for (String platform : PLATFORMS) {
                NodeSimulation.Verdict verdict = node(internal, client, platform, "bundled")
                        .withKernel(DriverLoaderSimulation.NodeKernel.legacy(KERNELS.get(0), false))
                        .run(rendered, List.of(RULES));
                assertThat(verdict.failures()).as(platform).isEmpty();
            }
        }
    }

    @Test
    void aKernelTheRepositoryLacksFailsTheBuildBeforeAnythingIsPushedOrWritten() {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageRequest request = request(internal, "missing-kernel")
                    .falco(falco().driverKernels(List.of(KERNELS.get(0), "ubuntu-generic:5.4.0-151-generic:168"))
                            .build())
                    .build();

            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> FalcoOffline.packageChart(request, ProgressListener.SILENT))
                    .isInstanceOf(io.falcooffline.core.falco.FalcoArtifactException.class)
                    .hasMessageContaining("ubuntu-generic:5.4.0-151-generic:168")
                    .hasMessageContaining("ubuntu-generic:5.4.0-150-generic:167");
            assertThat(work.resolve("missing-kernel")).doesNotExist();
            assertThat(client.listTags("falco/falco-driver-loader")).isEmpty();
            assertThat(client.listTags("falco/falco")).isEmpty();
        }
    }

    @Test
    void withoutKernelsTheBuildWarnsAndALegacyKernelWithoutHeadersFails() {
        List<String> messages = new CopyOnWriteArrayList<>();
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "no-kernels").build(), (level, message) -> messages.add(level + " " + message));
            RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

            assertThat(messages)
                    .anySatisfy(message -> assertThat(message)
                            .startsWith("WARN On a node whose kernel lacks modern eBPF")
                            .contains("Falco does not start")
                            .contains("`driverKernels`")
                            .contains("driver.kind=modern_ebpf"));
            String arm64 = PLATFORMS.get(0);
            NodeSimulation.Verdict legacy = node(internal, client, arm64, "no-kernels")
                    .withKernel(DriverLoaderSimulation.NodeKernel.legacy(KERNELS.get(0), false))
                    .run(rendered, List.of(RULES));
            assertThat(legacy.failures())
                    .anySatisfy(failure -> assertThat(failure)
                            .contains("https://download.falco.org/driver/10.2.0%2Bdriver/aarch64/")
                            .contains("no kernel headers"));
            NodeSimulation withHeaders = node(internal, client, arm64, "no-kernels")
                    .withKernel(DriverLoaderSimulation.NodeKernel.legacy(KERNELS.get(0), true));
            assertThat(withHeaders.run(rendered, List.of(RULES)).failures()).isEmpty();
            NodeSimulation modern =
                    node(internal, client, arm64, "no-kernels").withKernel(DriverLoaderSimulation.NodeKernel.modern());
            assertThat(modern.run(rendered, List.of(RULES)).failures()).isEmpty();
            assertThat(modern.driverLoader().orElseThrow().driver()).contains("modern_ebpf");
        }
    }

    @Test
    void modernEbpfNeitherPullsNorMirrorsTheLoaderImage() throws IOException {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            Path values = work.resolve("modern-ebpf.yaml");
            Files.writeString(values, "driver:\n  kind: modern_ebpf\n", StandardCharsets.UTF_8);
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "modern-ebpf").valuesFile(values).build(), ProgressListener.SILENT);
            RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

            assertThat(client.listTags("falco/falco-driver-loader")).isEmpty();
            assertThat(result.plan().references())
                    .filteredOn(reference -> reference.source().contains("falco-driver-loader"))
                    .singleElement()
                    .extracting(PlannedReference::inUse)
                    .isEqualTo(false);
            assertThat(result.plan().falco().get("driver").toString()).contains("BTF");
            NodeSimulation node = node(internal, client, PLATFORMS.get(0), "modern-ebpf")
                    .withKernel(DriverLoaderSimulation.NodeKernel.modern());
            assertThat(node.run(rendered, List.of(RULES)).failures()).isEmpty();
            assertThat(node.driverLoader()).isEmpty();
        }
    }
}
