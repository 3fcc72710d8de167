package io.falcooffline.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The synthetic artifacts have falcoctl's exact format and stable bytes. */
class SyntheticArtifactsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldProduceTheSameDigestsEveryTime() {
        assertThat(SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0").digest())
                .isEqualTo(SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0")
                        .digest());
        assertThat(SyntheticArtifacts.k8sauditRules("0.16.1", utf8("x")).digest())
                .isEqualTo(SyntheticArtifacts.k8sauditRules("0.16.1", utf8("x")).digest());
        assertThat(SyntheticArtifacts.ociImage("falco", SyntheticArtifacts.PLUGIN_PLATFORMS)
                        .digest())
                .isEqualTo(SyntheticArtifacts.ociImage("falco", SyntheticArtifacts.PLUGIN_PLATFORMS)
                        .digest());
        assertThat(SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0").digest())
                .isNotEqualTo(SyntheticArtifacts.plugin("k8saudit", "0.16.0", "3.11.0")
                        .digest());
    }

    @Test
    void shouldBuildPluginIndexWithPlatformAndArtifactTypeOnEachEntry() throws Exception {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
        String index = text(plugin.root());

        assertThat(plugin.root().descriptor().mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index)
                .startsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                        + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                        + plugin.children().get(0).descriptor().digest() + "\",\"size\":")
                .contains(",\"annotations\":{\"org.opencontainers.image.created\":\"2026-03-12T10:00:00Z\","
                        + "\"org.opencontainers.image.source\":\"https://github.com/falcosecurity/plugins.git\"},"
                        + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},"
                        + "\"artifactType\":\"application/vnd.cncf.falco.plugin.config.v1+json\"}")
                .contains("\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}")
                .endsWith("],\"annotations\":{\"org.opencontainers.image.source\":"
                        + "\"https://github.com/falcosecurity/plugins.git\"}}");
        assertThat(plugin.children()).hasSize(2);
    }

    @Test
    void shouldBuildPluginManifestWithOneTitledLayerAndAConfigWithoutAnnotations() throws Exception {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
        Manifest arm = plugin.children().get(1);
        JsonNode manifest = JSON.readTree(arm.bytes());

        assertThat(manifest.has("artifactType")).isFalse();
        assertThat(manifest.path("config").path("mediaType").asString())
                .isEqualTo("application/vnd.cncf.falco.plugin.config.v1+json");
        assertThat(manifest.path("config").has("annotations")).isFalse();
        assertThat(manifest.path("layers")).hasSize(1);
        JsonNode layer = manifest.path("layers").get(0);
        assertThat(layer.path("mediaType").asString()).isEqualTo("application/vnd.cncf.falco.plugin.layer.v1+tar.gz");
        assertThat(layer.path("annotations")
                        .path("org.opencontainers.image.title")
                        .asString())
                .isEqualTo("k8saudit-0.16.1-linux-aarch64.tar.gz");
        byte[] layerBytes = plugin.blob(layer.path("digest").asString()).orElseThrow();
        assertThat(Digests.sha256(layerBytes)).isEqualTo(layer.path("digest").asString());
        assertThat(entries(layerBytes)).containsExactly("libk8saudit.so");
        String config = new String(
                plugin.blob(manifest.path("config").path("digest").asString()).orElseThrow(), StandardCharsets.UTF_8);
        assertThat(config)
                .isEqualTo("{\"name\":\"k8saudit\",\"version\":\"0.16.1\",\"requirements\":[{\"name\":"
                        + "\"plugin_api_version\",\"version\":\"3.11.0\"}]}");
    }

    @Test
    void shouldBuildRulesfileManifestWithSortedDependenciesAndAlternatives() throws Exception {
        SyntheticArtifact rules = SyntheticArtifacts.k8sauditRules("0.16.1", utf8("- required_engine_version: 15\n"));
        JsonNode manifest = JSON.readTree(rules.root().bytes());

        assertThat(rules.root().descriptor().mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(rules.children()).isEmpty();
        assertThat(manifest.path("layers")
                        .get(0)
                        .path("annotations")
                        .path("org.opencontainers.image.title")
                        .asString())
                .isEqualTo("k8saudit-rules-0.16.1.tar.gz");
        String config = new String(
                rules.blob(manifest.path("config").path("digest").asString()).orElseThrow(), StandardCharsets.UTF_8);
        assertThat(config)
                .isEqualTo("{\"name\":\"k8saudit-rules\",\"version\":\"0.16.1\",\"dependencies\":["
                        + "{\"name\":\"json\",\"version\":\"0.7.0\"},"
                        + "{\"name\":\"k8saudit\",\"version\":\"0.7.0\",\"alternatives\":["
                        + "{\"name\":\"k8saudit-aks\",\"version\":\"0.1.0\"},"
                        + "{\"name\":\"k8saudit-eks\",\"version\":\"0.4.0\"},"
                        + "{\"name\":\"k8saudit-gke\",\"version\":\"0.1.0\"},"
                        + "{\"name\":\"k8saudit-ovh\",\"version\":\"0.1.0\"}]}],"
                        + "\"requirements\":[{\"name\":\"engine_version_semver\",\"version\":\"0.15.0\"}]}");
        byte[] layer = rules.blob(manifest.path("layers").get(0).path("digest").asString())
                .orElseThrow();
        assertThat(entries(layer)).containsExactly("k8s_audit_rules.yaml");
    }

    @Test
    void shouldTitleFalcoRulesLikeTheRulesRepository() throws Exception {
        SyntheticArtifact rules = SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", utf8("- rule: x\n"));
        JsonNode manifest = JSON.readTree(rules.root().bytes());

        assertThat(manifest.path("layers")
                        .get(0)
                        .path("annotations")
                        .path("org.opencontainers.image.title")
                        .asString())
                .isEqualTo("falco_rules.yaml.tar.gz");
        assertThat(manifest.path("annotations")
                        .path("org.opencontainers.image.source")
                        .asString())
                .isEqualTo("https://github.com/falcosecurity/rules.git");
    }

    @Test
    void shouldBuildDockerManifestListsAndOciIndexesForImages() throws Exception {
        SyntheticArtifact docker = SyntheticArtifacts.dockerImage("falco", SyntheticArtifacts.PLUGIN_PLATFORMS);
        SyntheticArtifact oci = SyntheticArtifacts.ociImage("falco", SyntheticArtifacts.PLUGIN_PLATFORMS);

        assertThat(docker.root().descriptor().mediaType())
                .isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");
        assertThat(docker.children())
                .allMatch(
                        m -> m.descriptor().mediaType().equals("application/vnd.docker.distribution.manifest.v2+json"));
        assertThat(oci.root().descriptor().mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(JSON.readTree(oci.root().bytes())
                        .path("manifests")
                        .get(1)
                        .path("platform")
                        .path("architecture")
                        .asString())
                .isEqualTo("arm64");
        assertThat(docker.blobs()).hasSize(4);
    }

    private static List<String> entries(byte[] tarGz) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                assertThat(entry.isFile()).isTrue();
                assertThat(entry.getUserId()).isZero();
                names.add(entry.getName());
            }
        }
        return names;
    }

    private static String text(Manifest manifest) {
        return new String(manifest.bytes(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
