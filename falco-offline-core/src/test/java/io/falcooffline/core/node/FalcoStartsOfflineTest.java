package io.falcooffline.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.falco.FalcoArtifactException;
import io.falcooffline.core.falco.FalcoUpstream;
import io.falcooffline.core.mirror.oci.OciStore;
import io.falcooffline.core.mirror.oci.RegistryClient;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages the real Falco chart against synthetic upstream artifacts in a local registry, pushes into an empty
 * plain-HTTP "internal" registry, renders the output chart with Helm and asks {@link NodeSimulation} whether Falco
 * starts on an arm64 node that reaches only that registry. The same simulation on the output as it was before the
 * {@code falco} stage (the falcoctl args, index and container-plugin mount the tool used to leave) fails, for the
 * reasons the upstream sources give.
 */
@Tag("upstream")
class FalcoStartsOfflineTest {

    private static final String ARM64 = "linux/arm64";

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

    private PackageRequest.Builder request(LocalRegistry internal, String name) {
        return PackageRequest.builder()
                .chart(TestCharts.upstreamFalco())
                .registry(internal.host())
                .repositoryPrefix("falco")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .outputDirectory(work.resolve(name))
                .strict(true)
                .mirror(mirror(internal, MirrorMode.PUSH).build())
                .falcoctlIndex(upstream.indexFile().toString());
    }

    /** Reads upstream through the stand-in registry, both registries over plain HTTP, arm64 and amd64 kept. */
    private static MirrorOptions.Builder mirror(LocalRegistry internal, MirrorMode mode) {
        return MirrorOptions.builder()
                .mode(mode)
                .registryMirrors(upstream.registryMirrors())
                .insecureRegistries(List.of(upstream.host(), internal.host()))
                .platforms("linux/arm64,linux/amd64");
    }

    /** Pushes into a TLS registry whose CA the build trusts; upstream stays the plain-HTTP stand-in. */
    private static MirrorOptions.Builder tlsMirror(LocalRegistry internal) {
        return MirrorOptions.builder()
                .mode(MirrorMode.PUSH)
                .registryMirrors(upstream.registryMirrors())
                .insecureRegistries(List.of(upstream.host()))
                .caFile(internal.caFile().orElseThrow())
                .platforms("linux/arm64,linux/amd64");
    }

    private static NodeSimulation.Verdict simulate(
            LocalRegistry internal, RenderedManifests rendered, String... rules) {
        try (OciStore client = new RegistryClient(internal.clientOptions().build())) {
            return new NodeSimulation(internal.host(), client, true, ARM64).run(rendered, List.of(rules));
        }
    }

    @Test
    void k8sAuditProfileStartsWithFalcoctlFromThePlainHttpRegistry() {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "k8s-audit").profile("k8s-audit").build(), ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();

