package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.AuditTls;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.Values;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class K8sAuditProfileTest {

    @Test
    void shouldDescribeDeploymentWithK8sAuditAndJsonPluginsAndPinnedNodePort() {
        Map<String, Object> values = K8sAuditProfile.values(AuditOptions.defaults());

        assertThat(Values.isTrueAt(values, "driver.enabled")).isFalse();
        assertThat(Values.at(values, "driver.enabled")).contains(false);
        assertThat(Values.at(values, "collectors.enabled")).contains(false);
        assertThat(Values.stringAt(values, "controller.kind")).isEqualTo("deployment");
        assertThat(Values.at(values, "controller.deployment.replicas")).contains(1);
        assertThat(TestValues.strings(Values.listAt(values, "falcoctl.config.artifact.install.refs")))
                .containsExactly("k8saudit-rules:0.16", "k8saudit:0.16", "json:0.7.0");
        assertThat(Values.at(values, "falcoctl.config.indexes")).contains(List.of());
        assertThat(TestValues.strings(Values.listAt(values, "falcoctl.config.artifact.follow.refs")))
                .containsExactly("k8saudit-rules:0.16");
        assertThat(TestValues.strings(Values.listAt(values, "falco.load_plugins")))
                .containsExactly("k8saudit", "json");
        assertThat(TestValues.strings(Values.listAt(values, "falco.rules_files")))
                .containsExactly("/etc/falco/k8s_audit_rules.yaml", "/etc/falco/rules.d");
        Map<String, Object> k8saudit =
                Values.map(Values.listAt(values, "falco.plugins").get(0));
        assertThat(k8saudit)
                .containsEntry("name", "k8saudit")
                .containsEntry("library_path", "libk8saudit.so")
                .containsEntry("init_config", "")
                .containsEntry("open_params", "http://:9765/k8s-audit");
        assertThat(Values.map(Values.listAt(values, "falco.plugins").get(1)))
                .containsEntry("name", "json")
                .containsEntry("library_path", "libjson.so");
        assertThat(Values.at(values, "falco.json_output")).contains(true);
        assertThat(Values.at(values, "falco.json_include_output_property")).contains(true);
        assertThat(Values.at(values, "falco.json_include_tags_property")).contains(true);
        Map<String, Object> service =
                Values.map(Values.listAt(values, "services").get(0));
        assertThat(service).containsEntry("name", "k8saudit-webhook").containsEntry("type", "NodePort");
        assertThat(Values.map(Values.list(service.get("ports")).get(0)))
                .containsEntry("port", 9765)
                .containsEntry("targetPort", 9765)
                .containsEntry("nodePort", 30007)
                .containsEntry("protocol", "TCP");
    }

    @Test
    void shouldFollowOptionsForServiceTypePortPathReplicasAndTls() {
        AuditOptions options = AuditOptions.builder()
                .serviceType(AuditOptions.ServiceType.CLUSTER_IP)
                .servicePort(8443)
                .path("/audit")
                .replicas(2)
                .tls(AuditTls.builder().build())
                .build();

        Map<String, Object> values = K8sAuditProfile.values(options);

        Map<String, Object> k8saudit =
                Values.map(Values.listAt(values, "falco.plugins").get(0));
        assertThat(k8saudit).containsEntry("open_params", "https://:8443/audit");
        assertThat(Values.map(k8saudit.get("init_config")))
                .containsEntry("sslCertificate", "/etc/falco/certs/falco.pem");
        assertThat(Values.at(values, "controller.deployment.replicas")).contains(2);
        Map<String, Object> service =
                Values.map(Values.listAt(values, "services").get(0));
        assertThat(service).containsEntry("type", "ClusterIP");
        assertThat(Values.map(Values.list(service.get("ports")).get(0)))
                .containsEntry("port", 8443)
                .doesNotContainKey("nodePort");
    }

    @Test
    void shouldLetUserValuesWinOverTheProfile() {
        Map<String, Object> effective = TestValues.coalesce(
                TestValues.minimalChartDefaults(),
                K8sAuditProfile.values(AuditOptions.defaults()),
                TestValues.yaml("controller: {deployment: {replicas: 3}}\nfalco: {json_output: false}"));

        assertThat(Values.at(effective, "controller.deployment.replicas")).contains(3);
        assertThat(Values.stringAt(effective, "controller.kind")).isEqualTo("deployment");
        assertThat(Values.at(effective, "falco.json_output")).contains(false);
        assertThat(TestValues.strings(Values.listAt(effective, "falco.load_plugins")))
                .containsExactly("k8saudit", "json");
    }

    @Test
    void shouldPinNodePortOnlyWhereKubernetesWouldChooseOne() {
        AuditOptions options = AuditOptions.builder().nodePort(31000).build();
        Map<String, Object> unpinned = TestValues.coalesce(TestValues.withProfile(options), TestValues.yaml("""
                services:
                  - name: metrics
                    type: ClusterIP
                    ports: [{port: 8765}]
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9765, protocol: TCP}]
                """));
        Map<String, Object> pinnedByUser = TestValues.coalesce(TestValues.withProfile(options), TestValues.yaml("""
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9765, nodePort: 30500}]
                """));

        Map<String, Object> layer = K8sAuditProfile.pinnedNodePort(FalcoValues.of(unpinned), options)
                .orElseThrow();

        List<?> services = Values.list(layer.get("services"));
        assertThat(services).hasSize(2);
        assertThat(Values.map(services.get(0))).containsEntry("name", "metrics");
        assertThat(Values.map(
                        Values.list(Values.map(services.get(1)).get("ports")).get(0)))
                .containsEntry("port", 9765)
                .containsEntry("nodePort", 31000)
                .containsEntry("protocol", "TCP");
        assertThat(Values.map(Values.list(
                                Values.map(Values.listAt(unpinned, "services").get(1))
                                        .get("ports"))
                        .get(0)))
                .doesNotContainKey("nodePort");
        assertThat(K8sAuditProfile.pinnedNodePort(FalcoValues.of(pinnedByUser), options))
                .isEmpty();
        assertThat(K8sAuditProfile.pinnedNodePort(
                        FalcoValues.of(unpinned),
                        options.toBuilder()
                                .serviceType(AuditOptions.ServiceType.CLUSTER_IP)
                                .build()))
                .isEmpty();
        AuditConsistency.check(
                TestValues.coalesce(unpinned, layer),
                options,
                DeliveredRules.fromValues(TestValues.coalesce(unpinned, layer)));
    }
}
