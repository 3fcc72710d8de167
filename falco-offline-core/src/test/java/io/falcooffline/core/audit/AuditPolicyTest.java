package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditPolicyTest {

    @Test
    void shouldAcceptDefaultPolicyWithoutWarnings() {
        assertThat(AuditPolicy.validate(AuditPolicy.defaultPolicy(), "default")).isEmpty();
    }

    @Test
    void shouldGiveDefaultPolicyLevelsTheRulesNeed() {
        List<?> rules = Values.list(
                SafeYaml.loadMap(AuditPolicy.defaultPolicy(), "default").get("rules"));

        assertThat(AuditPolicy.levelFor(rules, "", "pods", "create")).isEqualTo("RequestResponse");
        assertThat(AuditPolicy.levelFor(rules, "apps", "deployments", "patch")).isEqualTo("RequestResponse");
        assertThat(AuditPolicy.levelFor(rules, "rbac.authorization.k8s.io", "clusterrolebindings", "create"))
                .isEqualTo("RequestResponse");
        assertThat(AuditPolicy.levelFor(rules, "", "secrets", "get")).isEqualTo("Metadata");
        assertThat(AuditPolicy.levelFor(rules, "", "configmaps", "create")).isEqualTo("Metadata");
        assertThat(AuditPolicy.levelFor(rules, "", "pods/exec", "create")).isEqualTo("Request");
        assertThat(AuditPolicy.levelFor(rules, "coordination.k8s.io", "leases", "update"))
                .isEqualTo("None");
        assertThat(AuditPolicy.levelFor(rules, "", "pods", "list")).isEqualTo("Metadata");
        Map<String, Object> policy = SafeYaml.loadMap(AuditPolicy.defaultPolicy(), "default");
        assertThat(TestValues.strings(Values.list(policy.get("omitStages")))).containsExactly("RequestReceived");
    }

    @Test
    void shouldRejectBetaApiVersionNamingTheFix() {
        String policy = """
                apiVersion: audit.k8s.io/v1beta1
                kind: Policy
                rules: [{level: Metadata}]
                """;

        assertThatThrownBy(() -> AuditPolicy.validate(policy, "my-policy.yaml"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditPolicyFile"))
                .hasMessageContaining("my-policy.yaml has apiVersion 'audit.k8s.io/v1beta1'")
                .hasMessageContaining("Set apiVersion: audit.k8s.io/v1");
    }

    @Test
    void shouldRejectWrongKindAndMissingRules() {
        assertThatThrownBy(() -> AuditPolicy.validate("apiVersion: audit.k8s.io/v1\nkind: Config\nrules: []\n", "p"))
                .hasMessageContaining("p has kind 'Config', but an audit policy is kind: Policy.");
        assertThatThrownBy(() -> AuditPolicy.validate("apiVersion: audit.k8s.io/v1\nkind: Policy\n", "p"))
                .hasMessageContaining("p has no rules list");
        assertThatThrownBy(() -> AuditPolicy.validate("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n", "p"))
                .hasMessageContaining("p has no rules list");
    }

    @Test
    void shouldRejectInvalidLevelNamingTheRule() {
        String policy = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules:
                  - level: Metadata
                  - level: Everything
                """;

        assertThatThrownBy(() -> AuditPolicy.validate(policy, "p.yaml"))
                .hasMessageContaining("p.yaml rules[1].level is 'Everything', but it must be one of None, Metadata,"
                        + " Request, RequestResponse.");
    }

    @Test
    void shouldRejectMisspelledFieldsAndMixedSelectors() {
        String misspelled = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules:
                  - level: Metadata
                    resource: [{group: ""}]
                """;
        String mixed = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules:
                  - level: None
                    resources: [{group: ""}]
                    nonResourceURLs: [/healthz]
                """;
        String badStage = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [Received]
                rules: [{level: Metadata}]
                """;
        String badUrl = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules: [{level: None, nonResourceURLs: ["/ap*i"]}]
                """;

        assertThatThrownBy(() -> AuditPolicy.validate(misspelled, "p"))
                .hasMessageContaining("p rules[0] has an unknown field 'resource'");
        assertThatThrownBy(() -> AuditPolicy.validate(mixed, "p"))
                .hasMessageContaining("p rules[0] has both resources and nonResourceURLs");
        assertThatThrownBy(() -> AuditPolicy.validate(badStage, "p"))
                .hasMessageContaining("p.omitStages has 'Received', but stages are Panic, RequestReceived,"
                        + " ResponseComplete, ResponseStarted.");
        assertThatThrownBy(() -> AuditPolicy.validate(badUrl, "p"))
                .hasMessageContaining("p rules[0].nonResourceURLs has '/ap*i'");
    }

    @Test
    void shouldRejectMalformedYamlAsPolicyFileProblem() {
        assertThatThrownBy(() -> AuditPolicy.validate("rules: [level: None", "p.yaml"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditPolicyFile"))
                .hasMessageContaining("p.yaml");
    }

    @Test
    void shouldWarnWhenPolicyStarvesFalcoRules() {
        String metadataOnly = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules:
                  - level: Metadata
                """;
        String nothing = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                  - level: None
                """;

        assertThat(AuditPolicy.validate(metadataOnly, "p"))
                .anySatisfy(warning -> assertThat(warning).contains("does not omit the RequestReceived stage"))
                .anySatisfy(warning -> assertThat(warning)
                        .contains("records pod creation at level Metadata")
                        .contains("Create Privileged Pod"))
                .anySatisfy(warning -> assertThat(warning).contains("records ClusterRole creation at level Metadata"));
        assertThat(AuditPolicy.validate(nothing, "p"))
                .containsExactly("p sets every rule to level None: kube-apiserver sends Falco nothing.");
    }
}
