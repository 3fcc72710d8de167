package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOptions;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.mirror.MirrorLock;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.render.ChartArchive;
import io.falcooffline.core.render.ContainerImage;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifact;
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
 * {@code pinDigests} on the real Falco chart 9.0.0 with every subchart on: the rendered chart pulls every image by the
 * digest its source holds (with mirroring off) or the mirror writes (with an index narrowed to one platform), except
 * falco-talon, whose chart writes the tag alone into a label; the plan records tag and digest of each.
 */
@Tag("upstream")
class PinDigestsTest {

    private static final String REGISTRY = "192.168.5.96:30003";
    private static final String TALON = REGISTRY + "/falcosecurity/falco-talon:0.3.0";

    @TempDir
    static Path work;

    private static FalcoUpstream upstream;
    /** The digest of each image the upstream stand-in holds, by its reference as the chart names it. */
    private static final Map<String, String> SOURCE_DIGESTS = new LinkedHashMap<>();

    @BeforeAll
    static void startUpstream() {
        upstream = FalcoUpstream.start(work.resolve("upstream"));
        try (OciStore store = upstream.client()) {
            SOURCE_DIGESTS.put(
                    "falcosecurity/falco:0.44.0",
                    store.resolve("falcosecurity/falco", "0.44.0").orElseThrow().digest());
            SOURCE_DIGESTS.put(
                    "falcosecurity/falcoctl:0.13.0",
                    store.resolve("falcosecurity/falcoctl", "0.13.0")
                            .orElseThrow()
                            .digest());
            SOURCE_DIGESTS.put(
                    "falcosecurity/falco-driver-loader:0.44.0",
                    store.resolve("falcosecurity/falco-driver-loader", "0.44.0")
                            .orElseThrow()
                            .digest());
            push(store, "falcosecurity/falcosidekick", "2.32.0");
            push(store, "falcosecurity/falcosidekick-ui", "2.2.0");
            push(store, "redis/redis-stack", "7.2.0-v11");
            push(store, "falcosecurity/k8s-metacollector", "0.1.1");
            push(store, "falcosecurity/falco-talon", "0.3.0");
            push(store, "appropriate/curl", "latest");
        }
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    private static void push(OciStore store, String repository, String tag) {
        SyntheticArtifact image = SyntheticArtifacts.ociImage(repository, FalcoUpstream.PLATFORMS);
        image.pushTo(store, repository, tag);
        SOURCE_DIGESTS.put(repository + ":" + tag, image.digest());
    }

    /** docker.io, ghcr.io and falco-talon's registry, all read from the stand-in. */
    private static Map<String, String> registryMirrors(String host) {
        Map<String, String> mirrors = new LinkedHashMap<>(upstream.registryMirrors());
        mirrors.replaceAll((registry, mirror) -> host);
        mirrors.put("falco.docker.scarf.sh", host);
        return mirrors;
    }

    private static PackageRequest.Builder request(String name) throws IOException {
        Path values = work.resolve("everything-enabled.yaml");
        Files.writeString(values, TestCharts.FALCO_EVERY_SUBCHART_ON, StandardCharsets.UTF_8);
        return PackageRequest.builder()
                .chart(TestCharts.upstreamFalco())
                .registry(REGISTRY)
                .valuesFile(values)
                .outputDirectory(work.resolve(name))
                .strict(false)
                .pinDigests(true);
    }

    @Test
    void shouldPullEveryImageOfEverySubchartByItsSourceDigestWithMirroringOff() throws IOException {
        List<String> log = new java.util.ArrayList<>();
        PackageResult result = FalcoOffline.packageChart(
                request("mirror-off")
                        .mirror(MirrorOptions.builder()
                                .registryMirrors(registryMirrors(upstream.host()))
                                .insecureRegistries(List.of(upstream.host()))
                                .build())
                        .build(),
                (level, message) -> log.add(message));
        RenderedManifests rendered = HelmRenderer.render(result.chartFile().orElseThrow());

        assertThat(rendered.imageReferences()).hasSizeGreaterThanOrEqualTo(8).contains(TALON);
        assertThat(log).anyMatch(line -> line.matches("pinDigests: \\d+ images pulled by digest, 1 by tag .*"));
        for (ContainerImage image : rendered.images()) {
            OciReference pulled = OciReference.parse(image.image());
            String expected = SOURCE_DIGESTS.get(pulled.repository() + ":" + pulled.tag());
            if (image.image().equals(TALON)) {
                assertThat(pulled.digest()).as(image.toString()).isNull();
                continue;
            }
            assertThat(expected).as(image.toString()).isNotNull();
            assertThat(pulled.digest()).as(image.toString()).isEqualTo(expected);
        }
        assertThat(rendered.get("Deployment", "falco-talon").at("metadata", "labels", "app.kubernetes.io/version"))
                .as("falco-talon's label keeps a valid value")
                .isEqualTo("0.3.0");
        assertThat(ChartArchive.read(result.chartFile().orElseThrow())
                        .text("falco/charts/falcosidekick/templates/tests/test-connection.yaml"))
                .as("the helm test pod's literal, which no render shows")
                .contains(REGISTRY + "/appropriate/curl:latest@" + SOURCE_DIGESTS.get("appropriate/curl:latest"));

        assertThat(result.plan().referencesInUse())
                .filteredOn(reference -> reference.kind() == ReferenceKind.IMAGE)
                .hasSizeGreaterThanOrEqualTo(8)
                .allSatisfy(reference -> {
                    String target = reference.targetReference().orElseThrow().digest();
                    String source = reference.sourceReference().orElseThrow().digest();
                    if (reference.target().equals(TALON)) {
                        assertThat(target).as(reference.target()).isNull();
                    } else {
                        assertThat(target).as(reference.target()).isNotNull().isEqualTo(source);
                    }
                });
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pinned =
                (List<Map<String, Object>>) result.plan().pinning().get("pinned");
        assertThat(pinned)
                .anySatisfy(entry -> assertThat(entry)
                        .containsEntry("tag", "0.44.0")
                        .containsEntry("digest", SOURCE_DIGESTS.get("falcosecurity/falco:0.44.0"))
                        .containsEntry(
                                "reference",
                                REGISTRY + "/falcosecurity/falco:0.44.0@"
                                        + SOURCE_DIGESTS.get("falcosecurity/falco:0.44.0")));
        assertThat(result.plan().pinning().get("notPinned").toString())
                .contains(TALON)
                .contains("app.kubernetes.io/version");
    }

    @Test
    void shouldRefuseWhenTheSourceOfAnImageCannotBeRead() throws IOException {
        String stopped;
        try (LocalRegistry gone = LocalRegistry.startPlain()) {
            stopped = gone.host();
        }
        PackageRequest request = request("unreachable")
                .mirror(MirrorOptions.builder()
                        .registryMirrors(registryMirrors(stopped))
                        .insecureRegistries(List.of(stopped))
                        .build())
                .build();

        assertThatThrownBy(() -> FalcoOffline.packageChart(request, ProgressListener.SILENT))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("pinDigests pins every image")
                .hasMessageContaining("cannot be read from its source")
                .hasMessageContaining("or leave pinDigests off");
        assertThat(work.resolve("unreachable")).doesNotExist();
    }

    /**
     * Mirrored for arm64 only, the Falco image's index is narrowed, so its digest is not the source's: the chart pins
     * the digest the mirror writes, which the lock and the internal registry hold.
     */
    @Test
    void shouldPinTheDigestTheMirrorWritesWhenItNarrowsAnIndex() {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                OciStore client = new RegistryClient(internal.clientOptions().build())) {
            PackageResult result = FalcoOffline.packageChart(
                    PackageRequest.builder()
                            .chart(TestCharts.upstreamFalco())
                            .registry(internal.host())
                            .repositoryPrefix("falco")
                            .repositoryLayout(RepositoryLayout.FLATTEN)
                            .outputDirectory(work.resolve("narrowed"))
                            .falco(FalcoOptions.builder()
                                    .falcoctlIndex(upstream.indexFile().toString())
                                    .build())
                            .pinDigests(true)
                            .mirror(MirrorOptions.builder()
                                    .mode(MirrorMode.PUSH)
                                    .registryMirrors(upstream.registryMirrors())
                                    .insecureRegistries(List.of(upstream.host(), internal.host()))
                                    .platforms(List.of(Platform.parse("linux/arm64")))
                                    .build())
                            .build(),
                    ProgressListener.SILENT);
            String falco = HelmRenderer.render(result.chartFile().orElseThrow()).images().stream()
                    .filter(image -> image.container().equals("falco"))
                    .findFirst()
                    .orElseThrow()
                    .image();
            OciReference pinned = OciReference.parse(falco);
            LockEntry locked = result.mirror().orElseThrow().entries().stream()
                    .filter(entry -> entry.target().equals(falco))
                    .findFirst()
                    .orElseThrow();

            assertThat(pinned.tag()).isEqualTo("0.44.0");
            assertThat(pinned.digest())
                    .isEqualTo(locked.targetDigest())
                    .isNotEqualTo(SOURCE_DIGESTS.get("falcosecurity/falco:0.44.0"));
            assertThat(locked.sourceDigest()).isEqualTo(SOURCE_DIGESTS.get("falcosecurity/falco:0.44.0"));
            assertThat(locked.platforms()).containsExactly("linux/arm64");
            assertThat(client.resolve("falco/falco", pinned.digest())).isPresent();
            assertThat(client.resolve("falco/falco", "0.44.0").orElseThrow().digest())
                    .isEqualTo(pinned.digest());
        }
    }

