package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.LegacyAuditConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LegacyAuditConfigTest {

    @Test
    void shouldExplainPluginEquivalentWhenFalcoWebserverAuditEndpointUsed() {
        Map<String, Object> values = TestValues.yaml("""
                falco:
                  webserver:
                    enabled: true
                    listen_port: 8765
                    k8s_audit_endpoint: /k8s_audit
                    ssl_enabled: false
                """);

        assertThatThrownBy(() -> LegacyAuditConfig.check(values, "old-values.yaml"))
                .isInstanceOfSatisfying(LegacyAuditConfigException.class, e -> {
                    assertThat(e.sourceName()).isEqualTo("old-values.yaml");
                    assertThat(e.legacyKeys()).containsExactly("falco.webserver.k8s_audit_endpoint");
                })
                .hasMessageContaining("old-values.yaml holds audit settings from before Falco 0.32")
                .hasMessageContaining("falco.webserver.k8s_audit_endpoint (/k8s_audit): Falco's own audit endpoint,"
                        + " removed in Falco 0.32; Falco 0.44 ignores it.")
                .hasMessageContaining("profile=k8s-audit auditPath=/k8s_audit")
                .hasMessageContaining("open_params: http://:9765/k8s_audit")
                .hasMessageContaining("load_plugins:\n  - k8saudit\n  - json")
                .hasMessageContaining("name: k8saudit-webhook")
                .hasMessageContaining("nodePort: 30007")
                .hasMessageContaining("kube-apiserver then posts to http://<node IP>:30007/k8s_audit")
                .hasMessageContaining("Port 8765 stays Falco's web server");
    }

    @Test
    void shouldExplainWhenOldDocsWebserverBlockSitsAtTopLevel() {
        Map<String, Object> values = TestValues.yaml("""
                webserver:
                  enabled: true
                  listen_port: 8765
                  k8s_audit_endpoint: /k8s_audit
                """);

        assertThatThrownBy(() -> LegacyAuditConfig.check(values, "docs.yaml"))
                .isInstanceOf(LegacyAuditConfigException.class)
                .hasMessageContaining("webserver ({enabled: true, listen_port: 8765, k8s_audit_endpoint: /k8s_audit}):"
                        + " a falco.yaml block from before Falco 0.32")
                .hasMessageContaining("open_params: http://:9765/k8s_audit");
    }

    @Test
    void shouldExplainChartOneAuditLogAndDynamicBackend() {
        Map<String, Object> values = TestValues.yaml("""
                auditLog:
                  enabled: true
                  dynamicBackend:
                    enabled: true
                    url: ""
                falco:
                  webserver:
                    listenPort: 8765
                    nodePort: 32765
                    k8sAuditEndpoint: /k8s-audit
                """);

        assertThatThrownBy(() -> LegacyAuditConfig.check(values, "chart-1.x.yaml"))
                .isInstanceOfSatisfying(
                        LegacyAuditConfigException.class,
                        e -> assertThat(e.legacyKeys())
                                .containsExactly(
                                        "auditLog",
                                        "auditLog.dynamicBackend",
                                        "falco.webserver.k8sAuditEndpoint",
                                        "falco.webserver.nodePort"))
                .hasMessageContaining("auditLog ({enabled: true, dynamicBackend: {enabled: true, url: ''}}): chart"
                        + " 1.x's switch for Falco's built-in audit web server, removed in chart 2.0")
                .hasMessageContaining(
                        "made an AuditSink (auditregistration.k8s.io/v1alpha1), an API Kubernetes" + " removed in 1.19")
                .hasMessageContaining("--audit-webhook-config-file")
                .hasMessageContaining("profile=k8s-audit auditNodePort=32765")
                .hasMessageContaining("nodePort: 32765");
    }

    @Test
    void shouldKeepChartOneListenPortUnlessItIsFalcoWebserverPort() {
        Map<String, Object> values = TestValues.yaml("""
                auditLog:
                  enabled: true
                  listenPort: 9766
                  k8sAuditEndpoint: /audit
                  sslEnabled: true
                """);

        assertThatThrownBy(() -> LegacyAuditConfig.check(values, "chart-1.19.yaml"))
                .hasMessageContaining("open_params: https://:9766/audit")
                .hasMessageContaining("sslCertificate: /etc/falco/certs/falco.pem")
                .hasMessageContaining("auditPath=/audit")
                .hasMessageContaining("auditServicePort=9766")
                .hasMessageContaining("certs.existingSecret");
    }

    @Test
    void shouldExplainRulesFileRename() {
        Map<String, Object> values = TestValues.yaml("""
                falco:
                  rulesFile: [/etc/falco/k8s_audit_rules.yaml]
                """);

        assertThatThrownBy(() -> LegacyAuditConfig.check(values, "rules.yaml"))
                .hasMessageContaining("falco.rulesFile ([/etc/falco/k8s_audit_rules.yaml]): chart 1.x's name; the"
                        + " chart now reads falco.rules_files");
    }

    @Test
    void shouldAcceptPluginEraValues() {
        Map<String, Object> values = TestValues.coalesce(
                K8sAuditProfile.values(AuditOptions.defaults()),
                TestValues.yaml(
                        "falco: {webserver: {enabled: true, listen_port: 8765, k8s_healthz_endpoint: /healthz}}"));

        assertThatCode(() -> LegacyAuditConfig.check(values, "values.yaml")).doesNotThrowAnyException();
    }
}
