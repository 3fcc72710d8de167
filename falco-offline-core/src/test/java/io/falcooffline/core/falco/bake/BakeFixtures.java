package io.falcooffline.core.falco.bake;

import static io.falcooffline.core.testing.SyntheticArtifacts.utf8;

import io.falcooffline.core.Platform;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.util.List;

/**
 * The k8s-audit set the baked image tests use, in the upstream formats: the Falco 0.44.0 image for linux/amd64 and
 * linux/arm64, the k8saudit 0.16.1 and json 0.7.4 plugins and the k8saudit-rules 0.16.1 rulesfile, published under one
 * prefix as the mirror names them ({@code <prefix>falco:0.44.0}, {@code <prefix>plugins/plugin/k8saudit:0.16.1}, …).
 */
final class BakeFixtures {

    static final Platform ARM64 = Platform.parse("linux/arm64");
    static final Platform AMD64 = Platform.parse("linux/amd64");
    static final byte[] RULES = utf8("- required_engine_version: 15\n- rule: Create Disallowed Pod\n");
    static final SyntheticArtifact BASE =
            SyntheticArtifacts.falcoImage("0.44.0", SyntheticArtifacts.PLUGIN_PLATFORMS, false);
    static final SyntheticArtifact K8SAUDIT = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
    static final SyntheticArtifact JSON_PLUGIN = SyntheticArtifacts.plugin("json", "0.7.4", "3.11.0");
    static final SyntheticArtifact K8SAUDIT_RULES = SyntheticArtifacts.k8sauditRules("0.16.1", RULES);

    private BakeFixtures() {}

    /**
     * Publishes the set.
     *
     * @param repositoryPrefix how {@code store} names the repositories' common start: {@code falco/} in a registry,
     *     {@code 192.168.5.96:30003/falco/} in a bundle
     */
    static void publish(OciStore store, String repositoryPrefix) {
        BASE.pushTo(store, repositoryPrefix + "falco", "0.44.0");
        K8SAUDIT.pushTo(store, repositoryPrefix + "plugins/plugin/k8saudit", "0.16.1");
        JSON_PLUGIN.pushTo(store, repositoryPrefix + "plugins/plugin/json", "0.7.4");
        K8SAUDIT_RULES.pushTo(store, repositoryPrefix + "plugins/ruleset/k8saudit", "0.16.1");
    }

    /**
     * A request baking the whole set over the base, with the container plugin override.
     *
     * @param referencePrefix the references' common start, e.g. {@code 192.168.5.96:30003/falco/}
     */
    static BakeRequest.Builder request(
            String referencePrefix, BakeStore source, BakeStore target, String image, List<Platform> platforms) {
        return BakeRequest.builder()
                .baseImage(OciReference.parse(referencePrefix + "falco:0.44.0"))
                .artifacts(List.of(
                        OciReference.parse(referencePrefix + "plugins/plugin/k8saudit:0.16.1"),
                        OciReference.parse(referencePrefix + "plugins/plugin/json:0.7.4"),
                        OciReference.parse(referencePrefix + "plugins/ruleset/k8saudit:0.16.1")))
                .overrideContainerPluginConfig(true)
                .platforms(platforms)
                .source(source)
                .target(target)
                .targetImage(OciReference.parse(image));
    }
}
