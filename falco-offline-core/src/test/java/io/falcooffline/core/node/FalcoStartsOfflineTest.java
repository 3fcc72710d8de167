package io.falcooffline.core.node;

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
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.falco.FalcoArtifactException;
import io.falcooffline.core.falco.FalcoUpstream;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.registry.RegistryClient;
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
    private static final String ROBOT = "robot$falco-pull";
    private static final String ROBOT_SECRET = "s3cret-for-the-robot";
    private static final String K8S_AUDIT_RULES = "/etc/falco/k8s_audit_rules.yaml";

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
                .falco(falco().build());
    }

    /** The Falco options every run of this test shares: short names resolve through the stand-in's index. */
    private static FalcoOptions.Builder falco() {
        return FalcoOptions.builder().falcoctlIndex(upstream.indexFile().toString());
    }

    /** Reads upstream through the stand-in registry, both registries over plain HTTP, arm64 and amd64 kept. */
    private static MirrorOptions.Builder mirror(LocalRegistry internal, MirrorMode mode) {
        return MirrorOptions.builder()
                .mode(mode)
                .registryMirrors(upstream.registryMirrors())
                .insecureRegistries(List.of(upstream.host(), internal.host()))
                .platforms(List.of(Platform.parse("linux/arm64"), Platform.parse("linux/amd64")));
    }

    /** Pushes into a TLS registry whose CA the build trusts; upstream stays the plain-HTTP stand-in. */
    private static MirrorOptions.Builder tlsMirror(LocalRegistry internal) {
        return MirrorOptions.builder()
                .mode(MirrorMode.PUSH)
                .registryMirrors(upstream.registryMirrors())
                .insecureRegistries(List.of(upstream.host()))
                .caFile(internal.caFile().orElseThrow())
                .platforms(List.of(Platform.parse("linux/arm64"), Platform.parse("linux/amd64")));
    }

    /** An arm64 node of a plain-HTTP registry, its containerd set up as the run's {@code nodes/README.md} says. */
    private static NodeSimulation.Verdict simulate(
            LocalRegistry internal, Path output, RenderedManifests rendered, String... rules) {
        try (OciStore client = new RegistryClient(internal.clientOptions().build())) {
            return new NodeSimulation(internal.host(), client, true, ARM64)
                    .withNodeFiles(NodeSetup.containerdFiles(output))
                    .run(rendered, List.of(rules));
        }
    }

    /** A TLS registry with a private CA and an htpasswd login for everything: Harbor on 30003, private project. */
    private static LocalRegistry harbor() {
        return LocalRegistry.builder().tls().htpasswd(ROBOT, ROBOT_SECRET).start();
    }

    private static OciStore harborClient(LocalRegistry harbor) {
        return new RegistryClient(harbor.clientOptions()
                .credentials(RegistryCredentials.basic(ROBOT, ROBOT_SECRET))
                .build());
    }

    /** Pushes into the Harbor stand-in with the robot login, trusting its CA. */
    private static MirrorOptions.Builder harborMirror(LocalRegistry harbor) {
        return tlsMirror(harbor).credentials(harbor.host(), RegistryCredentials.basic(ROBOT, ROBOT_SECRET));
    }

    /**
     * A node of the Harbor stand-in: with {@code secrets}, the plan's {@code kubectl create secret} commands run with
     * the robot login ({@code password} for it); with {@code trust}, containerd set up as {@code nodes/README.md} says.
     */
    private static NodeSimulation harborNode(
            LocalRegistry harbor,
            OciStore client,
            String platform,
            PackageResult result,
            Path output,
            boolean trust,
            String password) {
        NodeSimulation node = new NodeSimulation(harbor.host(), client, false, platform).requiringLogin();
        if (trust) {
            node.withNodeFiles(NodeSetup.containerdFiles(output));
        }
        if (password != null) {
            assertThat(NodeSetup.createSecrets(result.plan(), node, ROBOT, password))
                    .as("the plan names the Secrets to create")
                    .isNotEmpty();
        }
        return node;
    }

    @Test
    void k8sAuditProfileStartsWithFalcoctlFromThePlainHttpRegistry() {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            PackageResult result = FalcoOffline.packageChart(
                    request(internal, "k8s-audit").profile("k8s-audit").build(), ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();
            Path output = work.resolve("k8s-audit");

            NodeSimulation.Verdict verdict = simulate(internal, output, HelmRenderer.render(chart), K8S_AUDIT_RULES);

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
                    output,
                    HelmRenderer.of(chart)
                            .set("falcoctl.artifact.install.args[0]", "--log-format=json")
                            .set("falcoctl.artifact.follow.args[0]", "--log-format=json")
                            .render(),
                    K8S_AUDIT_RULES);
            assertThat(before.failures())
                    .anySatisfy(failure ->
                            assertThat(failure).startsWith("falcoctl install").contains("speaks HTTPS"));

            // Without the hosts.toml of nodes/, containerd speaks HTTPS to the plain-HTTP registry.
            NodeSimulation.Verdict untrusted =
                    simulate(internal, work.resolve("no-node-files"), HelmRenderer.render(chart), K8S_AUDIT_RULES);
            assertThat(untrusted.failures())
                    .anySatisfy(failure -> assertThat(failure)
                            .contains("Failed to pull image \"" + internal.host() + "/falco/falco:")
                            .contains("server gave HTTP response to HTTPS client"));
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
            NodeSimulation node = new NodeSimulation(internal.host(), client, false, ARM64)
                    .withNodeFiles(NodeSetup.containerdFiles(work.resolve("k8s-audit-tls")));

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

    /**
     * The Harbor on 30003: HTTPS with a private CA, a robot login for a private project. The plan's Secret, created
     * with the robot login, is the pods' image pull secret and falcoctl's login; containerd trusts the CA through the
     * written {@code hosts.toml}. Without either, the images do not pull.
     */
    @Test
    void k8sAuditProfileStartsFromAPrivateHarborProjectWithThePlansSecretAndNodeFiles() throws IOException {
        try (LocalRegistry harbor = harbor();
                OciStore client = harborClient(harbor)) {
            Path output = work.resolve("k8s-audit-harbor");
            PackageResult result = FalcoOffline.packageChart(
                    request(harbor, "k8s-audit-harbor")
                            .profile("k8s-audit")
                            .registrySecret("harbor-pull")
                            .mirror(harborMirror(harbor).build())
                            .build(),
                    ProgressListener.SILENT);
            RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

            NodeSimulation.Verdict verdict = harborNode(harbor, client, ARM64, result, output, true, ROBOT_SECRET)
                    .run(rendered, List.of(K8S_AUDIT_RULES));
            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsKeys("k8saudit", "json");
            assertThat(Files.readString(
                            output.resolve("nodes/containerd/etc/containerd/certs.d/" + harbor.host() + "/hosts.toml")))
                    .contains("server = \"https://" + harbor.host() + "\"")
                    .contains("ca = \"/etc/containerd/certs.d/" + harbor.host() + "/ca.crt\"");
            assertThat(result.plan().nodes().get("secrets").toString())
                    .contains("namespace=falco")
                    .contains("kubectl create secret docker-registry harbor-pull --namespace falco");
            assertThat(rendered.text()).doesNotContain(ROBOT_SECRET);

            // The Secret the values name must exist in the cluster: the chart holds no credential.
            NodeSimulation.Verdict withoutSecret = harborNode(harbor, client, ARM64, result, output, true, null)
                    .run(rendered, List.of(K8S_AUDIT_RULES));
            assertThat(withoutSecret.failures())
                    .anySatisfy(failure -> assertThat(failure)
                            .contains("Failed to pull image \"" + harbor.host() + "/falco/falco:")
                            .contains(": 401"))
                    .anySatisfy(failure ->
                            assertThat(failure).startsWith("falcoctl install").contains("is not in the container"));
            NodeSimulation.Verdict wrongLogin = harborNode(harbor, client, ARM64, result, output, true, "wrong")
                    .run(rendered, List.of(K8S_AUDIT_RULES));
            assertThat(wrongLogin.failures())
                    .anySatisfy(failure ->
                            assertThat(failure).contains("Failed to pull image").contains(": 401"))
                    .anySatisfy(failure ->
                            assertThat(failure).contains("refused the login").contains("401"));
            // Without the node files containerd checks the registry against the system's roots only.
            NodeSimulation.Verdict withoutTrust = harborNode(harbor, client, ARM64, result, output, false, ROBOT_SECRET)
                    .run(rendered, List.of(K8S_AUDIT_RULES));
            assertThat(withoutTrust.failures())
                    .anySatisfy(failure -> assertThat(failure)
                            .contains("Failed to pull image")
                            .contains("x509: certificate signed by unknown authority"));
        }
    }

    /** The chart defaults from the private Harbor project: Falco with falcoctl and the container plugin. */
    @Test
    void chartDefaultsStartFromAPrivateHarborProjectWithStrictOnAndNoIndexFetched() {
        try (LocalRegistry harbor = harbor();
                OciStore client = harborClient(harbor)) {
            Path output = work.resolve("defaults-harbor");
            PackageResult result = FalcoOffline.packageChart(
                    request(harbor, "defaults-harbor")
                            .registrySecret("harbor-pull")
                            .mirror(harborMirror(harbor).build())
                            .build(),
                    ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();

            NodeSimulation.Verdict verdict = harborNode(harbor, client, ARM64, result, output, true, ROBOT_SECRET)
                    .run(HelmRenderer.render(chart), List.of("/etc/falco/falco_rules.yaml"));

            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsKey("container");
            assertThat(result.plan().falco().get("notes").toString()).contains("noVerify");

            NodeSimulation.Verdict withoutSecret = harborNode(harbor, client, ARM64, result, output, true, null)
                    .run(HelmRenderer.render(chart), List.of("/etc/falco/falco_rules.yaml"));
            assertThat(withoutSecret.failures())
                    .anySatisfy(failure ->
                            assertThat(failure).contains("Failed to pull image").contains(": 401"));
            NodeSimulation.Verdict withoutTrust = harborNode(harbor, client, ARM64, result, output, false, ROBOT_SECRET)
                    .run(HelmRenderer.render(chart), List.of("/etc/falco/falco_rules.yaml"));
            assertThat(withoutTrust.failures())
                    .anySatisfy(failure ->
                            assertThat(failure).contains("Failed to pull image").contains("x509"));

            // Before the falco stage the public index stayed in falcoctl's config, and signatures were checked.
            Map<String, Object> publicIndex = new LinkedHashMap<>();
            publicIndex.put("falcoctl.config.indexes[0].name", "falcosecurity");
            publicIndex.put("falcoctl.config.indexes[0].url", "https://falcosecurity.github.io/falcoctl/index.yaml");
            NodeSimulation.Verdict before = harborNode(harbor, client, ARM64, result, output, true, ROBOT_SECRET)
                    .run(HelmRenderer.of(chart).set(publicIndex).render(), List.of("/etc/falco/falco_rules.yaml"));
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
                    simulate(internal, work.resolve("custom"), HelmRenderer.render(chart), K8S_AUDIT_RULES);

            assertThat(verdict.failures()).isEmpty();
            assertThat(verdict.loadedPlugins()).containsOnlyKeys("k8saudit", "json");
            assertThat(result.plan().falco().get("notes").toString()).contains("/etc/falco/config.d");

            // Before the falco stage nothing covered /etc/falco/config.d.
            Path noMounts = work.resolve("no-mounts.yaml");
            Files.writeString(noMounts, "mounts:\n  volumes: []\n  volumeMounts: []\n", StandardCharsets.UTF_8);
            NodeSimulation.Verdict before = simulate(
                    internal,
                    work.resolve("custom"),
                    HelmRenderer.of(chart).valuesFile(noMounts).render(),
                    K8S_AUDIT_RULES);
            assertThat(before.failures())
                    .contains("falco: Cannot load plugin 'container': plugin config not found for given name");
        }
    }

    @Test
    void anIncompatiblePinFailsBeforeAnythingIsPushedOrWritten() {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageRequest request = request(internal, "refused")
                    .falco(falco().artifacts(List.of("k8saudit:0.16.1", "k8saudit-rules:0.18.0"))
                            .build())
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
                            .falco(falco().delivery(Delivery.BAKED)
                                    .bakeBuildContext(buildContext)
                                    .build())
                            .valuesFile(values)
                            .mirror(mirror(internal, MirrorMode.BUNDLE).build().withDefaults(work.resolve("baked")))
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
     * {@code delivery=baked} with {@code custom_values.yaml} from the private Harbor project: the package run mirrors
     * the base image and the artifacts, builds the derived image in the registry, and Falco starts from it on an arm64
     * and on an amd64 node with no falcoctl and nothing else reachable, the plan's Secret as the pod's image pull
     * secret and containerd trusting the CA as the node files say.
     */
    @Test
    void bakedCustomValuesStartFromAPrivateHarborProjectOnArm64AndAmd64() throws IOException {
        try (LocalRegistry harbor = harbor();
                OciStore client = harborClient(harbor)) {
            Path values = customValuesFor(harbor);
            Path output = work.resolve("baked-harbor");
            PackageResult result = FalcoOffline.packageChart(
                    request(harbor, "baked-harbor")
                            .falco(falco().delivery(Delivery.BAKED).build())
                            .valuesFile(values)
                            .registrySecret("harbor-pull")
                            .mirror(harborMirror(harbor).build())
                            .build(),
                    ProgressListener.SILENT);
            Path chart = result.chartFile().orElseThrow();
            RenderedManifests rendered = HelmRenderer.render(chart);

            assertThat(result.mirror().orElseThrow().entries())
                    .anySatisfy(entry -> assertThat(entry.origin()).isEqualTo(LockEntry.Origin.BAKED));
            for (String platform : List.of(ARM64, "linux/amd64")) {
                NodeSimulation.Verdict verdict = harborNode(
                                harbor, client, platform, result, output, true, ROBOT_SECRET)
                        .run(rendered, List.of(K8S_AUDIT_RULES));
                assertThat(verdict.failures()).as(platform).isEmpty();
                assertThat(verdict.loadedPlugins()).as(platform).containsOnlyKeys("k8saudit", "json");
                assertThat(verdict.rulesFiles()).as(platform).contains(K8S_AUDIT_RULES);
            }
            assertThat(harborNode(harbor, client, ARM64, result, output, true, null)
                            .run(rendered, List.of(K8S_AUDIT_RULES))
                            .failures())
                    .anySatisfy(failure -> assertThat(failure)
                            .contains("Failed to pull image \"" + harbor.host() + "/falco/falco:offline")
                            .contains(": 401"));
            assertThat(harborNode(harbor, client, ARM64, result, output, false, ROBOT_SECRET)
                            .run(rendered, List.of(K8S_AUDIT_RULES))
                            .failures())
                    .anySatisfy(failure ->
                            assertThat(failure).contains("Failed to pull image").contains("x509"));
        }
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
