package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.Platform;
import io.falcooffline.core.plan.OciReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BakeTagTest {

    private static final String BASE = "192.168.5.96:30003/falco/falco:0.44.0";
    private static final String BASE_DIGEST = "sha256:" + "a".repeat(64);
    private static final BakeTag.Artifact K8SAUDIT =
            new BakeTag.Artifact("192.168.5.96:30003/falco/k8saudit:0.16.1", "sha256:" + "1".repeat(64));
    private static final BakeTag.Artifact RULES =
            new BakeTag.Artifact("192.168.5.96:30003/falco/k8saudit-rules:0.16.1", "sha256:" + "2".repeat(64));
    private static final Platform ARM64 = Platform.parse("linux/arm64");
    private static final Platform AMD64 = Platform.parse("linux/amd64");

    private static BakeTag.Inputs inputs(
            String baseDigest, List<BakeTag.Artifact> artifacts, List<Platform> platforms, boolean override) {
        return new BakeTag.Inputs(
                BASE,
                baseDigest,
                artifacts,
                platforms,
                Map.of("k8saudit", "/usr/share/falco/plugins/libk8saudit.so"),
                Map.of("k8s_audit_rules.yaml", "/etc/falco/k8s_audit_rules.yaml"),
                override);
    }

    private static String digest(BakeTag.Inputs inputs) {
        return BakeTag.contentDigest(inputs);
    }

    @Test
    void shouldGiveTheSameDigestForTheSameInputsListedInAnotherOrder() {
        String first = digest(inputs(BASE_DIGEST, List.of(K8SAUDIT, RULES), List.of(ARM64, AMD64), true));
        String second = digest(inputs(BASE_DIGEST, List.of(RULES, K8SAUDIT), List.of(AMD64, ARM64), true));

        assertThat(first).isEqualTo(second).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void shouldChangeTheDigestWithEveryInputThatChangesTheImage() {
        BakeTag.Inputs reference = inputs(BASE_DIGEST, List.of(K8SAUDIT, RULES), List.of(ARM64, AMD64), true);
        BakeTag.Artifact otherVersion =
                new BakeTag.Artifact("192.168.5.96:30003/falco/k8saudit:0.18.0", "sha256:" + "3".repeat(64));
        BakeTag.Artifact sameTagOtherContent = new BakeTag.Artifact(K8SAUDIT.reference(), "sha256:" + "4".repeat(64));
        List<BakeTag.Inputs> changed = List.of(
                inputs("sha256:" + "b".repeat(64), List.of(K8SAUDIT, RULES), List.of(ARM64, AMD64), true),
                inputs(BASE_DIGEST, List.of(otherVersion, RULES), List.of(ARM64, AMD64), true),
                inputs(BASE_DIGEST, List.of(sameTagOtherContent, RULES), List.of(ARM64, AMD64), true),
                inputs(BASE_DIGEST, List.of(K8SAUDIT), List.of(ARM64, AMD64), true),
                inputs(BASE_DIGEST, List.of(K8SAUDIT, RULES), List.of(ARM64), true),
                inputs(BASE_DIGEST, List.of(K8SAUDIT, RULES), List.of(ARM64, AMD64), false),
                new BakeTag.Inputs(
                        "192.168.5.96:30003/other/falco:0.44.0",
                        BASE_DIGEST,
                        List.of(K8SAUDIT, RULES),
                        List.of(ARM64, AMD64),
                        reference.pluginLibraries(),
                        reference.rulesFiles(),
                        true),
                new BakeTag.Inputs(
                        BASE,
                        BASE_DIGEST,
                        List.of(K8SAUDIT, RULES),
                        List.of(ARM64, AMD64),
                        reference.pluginLibraries(),
                        Map.of("k8s_audit_rules.yaml", "/etc/falco/rules.d/k8s_audit_rules.yaml"),
                        true));

        List<String> digests = changed.stream().map(BakeTagTest::digest).toList();

        assertThat(digests).doesNotContain(digest(reference)).doesNotHaveDuplicates();
    }

    @Test
    void shouldAppendTheDigestsFirstSixteenHexCharactersToThePrefix() {
        String content = "sha256:0123456789abcdef" + "f".repeat(48);

        assertThat(BakeTag.tag("0.44.0-offline", content)).isEqualTo("0.44.0-offline-0123456789abcdef");
        assertThat(BakeTag.tag("offline-arm64", content)).isEqualTo("offline-arm64-0123456789abcdef");
    }

    @Test
    void shouldShortenALongPrefixSoTheTagStaysAValidTag() {
        String content = "sha256:0123456789abcdef" + "f".repeat(48);
        String prefix = "v".repeat(BakeTag.MAX_TAG_LENGTH);

        String tag = BakeTag.tag(prefix, content);

        // OciReference.parse refuses a tag over 128 characters.
        assertThat(tag).hasSize(BakeTag.MAX_TAG_LENGTH).endsWith("v-0123456789abcdef");
        assertThat(OciReference.parse("registry.example/falco:" + tag).tag()).isEqualTo(tag);
    }
}
