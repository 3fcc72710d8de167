package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ArtifactNotFoundException;
import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.Skopeo;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryClientTest {

    private static LocalRegistry registry;
    private static RegistryClient client;

    @TempDir
    Path temp;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.startPlain();
        client = new RegistryClient(registry.clientOptions().build());
    }

    @AfterAll
    static void stopRegistry() {
        client.close();
        registry.close();
    }

    @Test
    void shouldRoundTripPluginIndexByteForByteWhenPushedAndFetched() throws Exception {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
        plugin.pushTo(client, "falcosecurity/plugins/plugin/k8saudit", "0.16.1", "0.16");

        Manifest fetched = client.fetchManifest("falcosecurity/plugins/plugin/k8saudit", "0.16");
        assertThat(fetched).isEqualTo(plugin.root());
        assertThat(fetched.descriptor().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);

        Skopeo skopeo = Skopeo.forRegistry(registry, temp);
        byte[] raw = skopeo.inspectRaw("falcosecurity/plugins/plugin/k8saudit:0.16.1");
        assertThat(Digests.sha256(raw)).isEqualTo(plugin.digest());
        for (Manifest child : plugin.children()) {
            byte[] childRaw = skopeo.inspectRaw("falcosecurity/plugins/plugin/k8saudit@"
                    + child.descriptor().digest());
            assertThat(childRaw).isEqualTo(child.bytes());
            assertThat(client.fetchManifest(
                            "falcosecurity/plugins/plugin/k8saudit",
                            child.descriptor().digest()))
                    .isEqualTo(child);
        }
        for (SyntheticArtifact.Blob blob : plugin.blobs()) {
            try (InputStream in = client.fetchBlob("falcosecurity/plugins/plugin/k8saudit", blob.descriptor())) {
                assertThat(in.readAllBytes()).isEqualTo(blob.bytes());
            }
        }
    }

    @Test
    void shouldResolveTagToDescriptorWhenManifestExists() {
        SyntheticArtifact rules = SyntheticArtifacts.k8sauditRules("0.16.1", utf8("- rule: x\n"));
        rules.pushTo(client, "falcosecurity/plugins/ruleset/k8saudit", "0.16.1");

        Optional<Descriptor> resolved = client.resolve("falcosecurity/plugins/ruleset/k8saudit", "0.16.1");

        assertThat(resolved).contains(rules.root().descriptor());
        assertThat(client.resolve("falcosecurity/plugins/ruleset/k8saudit", rules.digest()))
                .contains(rules.root().descriptor());
    }

    @Test
    void shouldResolveToEmptyWhenTagOrRepositoryIsMissing() {
        assertThat(client.resolve("falcosecurity/nothing-here", "1.0")).isEmpty();
        SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", utf8("[]")).pushTo(client, "rules/falco-rules", "5.1.0");
        assertThat(client.resolve("rules/falco-rules", "4.0.0")).isEmpty();
    }

    @Test
    void shouldFailNamingTheManifestWhenFetchingAMissingTag() {
        assertThatThrownBy(() -> client.fetchManifest("falcosecurity/missing", "9.9.9"))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessageContaining("falcosecurity/missing:9.9.9")
                .hasMessageContaining(registry.host());
    }

    @Test
    void shouldPushDockerManifestListWithItsExactMediaTypes() throws Exception {
        SyntheticArtifact image = SyntheticArtifacts.dockerImage("falco", SyntheticArtifacts.PLUGIN_PLATFORMS);
        image.pushTo(client, "falcosecurity/falco", "0.44.0");

        Manifest fetched = client.fetchManifest("falcosecurity/falco", "0.44.0");
        assertThat(fetched.descriptor().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(fetched.bytes()).isEqualTo(image.root().bytes());
        String inspected = Skopeo.forRegistry(registry, temp)
                .inspect("falcosecurity/falco@"
                        + image.children().get(1).descriptor().digest());
        assertThat(inspected).contains("\"Architecture\": \"arm64\"");
    }

    @Test
    void shouldListTagsWhenRepositoryExistsAndNothingWhenItDoesNot() {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("json", "0.7.0", "3.0.0");
        plugin.pushTo(client, "plugins/json", "0.7.0", "0.7", "0", "latest", "0.7.0-extra");

        assertThat(client.listTags("plugins/json"))
                .containsExactlyInAnyOrder("0.7.0", "0.7", "0", "latest", "0.7.0-extra");
        assertThat(client.listTags("plugins/never-pushed")).isEmpty();
    }

    @Test
    void shouldMountBlobFromAnotherRepositoryOfTheSameRegistry() {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("container", "0.7.1", "3.11.0");
        plugin.pushTo(client, "mount/source", "0.7.1");
        Descriptor layer = plugin.blobs().get(1).descriptor();

        assertThat(client.hasBlob("mount/target", layer)).isFalse();
        assertThat(client.mountBlob("mount/target", layer, "mount/source")).isTrue();
        assertThat(client.hasBlob("mount/target", layer)).isTrue();
    }

    @Test
    void shouldUploadInChunksWhenBlobIsLargerThanTheChunkSize() throws Exception {
        byte[] content = SyntheticArtifacts.pseudoRandom("chunked", 10_000 + 17);
        Descriptor blob = new Descriptor("application/octet-stream", Digests.sha256(content), content.length);
        try (RegistryClient chunked =
                new RegistryClient(registry.clientOptions().chunkSize(1024).build())) {
            chunked.pushBlob("chunks/blob", blob, new ByteArrayInputStream(content));

            try (InputStream in = chunked.fetchBlob("chunks/blob", blob)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
    }

    @Test
    void shouldKeepNoBlobWhenPushedContentDoesNotMatchItsDigest() {
        byte[] content = utf8("the real content");
        byte[] other = utf8("other content!!!");
        Descriptor blob = new Descriptor("application/octet-stream", Digests.sha256(content), content.length);

        assertThatThrownBy(() -> client.pushBlob("bad/push", blob, new ByteArrayInputStream(other)))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining(blob.digest());
        assertThat(client.hasBlob("bad/push", blob)).isFalse();
    }

    @Test
    void shouldKeepNoBlobWhenChunkedContentDoesNotMatchItsDigest() {
        byte[] content = SyntheticArtifacts.pseudoRandom("real", 5000);
        byte[] other = SyntheticArtifacts.pseudoRandom("fake", 5000);
        Descriptor blob = new Descriptor("application/octet-stream", Digests.sha256(content), content.length);
        try (RegistryClient chunked =
                new RegistryClient(registry.clientOptions().chunkSize(1024).build())) {
            assertThatThrownBy(() -> chunked.pushBlob("bad/chunked", blob, new ByteArrayInputStream(other)))
                    .isInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining(blob.digest());
            assertThatThrownBy(() -> chunked.pushBlob(
                            "bad/chunked",
                            blob,
                            new ByteArrayInputStream(SyntheticArtifacts.pseudoRandom("real", 4000))))
                    .isInstanceOf(DigestMismatchException.class)
                    .hasMessageContaining("only 4000 of the expected 5000 bytes");
            assertThat(chunked.hasBlob("bad/chunked", blob)).isFalse();
        }
    }

    @Test
    void shouldStreamALargeBlobAndKeepNoneWhenItsContentDoesNotMatchItsDigest() throws Exception {
        byte[] content = SyntheticArtifacts.pseudoRandom("streamed", 3 * 1024 * 1024);
        byte[] other = SyntheticArtifacts.pseudoRandom("forged", 3 * 1024 * 1024);
        Descriptor blob = new Descriptor("application/octet-stream", Digests.sha256(content), content.length);

        assertThatThrownBy(() -> client.pushBlob("streamed/blob", blob, new ByteArrayInputStream(other)))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining(blob.digest());
        assertThat(client.hasBlob("streamed/blob", blob)).isFalse();

        client.pushBlob("streamed/blob", blob, new ByteArrayInputStream(content));
        try (InputStream in = client.fetchBlob("streamed/blob", blob)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void shouldRefuseInvalidRepositoryNamesBeforeSendingAnything() {
        assertThatThrownBy(() -> client.resolve("../etc", "latest"))
                .hasMessageContaining("Invalid repository name '../etc'");
        assertThatThrownBy(() -> client.resolve("ok/repo", "bad tag"))
                .hasMessageContaining("Invalid reference 'bad tag'");
    }

    @Test
    void shouldDescribeTheRegistryForMessages() {
        assertThat(client.describe()).isEqualTo("registry " + registry.host() + " (http)");
        assertThat(List.of(client.toString())).allMatch(s -> s.contains(registry.host()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
