package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.AuditBatch;
import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.AuditTls;
import io.falcooffline.core.InvalidRequestException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuditOptionsTest {

    @Test
    void shouldDefaultToChartK8sAuditSetup() {
        AuditOptions options = AuditOptions.defaults();

        assertThat(options.serviceType()).isEqualTo(AuditOptions.ServiceType.NODE_PORT);
        assertThat(options.servicePort()).isEqualTo(9765);
        assertThat(options.nodePort()).isEqualTo(30007);
        assertThat(options.path()).isEqualTo("/k8s-audit");
        assertThat(options.replicas()).isEqualTo(1);
        assertThat(options.webhookAddress()).isEmpty();
        assertThat(options.tls()).isEmpty();
        assertThat(options.policyFile()).isEmpty();
        assertThat(options.batch()).isEmpty();
        assertThat(options.openParams()).isEqualTo("http://:9765/k8s-audit");
    }

    @Test
    void shouldRoundTripThroughBuilder() {
        AuditOptions options = AuditOptions.builder()
                .serviceType(AuditOptions.ServiceType.LOAD_BALANCER)
                .servicePort(443)
                .path("/audit")
                .webhookAddress(" lb.example ")
                .tls(AuditTls.builder()
                        .certificateAuthorityFile(Path.of("ca.crt"))
                        .build())
                .policyFile(Path.of("policy.yaml"))
                .batch(AuditBatch.builder().maxWait(Duration.ofMillis(1500)).build())
                .replicas(2)
                .build();

        assertThat(options.toBuilder().build()).isEqualTo(options).hasSameHashCodeAs(options);
        assertThat(options.webhookAddress()).contains("lb.example");
        assertThat(options.openParams()).isEqualTo("https://:443/audit");
        assertThat(options.batch().orElseThrow().flags()).contains("--audit-webhook-batch-max-wait=1s500ms");
    }

    @Test
    void shouldRejectNodePortOutsideDefaultRangeNamingParameter() {
        assertThatThrownBy(() -> AuditOptions.builder().nodePort(8080).build())
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditNodePort"))
                .hasMessageContaining("auditNodePort 8080 is outside Kubernetes' default node port range 30000-32767");
        assertThat(AuditOptions.builder()
                        .serviceType(AuditOptions.ServiceType.CLUSTER_IP)
                        .nodePort(8080)
                        .build()
                        .nodePort())
                .isEqualTo(8080);
    }

    @Test
    void shouldRejectBadPortPathAddressAndReplicas() {
        assertThatThrownBy(() -> AuditOptions.builder().servicePort(70000).build())
                .hasMessageContaining("auditServicePort must be a TCP port");
        assertThatThrownBy(() -> AuditOptions.builder().path("k8s-audit").build())
                .hasMessageContaining("auditPath must start with '/'");
        assertThatThrownBy(() -> AuditOptions.builder().path("/audit/{id}").build())
                .hasMessageContaining("auditPath must start with '/'");
        assertThatThrownBy(() -> AuditOptions.builder()
                        .webhookAddress("http://10.0.0.1:30007")
                        .build())
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditWebhookAddress"))
                .hasMessageContaining("leave out the scheme, port and path");
        assertThatThrownBy(() -> AuditOptions.builder().replicas(0).build()).hasMessageContaining("at least 1 replica");
    }

    @Test
    void shouldAcceptIpv4Ipv6AndDnsAddresses() {
        assertThat(AuditOptions.builder().webhookAddress("10.1.2.3").build().webhookAddress())
                .contains("10.1.2.3");
        assertThat(AuditOptions.builder().webhookAddress("fd00::1").build().webhookAddress())
                .contains("fd00::1");
        assertThat(AuditOptions.builder()
                        .webhookAddress("falco-k8saudit-webhook.kube-audit.svc.cluster.local")
                        .build()
                        .webhookAddress())
                .isPresent();
    }

    @Test
    void shouldParseServiceTypeInEitherSpelling() {
        assertThat(AuditOptions.ServiceType.parse("NodePort")).isEqualTo(AuditOptions.ServiceType.NODE_PORT);
        assertThat(AuditOptions.ServiceType.parse("CLUSTER_IP")).isEqualTo(AuditOptions.ServiceType.CLUSTER_IP);
        assertThat(AuditOptions.ServiceType.parse("load-balancer")).isEqualTo(AuditOptions.ServiceType.LOAD_BALANCER);
        assertThatThrownBy(() -> AuditOptions.ServiceType.parse("Ingress"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditServiceType"))
                .hasMessageContaining("NodePort, ClusterIP or LoadBalancer, got 'Ingress'");
    }

    @Test
    void shouldRejectBatchSettingsOutsideBatchMode() {
        assertThatThrownBy(() -> AuditBatch.builder()
                        .mode(AuditBatch.Mode.BLOCKING)
                        .maxSize(10)
                        .build())
                .hasMessageContaining("apply only to --audit-webhook-mode=batch");
        assertThatThrownBy(() -> AuditBatch.builder().throttleBurst(5).build())
                .hasMessageContaining("throttleBurst needs throttleQps");
        assertThatThrownBy(() -> AuditBatch.builder().maxWait(Duration.ZERO).build())
                .hasMessageContaining("maxWait must be positive");
    }
}
