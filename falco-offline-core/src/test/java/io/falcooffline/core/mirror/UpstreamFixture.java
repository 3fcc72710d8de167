package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local registry standing in for ghcr.io and Docker Hub, holding the artifacts the Falco chart's k8saudit setup
 * pulls, and the plan that points at them. A test class that shares one for all its tests registers it:
 * {@code @RegisterExtension static final UpstreamFixture upstream = UpstreamFixture.perClass();}.
 */
final class UpstreamFixture implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    static final String K8SAUDIT = "ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16";
    static final String CONTAINER = "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1";
    static final String K8SAUDIT_RULES = "ghcr.io/falcosecurity/plugins/ruleset/k8saudit:0.16";
    static final String FALCO_RULES = "ghcr.io/falcosecurity/rules/falco-rules:5";
    static final String FALCO_IMAGE = "docker.io/falcosecurity/falco:0.44.0";
    static final String REDIS_IMAGE = "docker.io/library/redis:7.2.0-v11";
    static final String JSON_DEPENDENCY = "ghcr.io/falcosecurity/plugins/plugin/json:0.7.0";
    static final String INDEX_URL = "https://falcosecurity.github.io/falcoctl/index.yaml";

    LocalRegistry registry;
    RegistryClient client;
    final SyntheticArtifact k8saudit = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
    final SyntheticArtifact json = SyntheticArtifacts.plugin("json", "0.7.0", "3.0.0");
    final SyntheticArtifact jsonLatest = SyntheticArtifacts.plugin("json", "0.7.4", "3.11.0");
    final SyntheticArtifact container = SyntheticArtifacts.plugin("container", "0.7.1", "3.11.0");
    final SyntheticArtifact k8sauditRules =
            SyntheticArtifacts.k8sauditRules("0.16.1", SyntheticArtifacts.utf8("- rule: k8s audit\n"));
    SyntheticArtifact falcoRules =
            SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", SyntheticArtifacts.utf8("- rule: falco 5.1.0\n"));
    final SyntheticArtifact falco = SyntheticArtifacts.ociImage(
            "falco", List.of(SyntheticArtifacts.Platform.LINUX_AMD64, SyntheticArtifacts.Platform.LINUX_ARM64));
    final SyntheticArtifact redis = SyntheticArtifacts.dockerImage(
            "redis", List.of(SyntheticArtifacts.Platform.LINUX_AMD64, SyntheticArtifacts.Platform.LINUX_ARM64));

    UpstreamFixture() {
        this(LocalRegistry.startPlain());
    }

    /** The artifacts on a registry started by the caller (TLS, for instance); closed with this fixture. */
    UpstreamFixture(LocalRegistry registry) {
        publishOn(registry);
    }

    private UpstreamFixture(Void notYetPublished) {}

    /** A fixture published before the first test of the class that registers it and closed after its last. */
    static UpstreamFixture perClass() {
        return new UpstreamFixture((Void) null);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        publishOn(LocalRegistry.startPlain());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void publishOn(LocalRegistry registry) {
        this.registry = registry;
        client = new RegistryClient(registry.clientOptions().build());
        k8saudit.pushTo(client, "falcosecurity/plugins/plugin/k8saudit", "0.16", "0.16.1");
        json.pushTo(client, "falcosecurity/plugins/plugin/json", "0.7.0");
        jsonLatest.pushTo(client, "falcosecurity/plugins/plugin/json", "0.7.4", "latest");
        container.pushTo(client, "falcosecurity/plugins/plugin/container", "0.7.1");
        k8sauditRules.pushTo(client, "falcosecurity/plugins/ruleset/k8saudit", "0.16", "0.16.1");
        falcoRules.pushTo(client, "falcosecurity/rules/falco-rules", "5", "5.1.0");
        falco.pushTo(client, "dockerhub/falcosecurity/falco", "0.44.0");
        redis.pushTo(client, "dockerhub/library/redis", "7.2.0-v11");
    }

    /** Where the plan's upstream registries are read from: this registry. */
    Map<String, String> registryMirrors() {
        return registryMirrors(registry.host());
    }

    /** Where the plan's upstream registries are read from: this registry under another name, {@code host:port}. */
    static Map<String, String> registryMirrors(String host) {
        Map<String, String> mirrors = new LinkedHashMap<>();
        mirrors.put("ghcr.io", host);
        mirrors.put("docker.io", host + "/dockerhub");
        return mirrors;
    }

    /** Options reading from this registry, writing with the given mode. */
    MirrorOptions.Builder options(MirrorMode mode, String... moreInsecureHosts) {
        List<String> insecure = new ArrayList<>(List.of(registry.host()));
        insecure.addAll(List.of(moreInsecureHosts));
        return MirrorOptions.builder()
                .mode(mode)
                .registryMirrors(registryMirrors())
                .insecureRegistries(insecure);
    }

    /**
     * The plan of a chart using k8saudit, its rules, the container plugin, falco-rules and two images, with the json
     * plugin k8saudit-rules depends on, as the falco stage resolves it.
     */
    static List<PlannedReference> plan(String internalRegistry) {
        List<PlannedReference> plan = new ArrayList<>();
        for (String source : List.of(K8SAUDIT, CONTAINER, JSON_DEPENDENCY)) {
            plan.add(redirected(ReferenceKind.PLUGIN, source, internalRegistry));
        }
        for (String source : List.of(K8SAUDIT_RULES, FALCO_RULES)) {
            plan.add(redirected(ReferenceKind.RULESFILE, source, internalRegistry));
        }
        for (String source : List.of(FALCO_IMAGE, REDIS_IMAGE)) {
            plan.add(redirected(ReferenceKind.IMAGE, source, internalRegistry));
        }
        plan.add(new PlannedReference(
                ReferenceKind.INDEX, INDEX_URL, "http://index.internal/index.yaml", Disposition.REDIRECTED, List.of()));
        return plan;
    }

    static PlannedReference redirected(ReferenceKind kind, String source, String internalRegistry) {
        return new PlannedReference(kind, source, target(source, internalRegistry), Disposition.REDIRECTED, List.of());
    }

    /** The target the plan gives a source: {@code <registry>/falco/<source repository>:<tag>}. */
    static String target(String source, String internalRegistry) {
        return internalRegistry + "/falco/" + source.substring(source.indexOf('/') + 1);
    }

    /** The repository and tag of a target on its registry, as skopeo addresses it. */
    static String repositoryAndTag(String target) {
        return target.substring(target.indexOf('/') + 1);
    }

    /** Pushes a cosign-style signature of an artifact under {@code sha256-<hex>.sig} and returns its manifest. */
    static Manifest pushSignature(OciStore store, String repository, String signedDigest) {
        byte[] payload = ("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + signedDigest + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Descriptor payloadDescriptor = new Descriptor(
                "application/vnd.dev.cosign.simplesigning.v1+json", Digests.sha256(payload), payload.length);
        Descriptor configDescriptor =
                new Descriptor("application/vnd.oci.image.config.v1+json", Digests.sha256(config), config.length);
        store.pushBlob(repository, payloadDescriptor, new ByteArrayInputStream(payload));
        store.pushBlob(repository, configDescriptor, new ByteArrayInputStream(config));
        String manifestJson = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDescriptor.digest() + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\"" + payloadDescriptor.digest()
                + "\",\"size\":" + payload.length
                + ",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEU=\"}}]}";
        Manifest signature = Manifest.of(
                "application/vnd.oci.image.manifest.v1+json", manifestJson.getBytes(StandardCharsets.UTF_8));
        store.pushManifest(repository, signedDigest.replace(':', '-') + ".sig", signature);
        return signature;
    }

    /** The plugin's amd64 layer: a blob only one platform of the artifact holds. */
    static Descriptor amd64LayerOf(SyntheticArtifact plugin) {
        String amd64Manifest = new String(plugin.children().get(0).bytes(), StandardCharsets.UTF_8);
        return plugin.blobs().stream()
                .map(SyntheticArtifact.Blob::descriptor)
                .filter(blob -> blob.mediaType().equals(SyntheticArtifacts.PLUGIN_LAYER))
                .filter(blob -> amd64Manifest.contains(blob.digest()))
                .findFirst()
                .orElseThrow();
    }

    @Override
    public void close() {
        client.close();
        registry.close();
    }
}
