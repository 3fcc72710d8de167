package io.falcooffline.core.falco.bake;

import static io.falcooffline.core.testing.SyntheticArtifacts.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.layout.BundleStores;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.Skopeo;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FalcoImageBakerTest {

    private static final Platform ARM64 = BakeFixtures.ARM64;
    private static final Platform AMD64 = BakeFixtures.AMD64;
    private static final byte[] RULES = BakeFixtures.RULES;
    private static final SyntheticArtifact BASE = BakeFixtures.BASE;
    private static final SyntheticArtifact K8SAUDIT = BakeFixtures.K8SAUDIT;
    private static final SyntheticArtifact JSON_PLUGIN = BakeFixtures.JSON_PLUGIN;
    private static final SyntheticArtifact K8SAUDIT_RULES = BakeFixtures.K8SAUDIT_RULES;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long CREATED =
            Instant.parse(SyntheticArtifacts.CREATED).getEpochSecond();
    private static final List<String> ADDED_ENTRIES = List.of(
            "etc/",
            "etc/falco/",
            "etc/falco/config.d/",
            "etc/falco/config.d/falco.container_plugin.yaml",
            "etc/falco/k8s_audit_rules.yaml",
            "usr/",
            "usr/share/",
            "usr/share/falco/",
            "usr/share/falco/plugins/",
            "usr/share/falco/plugins/libjson.so",
            "usr/share/falco/plugins/libk8saudit.so");

    private static LocalRegistry registry;
    private static RegistryClient client;

    @TempDir
    Path temp;

    @BeforeAll
    static void publish() {
        registry = LocalRegistry.startPlain();
        client = new RegistryClient(registry.clientOptions().build());
        BakeFixtures.publish(client, "falco/");
    }

    @AfterAll
    static void stop() {
        client.close();
        registry.close();
    }

    @Test
    void shouldBakeEveryPlatformAsSkopeoSeesItWhenTargetIsRegistry() {
        BakeResult result = FalcoImageBaker.bake(request("falco/falco:offline").build(), ProgressListener.SILENT);

        Skopeo skopeo = Skopeo.forRegistry(registry, temp);
        byte[] index = skopeo.inspectRaw("falco/falco:offline");
        assertThat(Digests.sha256(index)).isEqualTo(result.index().digest());
        assertDerivedImage(index, skopeo.copyAllToDirectory("falco/falco:offline", temp.resolve("pulled")));
        assertThat(result.libraryPaths())
                .containsExactly("/usr/share/falco/plugins/libk8saudit.so", "/usr/share/falco/plugins/libjson.so");
        assertThat(result.rulesPaths()).containsExactly("/etc/falco/k8s_audit_rules.yaml");
        assertThat(result.containerPluginOverride()).contains("/etc/falco/config.d/falco.container_plugin.yaml");
        assertThat(result.artifacts())
                .extracting(BakeResult.BakedArtifact::name, BakeResult.BakedArtifact::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("k8saudit", ArtifactKind.PLUGIN),
                        org.assertj.core.groups.Tuple.tuple("json", ArtifactKind.PLUGIN),
                        org.assertj.core.groups.Tuple.tuple("k8saudit-rules", ArtifactKind.RULESFILE));
        assertThat(result.pinnedImage().toString())
                .endsWith("/falco/falco:offline@" + result.index().digest());
    }

    @Test
    void shouldGiveTheSameDigestsWhenBakedTwiceInAnyPlatformOrder() {
        BakeResult first = FalcoImageBaker.bake(request("falco/falco:first").build(), ProgressListener.SILENT);
        BakeResult second = FalcoImageBaker.bake(
                request("falco/falco:second", List.of(AMD64, ARM64)).build(), ProgressListener.SILENT);

        assertThat(second.index()).isEqualTo(first.index());
        assertThat(second.platforms()).isEqualTo(first.platforms());
        Skopeo skopeo = Skopeo.forRegistry(registry, temp);
        assertThat(skopeo.inspectRaw("falco/falco:second")).isEqualTo(skopeo.inspectRaw("falco/falco:first"));
    }

    @Test
    void shouldRecordAddedLayerInImageConfigWhenBaked() throws IOException {
        BakeResult result = FalcoImageBaker.bake(request("falco/falco:config").build(), ProgressListener.SILENT);

        BakeResult.PlatformImage arm64 = result.platforms().stream()
                .filter(image -> image.platform().equals(ARM64))
                .findFirst()
                .orElseThrow();
        JsonNode config = JSON.readTree(Skopeo.forRegistry(registry, temp)
                .inspectConfigRaw("falco/falco@" + arm64.manifest().digest()));
        JsonNode baseConfig = JSON.readTree(baseConfig(1));
        byte[] layer;
        try (var in = client.fetchBlob("falco/falco", arm64.addedLayer())) {
            layer = in.readAllBytes();
        }
        String diffId = Digests.sha256(new GZIPInputStream(new ByteArrayInputStream(layer)).readAllBytes());
        List<String> expectedDiffIds = new ArrayList<>();
        baseConfig.path("rootfs").path("diff_ids").forEach(id -> expectedDiffIds.add(id.asString()));
        expectedDiffIds.add(diffId);

        assertThat(texts(config.path("rootfs").path("diff_ids"))).isEqualTo(expectedDiffIds);
        assertThat(arm64.addedLayerDiffId()).isEqualTo(diffId);
        assertThat(config.path("architecture").asString()).isEqualTo("arm64");
        assertThat(config.path("created").asString()).isEqualTo(SyntheticArtifacts.CREATED);
        assertThat(config.path("config")).isEqualTo(baseConfig.path("config"));
        JsonNode history = config.path("history");
        assertThat(history.size()).isEqualTo(baseConfig.path("history").size() + 1);
        for (int i = 0; i < baseConfig.path("history").size(); i++) {
            assertThat(history.get(i)).isEqualTo(baseConfig.path("history").get(i));
        }
        JsonNode added = history.get(history.size() - 1);
        assertThat(added.path("created").asString()).isEqualTo(SyntheticArtifacts.CREATED);
        assertThat(added.path("created_by").asString())
                .contains("k8saudit 0.16.1", "json 0.7.4", "k8saudit-rules 0.16.1");
        assertThat(added.has("empty_layer")).isFalse();
    }

    @Test
    void shouldBakeIntoBundleLayoutAsSkopeoReadsIt() {
        Path bundle = temp.resolve("bundle");
        String image = "192.168.5.96:30003/falco/falco:offline-arm64";
        BakeResult registryResult =
                FalcoImageBaker.bake(request("falco/falco:for-bundle").build(), ProgressListener.SILENT);
        BakeResult result;
        try (OciStore layout = BundleStores.openForWriting(bundle)) {
            result = FalcoImageBaker.bake(
                    request("unused:unused")
                            .target(BakeStore.layout(layout))
                            .targetImage(OciReference.parse(image))
                            .build(),
                    ProgressListener.SILENT);
        }

        byte[] index = Skopeo.inspectLayoutRaw(bundle, image);
        assertThat(Digests.sha256(index)).isEqualTo(result.index().digest());
        assertThat(result.index()).isEqualTo(registryResult.index());
        assertDerivedImage(index, Skopeo.copyAllFromLayout(bundle, image, temp.resolve("pulled")));
    }

    @Test
    void shouldReadBaseAndArtifactsFromBundleWhenBundleIsBothStores() {
        Path bundle = temp.resolve("bundle");
        String internal = "192.168.5.96:30003/falco/";
        BakeResult result;
        try (OciStore layout = BundleStores.openForWriting(bundle)) {
            BakeFixtures.publish(layout, internal);
            result = FalcoImageBaker.bake(
                    BakeFixtures.request(
                                    internal,
                                    BakeStore.layout(layout),
                                    BakeStore.layout(layout),
                                    internal + "falco:offline-arm64",
                                    List.of(ARM64, AMD64))
                            .rulesFiles(List.of("/etc/falco/k8s_audit_rules.yaml"))
                            .build(),
                    ProgressListener.SILENT);
        }

        byte[] index = Skopeo.inspectLayoutRaw(bundle, internal + "falco:offline-arm64");
        assertThat(Digests.sha256(index)).isEqualTo(result.index().digest());
        assertDerivedImage(
                index, Skopeo.copyAllFromLayout(bundle, internal + "falco:offline-arm64", temp.resolve("pulled")));
    }

    @Test
    void shouldKeepDockerBaseLayersByteForByteUnderOciMediaTypes() throws IOException {
        SyntheticArtifact docker = SyntheticArtifacts.falcoImage("0.44.0", SyntheticArtifacts.PLUGIN_PLATFORMS, true);
        docker.pushTo(client, "falco/falco-docker", "0.44.0");

        BakeResult result = FalcoImageBaker.bake(
                request("falco/falco-docker:offline")
                        .baseImage(ref("falco/falco-docker:0.44.0"))
                        .build(),
                ProgressListener.SILENT);

        Skopeo skopeo = Skopeo.forRegistry(registry, temp);
        for (BakeResult.PlatformImage image : result.platforms()) {
            JsonNode manifest = JSON.readTree(
                    skopeo.inspectRaw("falco/falco-docker@" + image.manifest().digest()));
            JsonNode baseManifest =
                    JSON.readTree(child(docker, image.baseManifest().digest()).bytes());
            JsonNode layers = manifest.path("layers");
            assertThat(manifest.path("mediaType").asString()).isEqualTo(SyntheticArtifacts.OCI_MANIFEST);
            for (int i = 0; i < baseManifest.path("layers").size(); i++) {
                JsonNode baseLayer = baseManifest.path("layers").get(i);
                assertThat(baseLayer.path("mediaType").asString()).isEqualTo(SyntheticArtifacts.DOCKER_LAYER);
                assertThat(layers.get(i).path("digest")).isEqualTo(baseLayer.path("digest"));
                assertThat(layers.get(i).path("size")).isEqualTo(baseLayer.path("size"));
                assertThat(layers.get(i).path("mediaType").asString()).isEqualTo(SyntheticArtifacts.OCI_LAYER);
            }
            assertThat(skopeo.inspect("falco/falco-docker@" + image.manifest().digest()))
                    .contains("\"Architecture\": \"" + image.platform().architecture() + "\"");
        }
    }

    @Test
    void shouldWriteBuildContextWithTheImageFilesWhenAsked() throws IOException {
        Path context = temp.resolve("context");

        BakeResult result = FalcoImageBaker.bake(
                request("falco/falco:context").buildContext(context).build(), ProgressListener.SILENT);

        assertThat(result.buildContext()).contains(context);
        for (SyntheticArtifacts.Platform platform : SyntheticArtifacts.PLUGIN_PLATFORMS) {
            Path library = context.resolve("plugins/linux-" + platform.architecture() + "/libk8saudit.so");
            assertThat(Files.readAllBytes(library)).isEqualTo(pluginLibrary(K8SAUDIT, platform, "libk8saudit.so"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(library)))
                    .isEqualTo("rwxr-xr-x");
        }
        Path rules = context.resolve("rules/etc/falco/k8s_audit_rules.yaml");
        assertThat(Files.readAllBytes(rules)).isEqualTo(RULES);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rules)))
                .isEqualTo("rw-r--r--");
        assertThat(context.resolve("config.d/falco.container_plugin.yaml"))
                .hasContent(FalcoImageBaker.CONTAINER_PLUGIN_OVERRIDE);
        List<String> dockerfile = Files.readAllLines(context.resolve("Dockerfile"), StandardCharsets.UTF_8);
        assertThat(dockerfile)
                .contains(
                        "ARG BASE_IMAGE=" + registry.host() + "/falco/falco:0.44.0@" + BASE.digest(),
                        "FROM ${BASE_IMAGE}",
                        "COPY plugins/${TARGETOS}-${TARGETARCH}/ /usr/share/falco/plugins/",
                        "COPY rules/ /",
                        "COPY config.d/falco.container_plugin.yaml /etc/falco/config.d/falco.container_plugin.yaml");
        try (var files = Files.list(temp)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("context");
        }

        FalcoImageBaker.bake(
                request("falco/falco:context").buildContext(context).build(), ProgressListener.SILENT);
        assertThat(context.resolve("Dockerfile")).hasContent(String.join("\n", dockerfile));
    }

    @Test
    void shouldRefuseBuildContextDirectoryItDidNotWriteAndPushNothing() throws IOException {
        Path foreign = Files.createDirectories(temp.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");

        assertThatThrownBy(() -> FalcoImageBaker.bake(
                        request("bad/context:offline").buildContext(foreign).build(), ProgressListener.SILENT))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(foreign.toString());
        assertThat(foreign.resolve("notes.txt")).hasContent("keep me");
        assertNothingPushed("bad/context");
    }

    @Test
    void shouldFailNamingPluginWhenPluginLacksRequestedPlatform() {
        SyntheticArtifacts.plugin(
                        "amd64only",
                        "0.1.0",
                        List.of(new SyntheticArtifacts.Requirement("plugin_api_version", "3.11.0")),
                        List.of(SyntheticArtifacts.Platform.LINUX_AMD64))
                .pushTo(client, "falco/plugins/plugin/amd64only", "0.1.0");
        OciReference plugin = ref("falco/plugins/plugin/amd64only:0.1.0");

        assertThatThrownBy(() -> bakeWith("bad/platform", List.of(plugin)))
                .isInstanceOfSatisfying(MissingPlatformException.class, e -> {
                    assertThat(e.artifact()).isEqualTo(plugin.toString());
                    assertThat(e.platform()).isEqualTo(ARM64);
                })
                .hasMessageContaining(plugin + " has no manifest for linux/arm64; it offers linux/amd64");
        assertNothingPushed("bad/platform");
    }

    @Test
    void shouldFailNamingArtifactWhenItIsNoFalcoArtifact() {
        OciReference image = ref("falco/falco:0.44.0");

        assertThatThrownBy(() -> bakeWith("bad/type", List.of(image)))
                .isInstanceOf(NotFalcoArtifactException.class)
                .hasMessageContaining(image.toString())
                .hasMessageContaining(SyntheticArtifacts.OCI_LAYER);
        assertNothingPushed("bad/type");
    }

    @Test
    void shouldFailNamingRulesfileWhenLayerHasNoTitle() {
        Manifest titled = K8SAUDIT_RULES.root();
        String untitledJson = new String(titled.bytes(), StandardCharsets.UTF_8)
                .replace(",\"annotations\":{\"org.opencontainers.image.title\":\"k8saudit-rules-0.16.1.tar.gz\"}", "");
        assertThat(untitledJson).doesNotContain("image.title");
        Manifest untitled = Manifest.of(SyntheticArtifacts.OCI_MANIFEST, utf8(untitledJson));
        new SyntheticArtifact(untitled, List.of(), K8SAUDIT_RULES.blobs())
                .pushTo(client, "falco/plugins/ruleset/untitled", "0.16.1");
        OciReference rules = ref("falco/plugins/ruleset/untitled:0.16.1");

        assertThatThrownBy(() -> bakeWith("bad/title", List.of(rules)))
                .isInstanceOf(MissingLayerTitleException.class)
                .hasMessageContaining(rules.toString())
                .hasMessageContaining("org.opencontainers.image.title");
        assertNothingPushed("bad/title");
    }

    @Test
    void shouldFailNamingBaseImageWhenItLacksRequestedPlatform() {
        SyntheticArtifacts.falcoImage("0.44.0", List.of(SyntheticArtifacts.Platform.LINUX_AMD64), false)
                .pushTo(client, "falco/falco-amd64", "0.44.0");
        OciReference base = ref("falco/falco-amd64:0.44.0");

        assertThatThrownBy(() -> FalcoImageBaker.bake(
                        request("bad/base:offline").baseImage(base).build(), ProgressListener.SILENT))
                .isInstanceOfSatisfying(
                        MissingPlatformException.class,
                        e -> assertThat(e.artifact()).isEqualTo(base.toString()))
                .hasMessageContaining(base + " has no manifest for linux/arm64; it offers linux/amd64");
        assertNothingPushed("bad/base");
    }

    @Test
    void shouldFailNamingPluginWhenItsLayerHasNoLibrary() {
        OciReference plugin = publishPlugin("nolib", Map.of("README.md", utf8("no library here\n")));

        assertThatThrownBy(() -> bakeWith("bad/nolib", List.of(plugin)))
                .isInstanceOfSatisfying(
                        MissingPluginLibraryException.class,
                        e -> assertThat(e.artifact()).isEqualTo(plugin.toString()))
                .hasMessageContaining(plugin.toString())
                .hasMessageContaining("no .so file");
        assertNothingPushed("bad/nolib");
    }

    @Test
    void shouldFailNamingPluginWhenAnEntryWouldLeaveItsDirectory() {
        OciReference plugin = publishPlugin("escape", Map.of("../../../../bin/libescape.so", utf8("x")));

        assertThatThrownBy(() -> bakeWith("bad/escape", List.of(plugin)))
                .isInstanceOf(BakeException.class)
                .hasMessageContaining(plugin.toString())
                .hasMessageContaining("'..'");
        assertNothingPushed("bad/escape");
    }

    @Test
    void shouldFailNamingPluginWhenItsLibraryIsALinkOrPipe() {
        Map<String, SyntheticArtifacts.RawEntry> odd = Map.of(
                "symlink",
                        new SyntheticArtifacts.RawEntry(
                                "libsymlink.so", TarConstants.LF_SYMLINK, "/etc/passwd", new byte[0]),
                "hardlink",
                        new SyntheticArtifacts.RawEntry("libhardlink.so", TarConstants.LF_LINK, "real.so", new byte[0]),
                "fifo", new SyntheticArtifacts.RawEntry("libfifo.so", TarConstants.LF_FIFO, "", new byte[0]));
        odd.forEach((name, entry) -> {
            SyntheticArtifacts.pluginWithLayer(
                            name,
                            "0.1.0",
                            SyntheticArtifacts.PLUGIN_PLATFORMS,
                            platform -> SyntheticArtifacts.tarGzOf(
                                    List.of(SyntheticArtifacts.RawEntry.file("real.so", utf8("\u007fELF")), entry)))
                    .pushTo(client, "falco/plugins/plugin/" + name, "0.1.0");
            OciReference plugin = ref("falco/plugins/plugin/" + name + ":0.1.0");

            assertThatThrownBy(() -> bakeWith("bad/" + name, List.of(plugin)))
                    .as(name)
                    .isInstanceOf(BakeException.class)
                    .hasMessageContaining(plugin.toString())
                    .hasMessageContaining("'" + entry.name() + "'")
                    .hasMessageContaining("not a regular file");
            assertNothingPushed("bad/" + name);
        });
    }

    @Test
    void shouldFailNamingPluginWhenItsLibraryIsNamedDifferentlyPerPlatform() {
        SyntheticArtifacts.pluginWithFiles(
                        "renamed",
                        "0.1.0",
                        SyntheticArtifacts.PLUGIN_PLATFORMS,
                        platform -> Map.of("librenamed-" + platform.architecture() + ".so", utf8("x")))
                .pushTo(client, "falco/plugins/plugin/renamed", "0.1.0");
        OciReference plugin = ref("falco/plugins/plugin/renamed:0.1.0");

        assertThatThrownBy(() -> bakeWith("bad/renamed", List.of(plugin)))
                .isInstanceOfSatisfying(
                        BakeException.class, e -> assertThat(e.artifact()).isEqualTo(plugin.toString()))
                .hasMessageContaining("/usr/share/falco/plugins/librenamed-amd64.so")
                .hasMessageContaining("/usr/share/falco/plugins/librenamed-arm64.so");
        assertNothingPushed("bad/renamed");
    }

    @Test
    void shouldFailNamingBothPluginsWhenTheyShipTheSameFile() {
        OciReference first = publishPlugin("shared-a", Map.of("libshared.so", utf8("a")));
        OciReference second = publishPlugin("shared-b", Map.of("libshared.so", utf8("b")));

        assertThatThrownBy(() -> bakeWith("bad/shared", List.of(first, second)))
                .isInstanceOf(BakeException.class)
                .hasMessageContaining(first.toString())
                .hasMessageContaining(second.toString())
                .hasMessageContaining("/usr/share/falco/plugins/libshared.so");
        assertNothingPushed("bad/shared");
    }

    @Test
    void shouldTagTheIndexOnlyAfterEveryBlobAndManifestIsInTheTarget() {
        try (FaultProxy proxy = FaultProxy.start(registry.host());
                RegistryClient target = new RegistryClient(
                        registry.clientOptions().host(proxy.host()).build())) {
            BakeResult result = FalcoImageBaker.bake(
                    request("ordered/falco:offline")
                            .target(BakeStore.registry(target))
                            .build(),
                    ProgressListener.SILENT);

            List<String> writes = proxy.requests().stream()
                    .filter(request -> !request.startsWith("GET ") && !request.startsWith("HEAD "))
                    .toList();
            assertThat(writes).last().isEqualTo("PUT /v2/ordered/falco/manifests/offline");
            assertThat(writes.stream().filter(write -> write.contains("/manifests/")))
                    .containsExactlyInAnyOrder(
                            "PUT /v2/ordered/falco/manifests/"
                                    + result.platforms().get(0).manifest().digest(),
                            "PUT /v2/ordered/falco/manifests/"
                                    + result.platforms().get(1).manifest().digest(),
                            "PUT /v2/ordered/falco/manifests/offline");
            List<Integer> blobUploads = new ArrayList<>();
            List<Integer> manifestPuts = new ArrayList<>();
            for (int i = 0; i < writes.size(); i++) {
                if (writes.get(i).contains("&digest=sha256%3A")) {
                    blobUploads.add(i);
                } else if (writes.get(i).contains("/manifests/")) {
                    manifestPuts.add(i);
                }
            }
            assertThat(blobUploads)
                    .as("two base layers, the added layer and the config, per platform")
                    .hasSize(8);
            assertThat(blobUploads.get(blobUploads.size() - 1)).isLessThan(manifestPuts.get(0));
        }
    }

    @Test
    void shouldSetNoTagWhenWritingAPlatformManifestFails() {
        try (FaultProxy proxy = FaultProxy.start(registry.host());
                RegistryClient target = new RegistryClient(registry.clientOptions()
                        .host(proxy.host())
                        .maxAttempts(1)
                        .build())) {
            proxy.inject(FaultProxy.Fault.status("PUT", "/manifests/sha256:", 500, 10));

            assertThatThrownBy(() -> FalcoImageBaker.bake(
                            request("broken/falco:offline")
                                    .target(BakeStore.registry(target))
                                    .build(),
                            ProgressListener.SILENT))
                    .isInstanceOf(io.falcooffline.core.FalcoOfflineException.class)
                    .hasMessageContaining("broken/falco:offline")
                    .hasMessageContaining("pushing the platform manifests")
                    .hasMessageContaining("No tag was set");
            assertThat(proxy.count("PUT", "/manifests/offline")).isZero();
            assertThat(client.resolve("broken/falco", "offline")).isEmpty();
        }
    }

    /** What every derived image must be, read back by skopeo: the index, each platform's layers and files. */
    private void assertDerivedImage(byte[] indexBytes, Path pulled) {
        JsonNode index = JSON.readTree(indexBytes);
        assertThat(index.path("mediaType").asString()).isEqualTo(SyntheticArtifacts.OCI_INDEX);
        assertThat(index.path("manifests").size()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            SyntheticArtifacts.Platform platform = SyntheticArtifacts.PLUGIN_PLATFORMS.get(i);
            JsonNode entry = index.path("manifests").get(i);
            assertThat(entry.path("mediaType").asString()).isEqualTo(SyntheticArtifacts.OCI_MANIFEST);
            assertThat(entry.path("platform").path("os").asString()).isEqualTo(platform.os());
            assertThat(entry.path("platform").path("architecture").asString()).isEqualTo(platform.architecture());

            JsonNode manifest =
                    JSON.readTree(pulledManifest(pulled, entry.path("digest").asString()));
            JsonNode baseManifest = JSON.readTree(BASE.children().get(i).bytes());
            JsonNode layers = manifest.path("layers");
            JsonNode baseLayers = baseManifest.path("layers");
            assertThat(layers.size()).isEqualTo(baseLayers.size() + 1);
            for (int l = 0; l < baseLayers.size(); l++) {
                assertThat(layers.get(l)).isEqualTo(baseLayers.get(l));
            }
            JsonNode added = layers.get(layers.size() - 1);
            assertThat(added.path("mediaType").asString()).isEqualTo(SyntheticArtifacts.OCI_LAYER);
            LayerEntries entries =
                    LayerEntries.read(pulledBlob(pulled, added.path("digest").asString()));

            assertThat(entries.names()).isEqualTo(ADDED_ENTRIES);
            for (LayerEntries.Entry file : entries.entries()) {
                int expectedMode = file.directory() || file.name().endsWith(".so") ? 0755 : 0644;
                assertThat(file.mode()).as(file.name()).isEqualTo(expectedMode);
                assertThat(List.of(file.uid(), file.gid())).as(file.name()).containsExactly(0L, 0L);
                assertThat(file.userName() + file.groupName()).as(file.name()).isEmpty();
                assertThat(file.mtime()).as(file.name()).isEqualTo(CREATED);
            }
            assertThat(entries.entry("usr/share/falco/plugins/libk8saudit.so")
                            .orElseThrow()
                            .content())
                    .isEqualTo(pluginLibrary(K8SAUDIT, platform, "libk8saudit.so"));
            assertThat(entries.entry("usr/share/falco/plugins/libjson.so")
                            .orElseThrow()
                            .content())
                    .isEqualTo(pluginLibrary(JSON_PLUGIN, platform, "libjson.so"));
            assertThat(entries.entry("etc/falco/k8s_audit_rules.yaml")
                            .orElseThrow()
                            .content())
                    .isEqualTo(RULES);
            assertThat(new String(
                            entries.entry("etc/falco/config.d/falco.container_plugin.yaml")
                                    .orElseThrow()
                                    .content(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(FalcoImageBaker.CONTAINER_PLUGIN_OVERRIDE)
                    .doesNotContain("load_plugins");
        }
        assertThat(pluginLibrary(K8SAUDIT, SyntheticArtifacts.Platform.LINUX_ARM64, "libk8saudit.so"))
                .isNotEqualTo(pluginLibrary(K8SAUDIT, SyntheticArtifacts.Platform.LINUX_AMD64, "libk8saudit.so"));
    }

    private static BakeRequest.Builder request(String target) {
        return request(target, List.of(ARM64, AMD64));
    }

    private static BakeRequest.Builder request(String target, List<Platform> platforms) {
        String prefix = registry.host() + "/falco/";
        return BakeFixtures.request(
                        prefix,
                        BakeStore.registry(client),
                        BakeStore.registry(client),
                        registry.host() + "/" + target,
                        platforms)
                .rulesFiles(List.of("/etc/falco/k8s_audit_rules.yaml", "/etc/falco/rules.d"));
    }

    private static BakeResult bakeWith(String targetRepository, List<OciReference> extra) {
        List<OciReference> artifacts = new ArrayList<>(List.of(ref("falco/plugins/plugin/k8saudit:0.16.1")));
        artifacts.addAll(extra);
        return FalcoImageBaker.bake(
                BakeRequest.builder()
                        .baseImage(ref("falco/falco:0.44.0"))
                        .artifacts(artifacts)
                        .platforms(List.of(ARM64, AMD64))
                        .source(BakeStore.registry(client))
                        .target(BakeStore.registry(client))
                        .targetImage(ref(targetRepository + ":offline"))
                        .build(),
                ProgressListener.SILENT);
    }

    /** Publishes plugin {@code name} 0.1.0 whose archive holds {@code files} on every platform. */
    private static OciReference publishPlugin(String name, Map<String, byte[]> files) {
        SyntheticArtifacts.pluginWithFiles(name, "0.1.0", SyntheticArtifacts.PLUGIN_PLATFORMS, platform -> files)
                .pushTo(client, "falco/plugins/plugin/" + name, "0.1.0");
        return ref("falco/plugins/plugin/" + name + ":0.1.0");
    }

    private static void assertNothingPushed(String repository) {
        assertThat(registry.storageDirectory().resolve("docker/registry/v2/repositories/" + repository))
                .doesNotExist();
        assertThat(client.listTags(repository)).isEmpty();
    }

    private static OciReference ref(String repositoryAndTag) {
        return OciReference.parse(registry.host() + "/" + repositoryAndTag);
    }

    /** The bytes of a library in a synthetic plugin's archive for a platform. */
    private static byte[] pluginLibrary(SyntheticArtifact plugin, SyntheticArtifacts.Platform platform, String name) {
        Manifest manifest = plugin.children().get(SyntheticArtifacts.PLUGIN_PLATFORMS.indexOf(platform));
        String layer = JSON.readTree(manifest.bytes())
                .path("layers")
                .get(0)
                .path("digest")
                .asString();
        return LayerEntries.read(plugin.blob(layer).orElseThrow())
                .entry(name)
                .orElseThrow()
                .content();
    }

    private static byte[] baseConfig(int platformIndex) {
        String config = JSON.readTree(BASE.children().get(platformIndex).bytes())
                .path("config")
                .path("digest")
                .asString();
        return BASE.blob(config).orElseThrow();
    }

    private static Manifest child(SyntheticArtifact artifact, String digest) {
        return artifact.children().stream()
                .filter(manifest -> manifest.descriptor().digest().equals(digest))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asString()));
        return texts;
    }

    /** A manifest skopeo wrote into a {@code dir:} directory: {@code <hex>.manifest.json} for an index's entries. */
    private static byte[] pulledManifest(Path directory, String digest) {
        return read(directory.resolve(digest.substring("sha256:".length()) + ".manifest.json"));
    }

    /** A blob skopeo wrote into a {@code dir:} directory, named by its digest's hex. */
    private static byte[] pulledBlob(Path directory, String digest) {
        byte[] bytes = read(directory.resolve(digest.substring("sha256:".length())));
        assertThat(Digests.sha256(bytes)).isEqualTo(digest);
        return bytes;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