            NodeSimulation.Verdict verdict =
                    simulate(internal, HelmRenderer.render(chart), "/etc/falco/k8s_audit_rules.yaml");

            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins())
                    .containsEntry("k8saudit", "/usr/share/falco/plugins/libk8saudit.so")
                    .containsEntry("json", "/usr/share/falco/plugins/libjson.so");
            assertThat(SyntheticArtifacts.elfArchitecture(
                            verdict.falcoFiles().get("/usr/share/falco/plugins/libk8saudit.so")))
                    .contains("arm64");

            // Before the falco stage the tool left falcoctl's args as the chart has them: no --plain-http.
            NodeSimulation.Verdict before = simulate(
                    internal,
                    HelmRenderer.of(chart)
                            .set("falcoctl.artifact.install.args[0]", "--log-format=json")
                            .set("falcoctl.artifact.follow.args[0]", "--log-format=json")
                            .render(),
                    "/etc/falco/k8s_audit_rules.yaml");
            assertThat(before.failures())
                    .anySatisfy(failure ->
                            assertThat(failure).startsWith("falcoctl install").contains("speaks HTTPS"));
        }
    }

    @Test
    void k8sAuditProfileStartsWithFalcoctlTrustingThePrivateCaOfATlsRegistry() throws IOException {
        try (LocalRegistry internal = LocalRegistry.builder().tls().start();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "k8s-audit-tls")
                            .profile("k8s-audit")
                            .mirror(tlsMirror(internal).build())
                            .build(),
                    ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();
            NodeSimulation node = new NodeSimulation(internal.host(), client, false, ARM64);

            NodeSimulation.Verdict verdict =
                    node.run(HelmRenderer.render(chart), List.of("/etc/falco/k8s_audit_rules.yaml"));

            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsKeys("k8saudit", "json");

            // Without the CA ConfigMap's SSL_CERT_FILE, falcoctl has only the system's roots.
            Path withoutCa = work.resolve("without-ca.yaml");
            Files.writeString(
                    withoutCa,
                    "falcoctl:\n  artifact:\n    install:\n      env: []\n    follow:\n      env: []\n",
                    StandardCharsets.UTF_8);
            NodeSimulation.Verdict before = node.run(
                    HelmRenderer.of(chart).valuesFile(withoutCa).render(), List.of("/etc/falco/k8s_audit_rules.yaml"));
            assertThat(before.failures())
                    .anySatisfy(failure -> assertThat(failure)
                            .startsWith("falcoctl install")
                            .contains("certificate signed by unknown authority"));
        }
    }

    @Test
    void k8sAuditProfileStartsWithFalcoctlLoggingInFromTheClustersPullSecret() {
        String user = "falco-robot";
        String password = "s3cret-for-falcoctl";
        try (LocalRegistry internal =
                        LocalRegistry.builder().tls().htpasswd(user, password).start();
                OciStore client = new RegistryClient(internal.clientOptions()
                        .credentials(RegistryCredentials.basic(user, password))
                        .build())) {
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "k8s-audit-login")
                            .profile("k8s-audit")
                            .registrySecret("harbor-pull")
                            .mirror(tlsMirror(internal)
                                    .credentials(internal.host(), RegistryCredentials.basic(user, password))
                                    .build())
                            .build(),
                    ProgressListener.SILENT);
            RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());
            String dockerConfig = "{\"auths\":{\"" + internal.host() + "\":{\"auth\":\""
                    + java.util.Base64.getEncoder()
                            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))
                    + "\"}}}";

            NodeSimulation.Verdict verdict = new NodeSimulation(internal.host(), client, false, ARM64)
                    .requiringLogin()
                    .withClusterSecret(
                            "harbor-pull", Map.of(".dockerconfigjson", dockerConfig.getBytes(StandardCharsets.UTF_8)))
                    .run(rendered, List.of("/etc/falco/k8s_audit_rules.yaml"));
            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsKeys("k8saudit", "json");

            // The Secret the values name must exist in the cluster: the chart holds no credential.
            NodeSimulation.Verdict withoutSecret = new NodeSimulation(internal.host(), client, false, ARM64)
                    .requiringLogin()
                    .run(rendered, List.of("/etc/falco/k8s_audit_rules.yaml"));
            assertThat(withoutSecret.failures())
                    .anySatisfy(failure ->
                            assertThat(failure).startsWith("falcoctl install").contains("is not in the container"));
            NodeSimulation.Verdict wrongLogin = new NodeSimulation(internal.host(), client, false, ARM64)
                    .requiringLogin()
                    .withClusterSecret(
                            "harbor-pull",
                            Map.of(
                                    ".dockerconfigjson",
                                    dockerConfig
                                            .replace(
                                                    java.util.Base64.getEncoder()
                                                            .encodeToString((user + ":" + password)
                                                                    .getBytes(StandardCharsets.UTF_8)),
                                                    java.util.Base64.getEncoder()
                                                            .encodeToString(
                                                                    (user + ":wrong").getBytes(StandardCharsets.UTF_8)))
                                            .getBytes(StandardCharsets.UTF_8)))
                    .run(rendered, List.of("/etc/falco/k8s_audit_rules.yaml"));
            assertThat(wrongLogin.failures())
                    .anySatisfy(failure ->
                            assertThat(failure).contains("refused the login").contains("401"));
            assertThat(rendered.text()).doesNotContain(password);
        }
    }

    @Test
    void chartDefaultsStartWithStrictOnAndNoIndexFetched() {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            PackageResult result =
                    FalcoOffline.packageChart(request(internal, "defaults").build(), ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();

            NodeSimulation.Verdict verdict =
                    simulate(internal, HelmRenderer.render(chart), "/etc/falco/falco_rules.yaml");

            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsKey("container");
            assertThat(result.plan().falco().get("notes").toString()).contains("noVerify");

            // Before the falco stage the public index stayed in falcoctl's config, and signatures were checked.
            Map<String, Object> publicIndex = new LinkedHashMap<>();
            publicIndex.put("falcoctl.config.indexes[0].name", "falcosecurity");
            publicIndex.put("falcoctl.config.indexes[0].url", "https://falcosecurity.github.io/falcoctl/index.yaml");
            NodeSimulation.Verdict before =
                    simulate(internal, HelmRenderer.of(chart).set(publicIndex).render(), "/etc/falco/falco_rules.yaml");
            assertThat(before.failures())
                    .anySatisfy(failure -> assertThat(failure).contains("fetches index https://falcosecurity"));
        }
    }

    @Test
    void customValuesWithFalcoctlOffGetTheContainerPluginFix() throws IOException {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            Path values = customValuesFor(internal);
            // The hand-built image of the custom values: Falco with the k8saudit and json libraries and rules added.
            upstream.pushHandBuiltImage(internal, "falco/falco", "offline-arm64");
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "custom").valuesFile(values).build(), ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();

            NodeSimulation.Verdict verdict =
                    simulate(internal, HelmRenderer.render(chart), "/etc/falco/k8s_audit_rules.yaml");

            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsOnlyKeys("k8saudit", "json");
            assertThat(result.plan().falco().get("notes").toString()).contains("/etc/falco/config.d");

            // Before the falco stage nothing covered /etc/falco/config.d.
            Path noMounts = work.resolve("no-mounts.yaml");
            Files.writeString(noMounts, "mounts:\n  volumes: []\n  volumeMounts: []\n", StandardCharsets.UTF_8);
            NodeSimulation.Verdict before = simulate(
                    internal, HelmRenderer.of(chart).valuesFile(noMounts).render(), "/etc/falco/k8s_audit_rules.yaml");
            assertThat(before.failures())
                    .contains("falco: Cannot load plugin 'container': plugin config not found for given name");
        }
    }

    @Test
    void anIncompatiblePinFailsBeforeAnythingIsPushedOrWritten() {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageRequest request = request(internal, "refused")
                    .artifacts("k8saudit:0.16.1,k8saudit-rules:0.18.0")
                    .profile("k8s-audit")
                    .build();

            assertThatThrownBy(() -> FalcoOffline.packageChart(request, ProgressListener.SILENT))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("k8saudit-rules 0.18.0 needs k8saudit 0.18.0, but 0.16.1 is pinned")
                    .hasMessageContaining("k8saudit-rules 0.16.1 works with it");
            assertThat(work.resolve("refused")).doesNotExist();
            assertThat(client.listTags("falco/k8saudit")).isEmpty();
            assertThat(client.listTags("falco/falco")).isEmpty();
        }
    }

    /**
     * Values side of {@code delivery=baked} for the custom values: falcoctl off, the derived image named as the values
     * name it, library paths and rules files matching what the bake puts in the image.
     */
    @Test
    void bakedCustomValuesPointAtTheDerivedImage() throws IOException {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            Path values = customValuesFor(internal);
            Path buildContext = work.resolve("baked-build-context");
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "baked")
                            .delivery(Delivery.BAKED)
                            .valuesFile(values)
                            .mirror(mirror(internal, MirrorMode.BUNDLE).build().withDefaults(work.resolve("baked")))
                            .bakeBuildContext(buildContext)
                            .build(),
                    ProgressListener.SILENT);
            assertThat(Files.readString(buildContext.resolve("Dockerfile")))
                    .as("the build context the request asked for, on the same base")
                    .contains(internal.host() + "/falco/falco");
            assertThat(buildContext.resolve("plugins/linux-arm64/libk8saudit.so"))
                    .isRegularFile();
            assertThat(buildContext.resolve("rules")).isDirectory();
            RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

            @SuppressWarnings("unchecked")
            Map<String, Object> bake =
                    (Map<String, Object>) result.plan().falco().get("bake");
            assertThat((String) bake.get("image"))
                    .as("the values' repository, their tag followed by the content digest's first characters")
                    .matches(java.util.regex.Pattern.quote(internal.host() + "/falco/falco:offline-arm64-")
                            + "[0-9a-f]{16}");
            assertThat(rendered.imageReferences()).containsExactly((String) bake.get("image"));
            assertThat(bake)
                    .containsEntry("baseImage", internal.host() + "/falco/falco:0.44.0")
                    .containsEntry("overrideContainerPluginConfig", true);
            // Nothing pinned: the newest versions that work together and with Falco 0.44.0 (k8saudit 1.0.0 needs
            // plugin API 4.0.0).
            assertThat(bake.get("artifacts").toString())
                    .contains(internal.host() + "/falco/k8saudit-rules:0.18.0")
                    .contains(internal.host() + "/falco/k8saudit:0.18.0")
                    .contains(internal.host() + "/falco/json:0.7.4");
            assertThat(rendered.images()).noneMatch(image -> image.container().startsWith("falcoctl"));
            Map<String, Object> falco = rendered.falcoConfig().orElseThrow();
            assertThat(RenderedManifests.valueAt(falco, "plugins", 0, "library_path"))
                    .isEqualTo("/usr/share/falco/plugins/libk8saudit.so");
            assertThat(RenderedManifests.valueAt(falco, "rules_files").toString())
                    .contains("/etc/falco/k8s_audit_rules.yaml");
        }
    }

    /**
     * {@code delivery=baked} with {@code custom_values.yaml}: the package run mirrors the base image and the
     * artifacts, builds the derived image in the internal registry, and Falco starts from it on an arm64 and on an
     * amd64 node with no falcoctl and nothing else reachable.
     */
    @Test
    void bakedCustomValuesStartOnArm64AndAmd64() throws IOException {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            Path values = customValuesFor(internal);
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "baked-push")
                            .delivery(Delivery.BAKED)
                            .valuesFile(values)
                            .build(),
                    ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();

            assertThat(result.mirror().orElseThrow().entries())
                    .anySatisfy(entry -> assertThat(entry.origin()).isEqualTo(LockEntry.Origin.BAKED));
            for (String platform : List.of(ARM64, "linux/amd64")) {
                NodeSimulation.Verdict verdict = bakedScenario(internal, chart, platform, client);
                assertThat(verdict.failures()).as(platform).isEmpty();
                assertThat(verdict.loadedPlugins()).as(platform).containsOnlyKeys("k8saudit", "json");
                assertThat(verdict.rulesFiles()).as(platform).contains("/etc/falco/k8s_audit_rules.yaml");
            }
        }
    }

    /**
     * The {@code delivery=baked} scenarios of the node simulation, for {@code linux/arm64} and {@code linux/amd64}:
     * package {@code custom_values.yaml} with {@code delivery=baked}, build and push the derived image with the bake
     * builder, render, and run {@link NodeSimulation} for the platform with {@code /etc/falco/k8s_audit_rules.yaml}
     * required. Call it from a test once the bake builder is part of the package run.
     */
    static NodeSimulation.Verdict bakedScenario(
            LocalRegistry internal, Path packagedChart, String platform, OciStore internalClient) {
        RenderedManifests rendered = HelmRenderer.render(packagedChart);
        return new NodeSimulation(internal.host(), internalClient, true, platform)
                .run(rendered, List.of("/etc/falco/k8s_audit_rules.yaml"));
    }

    /** {@code custom_values.yaml} with its Harbor address replaced by the test's internal registry. */
    private Path customValuesFor(LocalRegistry internal) throws IOException {
        String text = Files.readString(TestCharts.upstreamCustomValues(), StandardCharsets.UTF_8)
                .replace("192.168.5.96:30003", internal.host());
        Path file = work.resolve("custom_values-" + internal.port() + ".yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
