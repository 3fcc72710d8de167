package io.falcooffline.core.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class OciLayoutStoreTest {

    private static final String REPOSITORY = "192.168.5.96:30003/falco/k8saudit";

    @TempDir
    Path temp;

    @Test
    void shouldWriteLayoutThatResolvesTagsAndServesVerifiedContentWhenArtifactPushed() throws IOException {
        Path bundle = temp.resolve("bundle");
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            plugin.pushTo(store, REPOSITORY, "0.16");
        }

        assertThat(Files.readString(bundle.resolve("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
        try (OciLayoutStore reader = OciLayoutStore.openForReading(bundle)) {
            assertThat(reader.resolve(REPOSITORY, "0.16"))
                    .contains(plugin.root().descriptor());
            assertThat(reader.fetchManifest(REPOSITORY, "0.16")).isEqualTo(plugin.root());
            assertThat(reader.listTags(REPOSITORY)).containsExactly("0.16");
            for (SyntheticArtifact.Blob blob : plugin.blobs()) {
                try (InputStream in = reader.fetchBlob(REPOSITORY, blob.descriptor())) {
                    assertThat(in.readAllBytes()).isEqualTo(blob.bytes());
                }
            }
        }
        String index = Files.readString(bundle.resolve("index.json"));
        assertThat(JsonMapper.builder()
                        .build()
                        .readTree(index)
                        .path("manifests")
                        .get(0)
                        .path("annotations")
                        .path("org.opencontainers.image.ref.name")
                        .asString())
                .isEqualTo(REPOSITORY + ":0.16");
    }

    @Test
    void shouldKeepNoBlobAndNoIngestFileWhenPushedBytesDoNotMatchDigest() throws IOException {
        Path bundle = temp.resolve("bundle");
        byte[] good = "good content".getBytes(StandardCharsets.UTF_8);
        Descriptor descriptor = new Descriptor("application/octet-stream", Digests.sha256(good), good.length);
        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            assertThatThrownBy(() -> store.pushBlob(
                            REPOSITORY,
                            descriptor,
                            new ByteArrayInputStream("evil content".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(DigestMismatchException.class);

            assertThat(store.hasBlob(REPOSITORY, descriptor)).isFalse();
        }
        assertThat(bundle.resolve(OciLayoutStore.blobPath(descriptor.digest()))).doesNotExist();
        assertThat(filesUnder(bundle.resolve("ingest"))).isEmpty();
    }

    @Test
    void shouldDeleteLeftoversAndDamagedBlobsWhenReopenedAfterKilledRun() throws IOException {
        Path bundle = temp.resolve("bundle");
        SyntheticArtifact rules = SyntheticArtifacts.k8sauditRules("0.16.1", SyntheticArtifacts.utf8("- rule: x\n"));
        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            rules.pushTo(store, REPOSITORY, "0.16");
        }
        Path partial = Files.writeString(bundle.resolve("ingest").resolve("sha256-abc_123.part"), "half");
        Path tempIndex = Files.writeString(bundle.resolve(".index.json.42.tmp"), "{\"trunc");
        SyntheticArtifact.Blob layer = rules.blobs().get(1);
        Path layerFile =
                bundle.resolve(OciLayoutStore.blobPath(layer.descriptor().digest()));
        byte[] damaged = layer.bytes();
        damaged[damaged.length / 2] ^= 0x55;
        Files.write(layerFile, damaged);

        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            assertThat(partial).doesNotExist();
            assertThat(tempIndex).doesNotExist();
            assertThat(store.resolve(REPOSITORY, "0.16")).contains(rules.root().descriptor());
            assertThat(store.hasBlob(REPOSITORY, layer.descriptor())).isFalse();
            assertThat(layerFile).doesNotExist();

            store.pushBlob(REPOSITORY, layer.descriptor(), new ByteArrayInputStream(layer.bytes()));
            assertThat(store.hasBlob(REPOSITORY, layer.descriptor())).isTrue();
        }
        assertThat(Files.readAllBytes(layerFile)).isEqualTo(layer.bytes());
    }

    @Test
    void shouldReadLayoutInPlaceWhenPackedIntoTar() throws IOException {
        Path bundle = temp.resolve("bundle");
        SyntheticArtifact image =
                SyntheticArtifacts.ociImage("falco", java.util.List.of(SyntheticArtifacts.Platform.LINUX_AMD64));
        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            image.pushTo(store, "registry.internal/falco/falco", "0.44.0");
        }
        Path first = temp.resolve("first.tar");
        Path second = temp.resolve("second.tar");
        BundleArchive.pack(bundle, first);
        BundleArchive.pack(bundle, second);

        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
        try (OciLayoutStore reader = OciLayoutStore.openForReading(first)) {
            assertThat(reader.fetchManifest("registry.internal/falco/falco", "0.44.0"))
                    .isEqualTo(image.root());
            SyntheticArtifact.Blob blob = image.blobs().get(0);
            try (InputStream in = reader.fetchBlob("registry.internal/falco/falco", blob.descriptor())) {
                assertThat(in.readAllBytes()).isEqualTo(blob.bytes());
            }
        }
    }

    @Test
    void shouldDropOtherTagsAndUnreferencedBlobsWhenRetainingOneRun() throws IOException {
        Path bundle = temp.resolve("bundle");
        SyntheticArtifact kept = SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", SyntheticArtifacts.utf8("- r\n"));
        SyntheticArtifact dropped = SyntheticArtifacts.falcoRules("5.0.0", "0.57.0", SyntheticArtifacts.utf8("- q\n"));
        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            kept.pushTo(store, "r/falco-rules", "5");
            dropped.pushTo(store, "r/falco-rules", "5.0");
            Set<String> digests = new java.util.HashSet<>();
            digests.add(kept.digest());
            kept.blobs().forEach(blob -> digests.add(blob.descriptor().digest()));

            store.retainOnly(Set.of("r/falco-rules:5"), digests);

            assertThat(store.listTags("r/falco-rules")).containsExactly("5");
        }
        assertThat(bundle.resolve(OciLayoutStore.blobPath(dropped.digest()))).doesNotExist();
        assertThat(bundle.resolve(OciLayoutStore.blobPath(kept.digest()))).exists();
    }

    @Test
    void shouldNameTheFixWhenOpeningSomethingThatIsNotABundle() throws IOException {
        Path notBundle = Files.createDirectories(temp.resolve("empty"));

        assertThatThrownBy(() -> OciLayoutStore.openForReading(notBundle))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("is not an offline bundle")
                .hasMessageContaining("falco-offline:package");
        assertThatThrownBy(() -> OciLayoutStore.openForReading(temp.resolve("missing.tar")))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldRefuseToWriteIntoDirectoryWithOtherFiles() throws IOException {
        Path foreign = Files.createDirectories(temp.resolve("site"));
        Files.writeString(foreign.resolve("index.html"), "<html/>");

        assertThatThrownBy(() -> OciLayoutStore.openForWriting(foreign))
                .isInstanceOf(io.falcooffline.core.InvalidRequestException.class)
                .hasMessageContaining("new or empty directory");
        assertThat(foreign.resolve("index.html")).hasContent("<html/>");
    }

    private static java.util.List<Path> filesUnder(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
