package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.FALCO_IMAGE;
import static io.falcooffline.core.mirror.UpstreamFixture.FALCO_RULES;
import static io.falcooffline.core.mirror.UpstreamFixture.JSON_DEPENDENCY;
import static io.falcooffline.core.mirror.UpstreamFixture.K8SAUDIT;
import static io.falcooffline.core.mirror.UpstreamFixture.REDIS_IMAGE;
import static io.falcooffline.core.mirror.UpstreamFixture.amd64LayerOf;
import static io.falcooffline.core.mirror.UpstreamFixture.plan;
import static io.falcooffline.core.mirror.UpstreamFixture.repositoryAndTag;
import static io.falcooffline.core.mirror.UpstreamFixture.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.Skopeo;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MirrorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final UpstreamFixture upstream = UpstreamFixture.perClass();

    @TempDir
    Path temp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    @Test
    void shouldCopyEveryArtifactOfThePlanWhenPushingToRegistry() throws IOException {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            String registry = internal.host();
            Path lockFile = temp.resolve("falco-offline.lock.json");

            MirrorResult result = MirrorCalls.run(
                    upstream.options(MirrorMode.PUSH, registry)
                            .lockFile(lockFile)
                            .build(),
                    registry,
                    plan(registry),
                    Optional.empty(),
                    Optional.empty(),
                    listener);

            assertThat(result.entries())
                    .extracting(LockEntry::source)
                    .containsExactlyInAnyOrder(
                            K8SAUDIT,
                            UpstreamFixture.CONTAINER,
                            UpstreamFixture.K8SAUDIT_RULES,
                            FALCO_RULES,
                            FALCO_IMAGE,
                            REDIS_IMAGE,
                            JSON_DEPENDENCY);
            LockEntry json = entry(result, JSON_DEPENDENCY);
            assertThat(json.origin()).isEqualTo(LockEntry.Origin.PLAN);
            assertThat(json.target()).isEqualTo(target(JSON_DEPENDENCY, registry));
            assertThat(json.targetDigest()).isEqualTo(upstream.json.digest());
            assertThat(entry(result, REDIS_IMAGE).targetDigest()).isEqualTo(upstream.redis.digest());
            assertThat(entry(result, K8SAUDIT).platforms()).containsExactly("linux/amd64", "linux/arm64");
            Skopeo skopeo = Skopeo.forRegistry(internal, temp);
            for (LockEntry entry : result.entries()) {
                byte[] raw = skopeo.inspectRaw(repositoryAndTag(entry.target()));
                assertThat(Digests.sha256(raw)).as(entry.target()).isEqualTo(entry.targetDigest());
                assertThat(entry.targetDigest()).isEqualTo(entry.sourceDigest());
            }
            assertThat(MirrorLock.read(lockFile)).contains(new MirrorLock(result.registry(), result.entries()));
            assertThat(result.bytesTransferred()).isPositive();
            assertThat(log)
                    .anyMatch(line -> line.startsWith("INFO " + K8SAUDIT + " -> " + target(K8SAUDIT, registry))
                            && line.contains("/s)"));
        }
    }

    @Test
    void shouldTransferNoBlobBytesWhenRunAgainWithNothingNew() {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            String registry = internal.host();
            MirrorOptions options = upstream.options(MirrorMode.PUSH, registry).build();
            MirrorResult first =
                    MirrorCalls.run(options, registry, plan(registry), Optional.empty(), Optional.empty(), listener);

            MirrorResult second =
                    MirrorCalls.run(options, registry, plan(registry), Optional.empty(), Optional.empty(), listener);

            assertThat(first.blobsTransferred()).isPositive();
            assertThat(second.bytesTransferred()).isZero();
            assertThat(second.blobsTransferred()).isZero();
            assertThat(second.blobsSkipped()).isEqualTo(first.blobsTransferred() + first.blobsSkipped());
            assertThat(second.entries()).isEqualTo(first.entries());
        }
    }

    @Test
    void shouldLoadBundleIntoEmptyRegistryAndCheckAlreadyInternalReferenceWhenPushed() throws IOException {
        try (LocalRegistry inside = LocalRegistry.startPlain();
                RegistryClient insideClient =
                        new RegistryClient(inside.clientOptions().build())) {
            String recordedRegistry = inside.host();
            String sidecar = recordedRegistry + "/falco/custom/sidecar:1.0";
            List<PlannedReference> plan = new ArrayList<>(plan(recordedRegistry));
            plan.add(new PlannedReference(
                    ReferenceKind.IMAGE, sidecar, sidecar, Disposition.ALREADY_INTERNAL, List.of()));
            Path chart = Files.writeString(temp.resolve("falco-9.0.0.tgz"), "chart bytes");
            Path planFile = Files.writeString(temp.resolve("falco-offline.plan.json"), "{}");
            Path bundle = temp.resolve("out").resolve("bundle");

            MirrorResult written = MirrorCalls.run(
                    upstream.options(MirrorMode.BUNDLE, inside.host())
                            .bundle(bundle)
                            .build(),
                    recordedRegistry,
                    plan,
                    Optional.of(chart),
                    Optional.of(planFile),
                    listener);

            assertThat(bundle.resolve("falco-9.0.0.tgz")).hasContent("chart bytes");
            assertThat(bundle.resolve("falco-offline.plan.json")).exists();
            assertThat(MirrorLock.read(bundle.resolve("falco-offline.lock.json")))
                    .contains(new MirrorLock(written.registry(), written.entries()));
            assertThat(entry(written, sidecar).origin()).isEqualTo(LockEntry.Origin.ALREADY_INTERNAL);
            assertThat(entry(written, sidecar).targetDigest()).isNull();

            PushRequest request = PushRequest.builder()
                    .bundle(bundle)
                    .insecureRegistries(List.of(inside.host()))
                    .build();

            assertThatThrownBy(() -> io.falcooffline.core.FalcoOffline.push(request, listener))
                    .isInstanceOf(MirrorException.class)
                    .hasMessageContaining(inside.host() + "/falco/custom/sidecar:1.0 does not exist");

            SyntheticArtifacts.ociImage("sidecar", List.of(SyntheticArtifacts.Platform.LINUX_ARM64))
                    .pushTo(insideClient, "falco/custom/sidecar", "1.0");
            MirrorResult pushed = io.falcooffline.core.FalcoOffline.push(request, listener);

            assertThat(pushed.bytesTransferred()).isZero();
            Skopeo skopeo = Skopeo.forRegistry(inside, temp);
            for (LockEntry entry : written.entries()) {
                if (entry.origin() == LockEntry.Origin.ALREADY_INTERNAL) {
                    continue;
                }
                assertThat(Digests.sha256(skopeo.inspectRaw(repositoryAndTag(entry.target()))))
                        .as(entry.target())
                        .isEqualTo(entry.targetDigest());
            }
            assertThat(pushed.entries()).allMatch(entry -> entry.target().startsWith(inside.host() + "/"));
        }
    }

    @Test
    void shouldPushTarBundleReadInPlace() {
        try (LocalRegistry inside = LocalRegistry.startPlain()) {
            String recordedRegistry = inside.host();
            Path bundle = temp.resolve("bundle");
            MirrorResult written = MirrorCalls.run(
                    upstream.options(MirrorMode.BUNDLE, inside.host())
                            .bundle(bundle)
                            .bundleAsTar(true)
                            .build(),
                    recordedRegistry,
                    plan(recordedRegistry),
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            Path archive = written.bundleArchive().orElseThrow();
            assertThat(archive).isEqualTo(temp.resolve("bundle.tar"));

            MirrorResult pushed = MirrorCalls.push(
                    PushRequest.builder()
                            .bundle(archive)
                            .registry(inside.host())
                            .insecureRegistries(List.of(inside.host()))
                            .build(),
                    listener);

            assertThat(pushed.blobsTransferred()).isPositive();
            Skopeo skopeo = Skopeo.forRegistry(inside, temp);
            LockEntry rules = entry(written, FALCO_RULES);
            assertThat(Digests.sha256(skopeo.inspectRaw(repositoryAndTag(rules.target()))))
                    .isEqualTo(rules.targetDigest());
        }
    }

    @Test
    void shouldKeepOnlyArm64AndWriteTheSameIndexEveryRunWhenPlatformSelected() {
        try (LocalRegistry first = LocalRegistry.startPlain();
                LocalRegistry second = LocalRegistry.startPlain()) {
            MirrorResult one = MirrorCalls.run(
                    upstream.options(MirrorMode.PUSH, first.host())
                            .platforms(List.of(Platform.parse("linux/arm64")))
                            .build(),
                    first.host(),
                    plan(first.host()),
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            MirrorResult two = MirrorCalls.run(
                    upstream.options(MirrorMode.PUSH, second.host())
                            .platforms(List.of(Platform.parse("linux/arm64")))
                            .build(),
                    second.host(),
                    plan(second.host()),
                    Optional.empty(),
                    Optional.empty(),
                    listener);

            LockEntry k8saudit = entry(one, K8SAUDIT);
            assertThat(k8saudit.platforms()).containsExactly("linux/arm64");
            assertThat(k8saudit.targetDigest()).isNotEqualTo(k8saudit.sourceDigest());
            assertThat(entry(two, K8SAUDIT).targetDigest()).isEqualTo(k8saudit.targetDigest());
            assertThat(entry(two, FALCO_IMAGE).targetDigest())
                    .isEqualTo(entry(one, FALCO_IMAGE).targetDigest());
            assertThat(entry(one, FALCO_RULES).targetDigest()).isEqualTo(upstream.falcoRules.digest());

            JsonNode index =
                    JSON.readTree(Skopeo.forRegistry(first, temp).inspectRaw(repositoryAndTag(k8saudit.target())));
            assertThat(index.path("manifests")).hasSize(1);
            assertThat(index.path("manifests")
                            .get(0)
                            .path("platform")
                            .path("architecture")
                            .asString())
                    .isEqualTo("arm64");
            assertThat(index.path("annotations").toString()).contains("falcosecurity/plugins");
            try (RegistryClient client =
                    new RegistryClient(first.clientOptions().build())) {
                String repository = repositoryAndTag(k8saudit.target()).replace(":0.16", "");
                Descriptor amd64Layer = amd64LayerOf(upstream.k8saudit);
                for (SyntheticArtifact.Blob blob : upstream.k8saudit.blobs()) {
                    assertThat(client.hasBlob(repository, blob.descriptor()))
                            .as(blob.descriptor().digest())
                            .isEqualTo(!blob.descriptor().equals(amd64Layer));
                }
            }
        }
    }

    @Test
    void shouldNameArtifactAndTagNothingWhenSourceBlobIsCorrupt() {
        String layer = amd64LayerOf(upstream.k8saudit).digest();
        try (FaultProxy proxy = FaultProxy.start(upstream.registry.host());
                LocalRegistry internal = LocalRegistry.startPlain()) {
            proxy.inject(FaultProxy.Fault.corruptBody("GET", "/blobs/" + layer, true, 100));
            MirrorOptions options = MirrorOptions.builder()
                    .mode(MirrorMode.PUSH)
                    .registryMirror("ghcr.io", proxy.host())
                    .registryMirror("docker.io", proxy.host() + "/dockerhub")
                    .insecureRegistries(List.of(proxy.host(), internal.host()))
                    .build();

            assertThatThrownBy(() -> MirrorCalls.run(
                            options,
                            internal.host(),
                            plan(internal.host()),
                            Optional.empty(),
                            Optional.empty(),
                            listener))
                    .isInstanceOf(MirrorException.class)
                    .hasMessageContaining(K8SAUDIT)
                    .hasMessageContaining(layer)
                    .hasMessageContaining("No tag of this run was set")
                    .extracting(e -> ((MirrorException) e).artifact())
                    .isEqualTo(K8SAUDIT);

            try (RegistryClient client =
                    new RegistryClient(internal.clientOptions().build())) {
                for (PlannedReference reference : plan(internal.host())) {
                    if (reference.kind() != ReferenceKind.INDEX) {
                        String repository = repositoryAndTag(reference.target());
                        assertThat(client.listTags(repository.substring(0, repository.lastIndexOf(':'))))
                                .as(reference.target())
                                .isEmpty();
                    }
                }
                assertThat(client.listTags("falco/falcosecurity/plugins/plugin/json"))
                        .isEmpty();
            }
        }
    }

    @Test
    void shouldLeaveValidIndexAndNoBadBlobThenRepairWhenBundleWriteFailed() throws IOException {
        Path bundle = temp.resolve("bundle");
        String registry = "192.168.5.96:30003";
        Descriptor layer = amd64LayerOf(upstream.k8saudit);
        try (FaultProxy proxy = FaultProxy.start(upstream.registry.host())) {
            proxy.inject(FaultProxy.Fault.corruptBody("GET", "/blobs/" + layer.digest(), false, 100));
            MirrorOptions failing = MirrorOptions.builder()
                    .mode(MirrorMode.BUNDLE)
                    .bundle(bundle)
                    .registryMirror("ghcr.io", proxy.host())
                    .registryMirror("docker.io", proxy.host() + "/dockerhub")
                    .insecureRegistries(List.of(proxy.host()))
                    .build();

            assertThatThrownBy(() -> MirrorCalls.run(
                            failing, registry, plan(registry), Optional.empty(), Optional.empty(), listener))
                    .isInstanceOf(MirrorException.class)
                    .hasMessageContaining(K8SAUDIT);
        }
        assertThat(bundle.resolve(OciLayoutStore.blobPath(layer.digest()))).doesNotExist();
        assertThat(listFiles(bundle.resolve("ingest"))).isEmpty();
        if (Files.exists(bundle.resolve("index.json"))) {
            assertThat(JSON.readTree(bundle.resolve("index.json").toFile()).path("manifests"))
                    .isEmpty();
        }

        // A blob that rotted on disk since is found and fetched again, too.
        Descriptor rulesLayer = upstream.falcoRules.blobs().get(1).descriptor();
        MirrorOptions working =
                upstream.options(MirrorMode.BUNDLE).bundle(bundle).build();
        MirrorCalls.run(working, registry, plan(registry), Optional.empty(), Optional.empty(), listener);
        Path rulesLayerFile = bundle.resolve(OciLayoutStore.blobPath(rulesLayer.digest()));
        Files.write(rulesLayerFile, new byte[(int) rulesLayer.size()]);
        MirrorResult repaired =
                MirrorCalls.run(working, registry, plan(registry), Optional.empty(), Optional.empty(), listener);

        assertThat(repaired.blobsTransferred()).isEqualTo(1);
        assertThat(repaired.bytesTransferred()).isEqualTo(rulesLayer.size());
        try (OciLayoutStore store = OciLayoutStore.openForReading(bundle)) {
            assertThat(store.taggedReferences()).hasSize(repaired.entries().size());
            for (LockEntry entry : repaired.entries()) {
                String name = entry.target().substring(0, entry.target().lastIndexOf(':'));
                String tag = entry.target().substring(entry.target().lastIndexOf(':') + 1);
                Manifest manifest = store.fetchManifest(name, tag);
                assertThat(manifest.descriptor().digest()).isEqualTo(entry.targetDigest());
            }
            assertThat(store.hasBlob("any", layer)).isTrue();
            try (InputStream in = store.fetchBlob("any", rulesLayer)) {
                assertThat(in.readAllBytes())
                        .isEqualTo(upstream.falcoRules.blobs().get(1).bytes());
            }
        }
    }

    @Test
    void shouldLeaveNoIndexOrLockOfAnEarlierRunWhenALaterBundleRunFails() throws IOException {
        Path bundle = temp.resolve("bundle");
        Path lockFile = temp.resolve("falco-offline.lock.json");
        String registry = "192.168.5.96:30003";
        MirrorOptions working =
                upstream.options(MirrorMode.BUNDLE).bundle(bundle).build();
        MirrorCalls.run(working, registry, plan(registry), Optional.empty(), Optional.empty(), listener);
        assertThat(bundle.resolve("index.json")).exists();
        assertThat(bundle.resolve(BundlePusher.LOCK_FILE)).exists();
        List<PlannedReference> withMissing = new java.util.ArrayList<>(plan(registry));
        withMissing.add(UpstreamFixture.redirected(
                ReferenceKind.PLUGIN, "ghcr.io/falcosecurity/plugins/plugin/missing:1", registry));
        MirrorOptions failing = upstream.options(MirrorMode.BUNDLE)
                .bundle(bundle)
                .lockFile(lockFile)
                .build();

        assertThatThrownBy(() ->
                        MirrorCalls.run(failing, registry, withMissing, Optional.empty(), Optional.empty(), listener))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("missing");

        assertThat(bundle.resolve("index.json")).doesNotExist();
        assertThat(bundle.resolve(BundlePusher.LOCK_FILE)).doesNotExist();
        assertThat(lockFile).doesNotExist();
        assertThat(listFiles(bundle.resolve("blobs/sha256"))).isNotEmpty();
        assertThatThrownBy(() -> MirrorCalls.push(
                        PushRequest.builder()
                                .bundle(bundle)
                                .registry("127.0.0.1:9")
                                .build(),
                        listener))
                .hasMessageContaining("is not an offline bundle");
    }

    @Test
    void shouldCopySignatureTagWhenPresentUnlessSwitchedOff() {
        Manifest signature = UpstreamFixture.pushSignature(
                upstream.client, "falcosecurity/plugins/plugin/container", upstream.container.digest());
        String signatureTag = upstream.container.digest().replace(':', '-') + ".sig";
        try (LocalRegistry internal = LocalRegistry.startPlain();
                LocalRegistry without = LocalRegistry.startPlain()) {
            MirrorResult result = MirrorCalls.run(
                    upstream.options(MirrorMode.PUSH, internal.host()).build(),
                    internal.host(),
                    plan(internal.host()),
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            MirrorResult unsigned = MirrorCalls.run(
                    upstream.options(MirrorMode.PUSH, without.host())
                            .copySignatures(false)
                            .build(),
                    without.host(),
                    plan(without.host()),
                    Optional.empty(),
                    Optional.empty(),
                    listener);

            String target = internal.host() + "/falco/falcosecurity/plugins/plugin/container:" + signatureTag;
            LockEntry copied = entry(result, UpstreamFixture.CONTAINER.replace(":0.7.1", ":" + signatureTag));
            assertThat(copied.origin()).isEqualTo(LockEntry.Origin.SIGNATURE);
            assertThat(copied.target()).isEqualTo(target);
            assertThat(copied.targetDigest()).isEqualTo(signature.descriptor().digest());
            assertThat(Digests.sha256(Skopeo.forRegistry(internal, temp).inspectRaw(repositoryAndTag(target))))
                    .isEqualTo(signature.descriptor().digest());
            assertThat(unsigned.entries()).noneMatch(entry -> entry.origin() == LockEntry.Origin.SIGNATURE);
        }
    }

    @Test
    void shouldFetchLockedDigestsWhenUpstreamTagMoved() {
        try (UpstreamFixture moving = new UpstreamFixture();
                LocalRegistry first = LocalRegistry.startPlain();
                LocalRegistry second = LocalRegistry.startPlain();
                LocalRegistry unlocked = LocalRegistry.startPlain()) {
            Path lockFile = temp.resolve("falco-offline.lock.json");
            MirrorResult locked = MirrorCalls.run(
                    moving.options(MirrorMode.PUSH, first.host())
                            .lockFile(lockFile)
                            .build(),
                    first.host(),
                    plan(first.host()),
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            SyntheticArtifact newer =
                    SyntheticArtifacts.falcoRules("5.2.0", "0.57.0", SyntheticArtifacts.utf8("- rule: falco 5.2.0\n"));
            newer.pushTo(moving.client, "falcosecurity/rules/falco-rules", "5", "5.2.0");

            MirrorResult again = MirrorCalls.run(
                    moving.options(MirrorMode.PUSH, second.host())
                            .lockFile(lockFile)
                            .build(),
                    second.host(),
                    plan(second.host()),
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            MirrorResult fresh = MirrorCalls.run(
                    moving.options(MirrorMode.PUSH, unlocked.host()).build(),
                    unlocked.host(),
                    plan(unlocked.host()),
                    Optional.empty(),
                    Optional.empty(),
                    listener);

            assertThat(entry(again, FALCO_RULES).targetDigest())
                    .isEqualTo(entry(locked, FALCO_RULES).targetDigest())
                    .isEqualTo(moving.falcoRules.digest());
            assertThat(entry(fresh, FALCO_RULES).targetDigest()).isEqualTo(newer.digest());
            assertThat(Digests.sha256(Skopeo.forRegistry(second, temp)
                            .inspectRaw(repositoryAndTag(target(FALCO_RULES, second.host())))))
                    .isEqualTo(moving.falcoRules.digest());
        }
    }

    @Test
    void shouldMountInsteadOfUploadingWhenSourceAndTargetShareARegistry() {
        String registry = upstream.registry.host();
        List<PlannedReference> plan = List.of(UpstreamFixture.redirected(ReferenceKind.IMAGE, FALCO_IMAGE, registry));

        MirrorResult result = MirrorCalls.run(
                upstream.options(MirrorMode.PUSH).copySignatures(false).build(),
                registry,
                plan,
                Optional.empty(),
                Optional.empty(),
                listener);

        assertThat(result.blobsMounted()).isEqualTo(upstream.falco.blobs().size());
        assertThat(result.bytesTransferred()).isZero();
        assertThat(Digests.sha256(Skopeo.forRegistry(upstream.registry, temp)
                        .inspectRaw(repositoryAndTag(target(FALCO_IMAGE, registry)))))
                .isEqualTo(upstream.falco.digest());
    }

    @Test
    void shouldRefuseToPushWhenAlreadyInternalReferenceIsMissing() {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            String missing = internal.host() + "/falco/custom/sidecar:1.0";
            List<PlannedReference> plan = new ArrayList<>(plan(internal.host()));
            plan.add(new PlannedReference(
                    ReferenceKind.IMAGE, missing, missing, Disposition.ALREADY_INTERNAL, List.of()));

            assertThatThrownBy(() -> MirrorCalls.run(
                            upstream.options(MirrorMode.PUSH, internal.host()).build(),
                            internal.host(),
                            plan,
                            Optional.empty(),
                            Optional.empty(),
                            listener))
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining(missing)
                    .hasMessageContaining("do not exist there");
            try (RegistryClient client =
                    new RegistryClient(internal.clientOptions().build())) {
                assertThat(client.listTags("falco/falcosecurity/rules/falco-rules"))
                        .isEmpty();
            }
        }
    }

    @Test
    void shouldCopyALayerListedTwiceOnceWhenTransfersRunInParallel() {
        byte[] layer = SyntheticArtifacts.pseudoRandom("twice", 64 * 1024);
        byte[] config = SyntheticArtifacts.utf8("{\"architecture\":\"arm64\",\"os\":\"linux\"}");
        Descriptor layerDescriptor = new Descriptor(SyntheticArtifacts.OCI_LAYER, Digests.sha256(layer), layer.length);
        Descriptor configDescriptor =
                new Descriptor(SyntheticArtifacts.OCI_IMAGE_CONFIG, Digests.sha256(config), config.length);
        upstream.client.pushBlob("dupe/app", layerDescriptor, new java.io.ByteArrayInputStream(layer));
        upstream.client.pushBlob("dupe/app", configDescriptor, new java.io.ByteArrayInputStream(config));
        String layerJson = "{\"mediaType\":\"" + SyntheticArtifacts.OCI_LAYER + "\",\"digest\":\""
                + layerDescriptor.digest() + "\",\"size\":" + layer.length + "}";
        Manifest manifest = Manifest.of(
                SyntheticArtifacts.OCI_MANIFEST,
                SyntheticArtifacts.utf8("{\"schemaVersion\":2,\"mediaType\":\"" + SyntheticArtifacts.OCI_MANIFEST
                        + "\",\"config\":{\"mediaType\":\"" + SyntheticArtifacts.OCI_IMAGE_CONFIG
                        + "\",\"digest\":\"" + configDescriptor.digest() + "\",\"size\":" + config.length
                        + "},\"layers\":[" + layerJson + "," + layerJson + "]}"));
        upstream.client.pushManifest("dupe/app", "1", manifest);
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            List<PlannedReference> plan =
                    List.of(UpstreamFixture.redirected(ReferenceKind.IMAGE, "ghcr.io/dupe/app:1", internal.host()));

            MirrorResult pushed = MirrorCalls.run(
                    upstream.options(MirrorMode.PUSH, internal.host())
                            .parallelism(4)
                            .build(),
                    internal.host(),
                    plan,
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            MirrorResult bundled = MirrorCalls.run(
                    upstream.options(MirrorMode.BUNDLE)
                            .bundle(temp.resolve("bundle"))
                            .parallelism(4)
                            .build(),
                    internal.host(),
                    plan,
                    Optional.empty(),
                    Optional.empty(),
                    listener);

            assertThat(pushed.blobsTransferred()).isEqualTo(2);
            assertThat(bundled.blobsTransferred()).isEqualTo(2);
            assertThat(entry(pushed, "ghcr.io/dupe/app:1").targetDigest())
                    .isEqualTo(manifest.descriptor().digest());
            assertThat(entry(pushed, "ghcr.io/dupe/app:1").size())
                    .isEqualTo(manifest.descriptor().size() + layer.length + config.length);
        }
    }

    @Test
    void shouldLeaveOnlyCompleteBlobsAndValidIndexThenRepairWhenBundleWriterIsKilled() throws Exception {
        Path bundle = temp.resolve("bundle");
        String registry = "192.168.5.96:30003";
        Descriptor stalled = amd64LayerOf(upstream.k8saudit);
        try (FaultProxy proxy = FaultProxy.start(upstream.registry.host())) {
            proxy.inject(
                    FaultProxy.Fault.stallBody("GET", "/blobs/" + stalled.digest(), 1000, Duration.ofMinutes(2), 1));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    BundleWriterProcess.class.getName(),
                    bundle.toString(),
                    registry,
                    proxy.host()));
            for (PlannedReference reference : plan(registry)) {
                if (reference.kind() != ReferenceKind.INDEX) {
                    command.add(reference.source() + "=" + reference.target());
                }
            }
            Process writer = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("writer.log").toFile())
                    .start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                // Killed while the stalled blob is half written and other blobs are complete.
                String stalledPart = stalled.digest().replace(':', '-') + "_";
                while (listFiles(bundle.resolve("ingest")).stream()
                                .noneMatch(part -> part.getFileName().toString().startsWith(stalledPart))
                        || listFiles(bundle.resolve("blobs").resolve("sha256")).size() < 3) {
                    assertThat(writer.isAlive())
                            .as("writer still running; log: %s", temp.resolve("writer.log"))
                            .isTrue();
                    assertThat(System.nanoTime()).as("a blob being written").isLessThan(deadline);
                    Thread.sleep(20);
                }
            } finally {
                writer.destroyForcibly().waitFor();
            }
        }
        assertThat(listFiles(bundle.resolve("ingest"))).isNotEmpty();
        assertThat(bundle.resolve(OciLayoutStore.blobPath(stalled.digest()))).doesNotExist();
        for (Path blob : listFiles(bundle.resolve("blobs").resolve("sha256"))) {
            assertThat(Digests.sha256(Files.readAllBytes(blob))).isEqualTo("sha256:" + blob.getFileName());
        }
        if (Files.exists(bundle.resolve("index.json"))) {
            assertThat(JSON.readTree(bundle.resolve("index.json").toFile())
                            .path("manifests")
                            .isArray())
                    .isTrue();
        }
        int alreadyWritten =
                listFiles(bundle.resolve("blobs").resolve("sha256")).size();

        MirrorResult repaired = MirrorCalls.run(
                upstream.options(MirrorMode.BUNDLE).bundle(bundle).build(),
                registry,
                plan(registry),
                Optional.empty(),
                Optional.empty(),
                listener);

        assertThat(listFiles(bundle.resolve("ingest"))).isEmpty();
        assertThat(repaired.blobsSkipped()).isPositive().isLessThanOrEqualTo(alreadyWritten);
        try (OciLayoutStore store = OciLayoutStore.openForReading(bundle)) {
            assertThat(store.taggedReferences()).hasSize(repaired.entries().size());
            try (InputStream in = store.fetchBlob("any", stalled)) {
                assertThat(Digests.sha256(in.readAllBytes())).isEqualTo(stalled.digest());
            }
        }
    }

    @Test
    void shouldPassCaFileAndCredentialsToTheRegistryClientWhenTargetNeedsThem() throws IOException {
        try (LocalRegistry secured =
                LocalRegistry.builder().tls().htpasswd("mirror", "s3cr:t").start()) {
            String registry = secured.host();
            List<PlannedReference> plan =
                    List.of(UpstreamFixture.redirected(ReferenceKind.RULESFILE, FALCO_RULES, registry));
            MirrorOptions.Builder options =
                    upstream.options(MirrorMode.PUSH).caFile(secured.caFile().orElseThrow());

            assertThatThrownBy(() -> MirrorCalls.run(
                            options.build(), registry, plan, Optional.empty(), Optional.empty(), listener))
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining(registry);
            MirrorResult result = MirrorCalls.run(
                    options.credentials(registry, io.falcooffline.core.RegistryCredentials.basic("mirror", "s3cr:t"))
                            .build(),
                    registry,
                    plan,
                    Optional.empty(),
                    Optional.empty(),
                    listener);

            assertThat(Digests.sha256(Skopeo.forRegistry(secured, temp)
                            .withCredentials("mirror", "s3cr:t")
                            .inspectRaw(repositoryAndTag(target(FALCO_RULES, registry)))))
                    .isEqualTo(entry(result, FALCO_RULES).targetDigest());
            assertThat(log).noneMatch(line -> line.contains("s3cr:t"));
        }
    }

    @Test
    void shouldUseTargetCredentialsForTheRegistryRecordedInTheBundleWhenPushing() {
        Path bundle = temp.resolve("bundle");
        try (LocalRegistry secured =
                LocalRegistry.builder().tls().htpasswd("pusher", "p@ss:word").start()) {
            String recorded = secured.host();
            MirrorCalls.run(
                    upstream.options(MirrorMode.BUNDLE)
                            .caFile(secured.caFile().orElseThrow())
                            .bundle(bundle)
                            .build(),
                    recorded,
                    List.of(UpstreamFixture.redirected(ReferenceKind.RULESFILE, FALCO_RULES, recorded)),
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            PushRequest.Builder request =
                    PushRequest.builder().bundle(bundle).caFile(secured.caFile().orElseThrow());

            assertThatThrownBy(() -> MirrorCalls.push(request.build(), listener))
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining(target(FALCO_RULES, recorded));
            MirrorResult pushed = MirrorCalls.push(
                    request.targetCredentials(io.falcooffline.core.RegistryCredentials.basic("pusher", "p@ss:word"))
                            .build(),
                    listener);

            assertThat(pushed.entries())
                    .singleElement()
                    .satisfies(entry -> assertThat(entry.target()).isEqualTo(target(FALCO_RULES, secured.host())));
            assertThat(log).noneMatch(line -> line.contains("p@ss:word"));
        }
    }

    private static LockEntry entry(MirrorResult result, String sourceOrTarget) {
        return result.entries().stream()
                .filter(entry ->
                        entry.source().equals(sourceOrTarget) || entry.target().equals(sourceOrTarget))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no lock entry for " + sourceOrTarget + " in " + result.entries()));
    }

    private static List<Path> listFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
