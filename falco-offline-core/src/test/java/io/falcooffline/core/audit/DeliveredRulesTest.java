package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.AuditOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveredRulesTest {

    @Test
    void shouldDeliverAuditRulesPluginAndJsonDependencyFromFalcoctl() {
        DeliveredRules delivered = DeliveredRules.fromValues(TestValues.withProfile(AuditOptions.defaults()));

        assertThat(delivered.rulesFiles())
                .contains(new DeliveredRules.RulesFile(
                        "/etc/falco/k8s_audit_rules.yaml",
                        DeliveredRules.Origin.FALCOCTL_INSTALL,
                        "k8saudit-rules:0.16",
                        Map.of("k8saudit", "0.7.0", "json", "0.7.0"),
                        true));
        assertThat(delivered.plugins())
                .extracting(
                        DeliveredRules.Plugin::name,
                        DeliveredRules.Plugin::libraryPath,
                        DeliveredRules.Plugin::versionTag)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "k8saudit", "/usr/share/falco/plugins/libk8saudit.so", "0.16"),
                        org.assertj.core.groups.Tuple.tuple("json", "/usr/share/falco/plugins/libjson.so", "0.7.0"));
        assertThat(delivered.imageRulesDirectory()).isEmpty();
        assertThat(delivered.locateRulesFile("/etc/falco/k8s_audit_rules.yaml").status())
                .isEqualTo(DeliveredRules.Status.DELIVERED);
        assertThat(delivered.locateRulesFile("/etc/falco/falco_rules.yaml").status())
                .isEqualTo(DeliveredRules.Status.MISSING);
    }

    @Test
    void shouldLeaveDirectoriesToImageWhenFalcoctlDisabled() {
        Map<String, Object> values = TestValues.coalesce(
                TestValues.withProfile(AuditOptions.defaults()),
                TestValues.yaml("falcoctl: {artifact: {install: {enabled: false}, follow: {enabled: false}}}"));

        DeliveredRules delivered = DeliveredRules.fromValues(values);

        assertThat(delivered.rulesFiles()).isEmpty();
        assertThat(delivered.plugins()).isEmpty();
        assertThat(delivered.imageRulesDirectory())
                .hasValueSatisfying(image -> assertThat(image)
                        .contains("docker.io/falcosecurity/falco")
                        .contains("falcoctl.artifact.install.enabled=false"));
        DeliveredRules.Location location = delivered.locateRulesFile("/etc/falco/k8s_audit_rules.yaml");
        assertThat(location.status()).isEqualTo(DeliveredRules.Status.ASSUMED);
        assertThat(location.explanation()).startsWith("provided by the image");
    }

    @Test
    void shouldReadCustomRulesRequirementsAndUserMounts() {
        Map<String, Object> values =
                TestValues.coalesce(TestValues.withProfile(AuditOptions.defaults()), TestValues.yaml("""
                customRules:
                  my-audit.yaml: |-
                    - required_plugin_versions:
                        - name: k8saudit
                          version: 0.9.0
                    - rule: My Rule
                mounts:
                  volumeMounts:
                    - name: extra-rules
                      mountPath: /etc/falco/extra
                """));

        DeliveredRules delivered = DeliveredRules.fromValues(values);

        assertThat(delivered.rulesFiles())
                .contains(new DeliveredRules.RulesFile(
                        "/etc/falco/rules.d/my-audit.yaml",
                        DeliveredRules.Origin.CHART,
                        "customRules.my-audit.yaml",
                        Map.of("k8saudit", "0.9.0"),
                        true));
        assertThat(delivered.locateRulesFile("/etc/falco/extra/more.yaml").explanation())
                .isEqualTo("mounted by mounts.volumeMounts at /etc/falco/extra");
    }

    @Test
    void shouldKnowOfficialArtifactsFromNamesAndFullReferences() {
        ArtifactRef rules = ArtifactRef.parse("ghcr.io/falcosecurity/plugins/ruleset/k8saudit:0.18");
        ArtifactRef plugin = ArtifactRef.parse("192.168.5.96:30003/falco/plugins/plugin/json:0.7.0");
        ArtifactRef falcoRules = ArtifactRef.parse("falco-rules:5");
        ArtifactRef latest = ArtifactRef.parse("k8saudit-rules");

        assertThat(rules.name()).isEqualTo("k8saudit-rules");
        assertThat(rules.rulesfile()).isTrue();
        assertThat(rules.requiredPluginVersions()).contains(Map.of("k8saudit", "0.18.0", "json", "0.7.0"));
        assertThat(plugin.name()).isEqualTo("json");
        assertThat(plugin.rulesfile()).isFalse();
        assertThat(plugin.tag()).isEqualTo("0.7.0");
        assertThat(plugin.installedFile()).contains("libjson.so");
        assertThat(falcoRules.installedFile()).contains("falco_rules.yaml");
        assertThat(falcoRules.requiredPluginVersions()).contains(Map.of());
        assertThat(latest.tag()).isEmpty();
        assertThat(latest.requiredPluginVersions()).isEmpty();
    }

    @Test
    void shouldCompareVersionTagsAsFalcoDoes() {
        VersionRange.Version required = VersionRange.Version.parse("0.7.0").orElseThrow();

        assertThat(VersionRange.ofTag("0.16").orElseThrow().satisfies(required))
                .isEqualTo(VersionRange.Verdict.SATISFIED);
        assertThat(VersionRange.ofTag("0.7.0").orElseThrow().satisfies(required))
                .isEqualTo(VersionRange.Verdict.SATISFIED);
        assertThat(VersionRange.ofTag("0.6").orElseThrow().satisfies(required))
                .isEqualTo(VersionRange.Verdict.NOT_SATISFIED);
        assertThat(VersionRange.ofTag("1.0.0").orElseThrow().satisfies(required))
                .isEqualTo(VersionRange.Verdict.NOT_SATISFIED);
        assertThat(VersionRange.ofTag("0.7")
                        .orElseThrow()
                        .satisfies(VersionRange.Version.parse("0.7.2").orElseThrow()))
                .isEqualTo(VersionRange.Verdict.UNKNOWN);
        assertThat(VersionRange.ofTag("latest")).isEmpty();
        assertThat(VersionRange.ofTag("0")).isEmpty();
    }
}