    /** A lock file fixes what a moved tag resolves to: the chart pins the locked digest, not the tag's current one. */
    @Test
    void shouldPinTheDigestTheLockFileRecordsForASource() {
        SyntheticArtifact locked = SyntheticArtifacts.ociImage("falco-locked", FalcoUpstream.PLATFORMS);
        try (OciStore store = upstream.client()) {
            locked.pushTo(store, "falcosecurity/falco", "locked");
        }
        Path lockFile = work.resolve("falco-offline.lock.json");
        new MirrorLock(
                        REGISTRY,
                        List.of(LockEntry.builder(
                                        LockEntry.Origin.PLAN,
                                        ReferenceKind.IMAGE,
                                        "docker.io/falcosecurity/falco:0.44.0",
                                        REGISTRY + "/falcosecurity/falco:0.44.0")
                                .sourceDigest(locked.digest())
                                .targetDigest(locked.digest())
                                .mediaType(locked.root().descriptor().mediaType())
                                .build()))
                .write(lockFile);

        PackageResult result = FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(TestCharts.upstreamFalco())
                        .registry(REGISTRY)
                        .outputDirectory(work.resolve("locked"))
                        .strict(false)
                        .pinDigests(true)
                        .mirror(MirrorOptions.builder()
                                .registryMirrors(registryMirrors(upstream.host()))
                                .insecureRegistries(List.of(upstream.host()))
                                .lockFile(lockFile)
                                .build())
                        .build(),
                ProgressListener.SILENT);

        assertThat(HelmRenderer.render(result.chartFile().orElseThrow()).imageReferences())
                .contains(REGISTRY + "/falcosecurity/falco:0.44.0@" + locked.digest())
                .contains(REGISTRY + "/falcosecurity/falcoctl:0.13.0@"
                        + SOURCE_DIGESTS.get("falcosecurity/falcoctl:0.13.0"));
        assertThat(locked.digest()).isNotEqualTo(SOURCE_DIGESTS.get("falcosecurity/falco:0.44.0"));
    }
}
