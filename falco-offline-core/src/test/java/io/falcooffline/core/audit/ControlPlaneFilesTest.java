package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.AuditBatch;
import io.falcooffline.core.AuditMismatchException;
import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.AuditTls;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneFilesTest {

    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

    @TempDir
    Path work;

    @Test
    void shouldWriteKubeconfigPolicyFlagsAndReadmeThatAgreeWithValues() throws IOException {
        AuditOptions options =
                AuditOptions.builder().webhookAddress("192.168.5.10").build();
        Map<String, Object> values = TestValues.withProfile(options);

        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("out/audit"), options, values, "falco", "kube-audit");

        assertThat(written.files()).allSatisfy(file -> assertThat(file).isRegularFile());
        assertThat(written.directory()).isEqualTo(work.resolve("out/audit").toAbsolutePath());
        assertThat(written.webhookUrl()).isEqualTo("http://192.168.5.10:30007/k8s-audit");
        Map<String, Object> kubeconfig = SafeYaml.loadMap(Files.readString(written.webhookKubeconfig()), "kubeconfig");
        assertThat(kubeconfig).containsEntry("apiVersion", "v1").containsEntry("kind", "Config");
        Map<String, Object> cluster =
                Values.map(Values.list(kubeconfig.get("clusters")).get(0));
        assertThat(Values.stringAt(cluster, "cluster.server")).isEqualTo("http://192.168.5.10:30007/k8s-audit");
        assertThat(Values.mapAt(cluster, "cluster")).doesNotContainKey("certificate-authority-data");
        assertThat(Files.readString(written.webhookKubeconfig()))
                .doesNotContain("&id")
                .doesNotContain("*id");
        AuditConsistency.checkKubeconfig(
                Files.readString(written.webhookKubeconfig()), "kubeconfig", FalcoValues.of(values), options);
        assertThat(Files.readString(written.auditPolicy())).isEqualTo(AuditPolicy.defaultPolicy());
        assertThat(Files.readAllLines(written.apiserverFlags()))
                .containsExactly(
                        "--audit-policy-file=/etc/kubernetes/audit/audit-policy.yaml",
                        "--audit-webhook-config-file=/etc/kubernetes/audit/audit-webhook-kubeconfig.yaml");
        assertThat(Files.readString(written.readme()))
                .contains("http://192.168.5.10:30007/k8s-audit")
                .contains("Service `falco-k8saudit-webhook` (NodePort): node port 30007 on every node, then Service"
                        + " port 9765, to the k8saudit plugin listening as `http://:9765/k8s-audit`")
                .contains("/etc/kubernetes/manifests/kube-apiserver.yaml")
                .contains(
                        "volumeMounts:\n           - name: falco-audit\n             mountPath: /etc/kubernetes/audit\n"
                                + "             readOnly: true")
                .contains("volumes:\n       - name: falco-audit\n         hostPath:\n"
                        + "           path: /etc/kubernetes/audit\n           type: DirectoryOrCreate")
                .contains("kubectl -n kube-audit logs deploy/falco");
        assertThat(written.warnings()).isEmpty();
        try (Stream<Path> siblings = Files.list(work.resolve("out"))) {
            assertThat(siblings).containsExactly(written.directory());
        }
    }

    @Test
    void shouldWriteBatchFlagsAndNameReleaseServices() throws IOException {
        AuditOptions options = AuditOptions.builder()
                .serviceType(AuditOptions.ServiceType.LOAD_BALANCER)
                .servicePort(443)
                .webhookAddress("audit.example.internal")
                .controlPlaneDirectory("/etc/kubernetes/falco")
                .batch(AuditBatch.builder()
                        .maxSize(400)
                        .maxWait(Duration.ofSeconds(90))
                        .throttleQps(10.0)
                        .throttleBurst(15)
                        .build())
                .build();
        Map<String, Object> values = TestValues.withProfile(options);

        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("audit"), options, values, "security", "monitoring");

        assertThat(written.webhookUrl()).isEqualTo("http://audit.example.internal:443/k8s-audit");
        assertThat(Files.readAllLines(written.apiserverFlags()))
                .containsExactly(
                        "--audit-policy-file=/etc/kubernetes/falco/audit-policy.yaml",
                        "--audit-webhook-config-file=/etc/kubernetes/falco/audit-webhook-kubeconfig.yaml",
                        "--audit-webhook-mode=batch",
                        "--audit-webhook-batch-max-size=400",
                        "--audit-webhook-batch-max-wait=1m30s",
                        "--audit-webhook-batch-throttle-enable=true",
                        "--audit-webhook-batch-throttle-qps=10",
                        "--audit-webhook-batch-throttle-burst=15");
        assertThat(Files.readString(written.readme()))
                .contains("Service `security-falco-k8saudit-webhook` (LoadBalancer): Service port 443")
                .contains("kubectl -n monitoring logs deploy/security-falco");
    }

    @Test
    void shouldEmbedCertificateAuthorityWhenPluginServesHttps() throws IOException {
        Path caFile = Files.writeString(work.resolve("ca.crt"), CA);
        AuditOptions options = AuditOptions.builder()
                .webhookAddress("192.168.5.10")
                .tls(AuditTls.builder().certificateAuthorityFile(caFile).build())
                .build();
        Map<String, Object> values = TestValues.coalesce(
                TestValues.withProfile(options), TestValues.yaml("certs: {existingSecret: falco-webhook-tls}"));

        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("audit"), options, values, "falco", "kube-audit");

        Map<String, Object> kubeconfig = SafeYaml.loadMap(Files.readString(written.webhookKubeconfig()), "kubeconfig");
        Map<String, Object> cluster =
                Values.mapAt(Values.map(Values.list(kubeconfig.get("clusters")).get(0)), "cluster");
        assertThat(cluster.get("server")).isEqualTo("https://192.168.5.10:30007/k8s-audit");
        assertThat(new String(
                        Base64.getDecoder().decode(Values.string(cluster.get("certificate-authority-data"))),
                        StandardCharsets.UTF_8))
                .isEqualTo(CA);
        assertThat(Files.readString(written.readme())).contains("the certificate must name `192.168.5.10`");
    }

    @Test
    void shouldTakeCertificateAuthorityFromChartCertsWhenNoFileGiven() throws IOException {
        AuditOptions options = AuditOptions.builder()
                .webhookAddress("192.168.5.10")
                .tls(AuditTls.builder().build())
                .build();
        Map<String, Object> values = TestValues.coalesce(
                TestValues.withProfile(options),
                Map.of("certs", Map.of("server", Map.of("key", "KEY", "crt", "CRT"), "ca", Map.of("crt", CA))));

        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("audit"), options, values, "falco", "kube-audit");

        assertThat(Files.readString(written.webhookKubeconfig()))
                .contains("certificate-authority-data: "
                        + Base64.getEncoder().encodeToString(CA.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldWriteUserPolicyAndReturnItsWarnings() throws IOException {
        String policy = """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                  - level: Metadata
                """;
        Path policyFile = Files.writeString(work.resolve("policy.yaml"), policy);
        AuditOptions options = AuditOptions.builder()
                .webhookAddress("10.0.0.1")
                .policyFile(policyFile)
                .build();

        ControlPlaneFiles.Written written = ControlPlaneFiles.write(
                work.resolve("audit"), options, TestValues.withProfile(options), "falco", "kube-audit");

        assertThat(Files.readString(written.auditPolicy())).isEqualTo(policy);
        assertThat(written.warnings()).anySatisfy(warning -> assertThat(warning).contains("pod creation"));
    }

    @Test
    void shouldReplacePreviousFilesAsAWhole() throws IOException {
        Path directory = work.resolve("audit");
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("stale.txt"), "from an earlier run");
        AuditOptions options = AuditOptions.builder().webhookAddress("10.0.0.1").build();

        ControlPlaneFiles.write(directory, options, TestValues.withProfile(options), "falco", "kube-audit");

        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            ControlPlaneFiles.KUBECONFIG_FILE,
                            ControlPlaneFiles.POLICY_FILE,
                            ControlPlaneFiles.FLAGS_FILE,
                            ControlPlaneFiles.README_FILE);
        }
        try (Stream<Path> siblings = Files.list(work)) {
            assertThat(siblings).containsExactly(directory);
        }
    }

    @Test
    void shouldLeavePreviousFilesUntouchedWhenPolicyInvalid() throws IOException {
        Path directory = work.resolve("audit");
        AuditOptions good = AuditOptions.builder().webhookAddress("10.0.0.1").build();
        ControlPlaneFiles.write(directory, good, TestValues.withProfile(good), "falco", "kube-audit");
        String kubeconfigBefore = Files.readString(directory.resolve(ControlPlaneFiles.KUBECONFIG_FILE));
        Path badPolicy =
                Files.writeString(work.resolve("bad.yaml"), "apiVersion: audit.k8s.io/v1beta1\nkind: Policy\n");
        AuditOptions bad = good.toBuilder()
                .webhookAddress("10.0.0.2")
                .policyFile(badPolicy)
                .build();

        assertThatThrownBy(() ->
                        ControlPlaneFiles.write(directory, bad, TestValues.withProfile(bad), "falco", "kube-audit"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("audit.k8s.io/v1beta1");

        assertThat(Files.readString(directory.resolve(ControlPlaneFiles.KUBECONFIG_FILE)))
                .isEqualTo(kubeconfigBefore);
        try (Stream<Path> siblings = Files.list(work)) {
            assertThat(siblings.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("audit", "bad.yaml");
        }
    }

    @Test
    void shouldWriteNothingWhenValuesDisagree() {
        AuditOptions options = AuditOptions.builder()
                .webhookAddress("10.0.0.1")
                .nodePort(30100)
                .build();
        Map<String, Object> values = TestValues.withProfile(AuditOptions.defaults());

        assertThatThrownBy(() -> ControlPlaneFiles.write(work.resolve("audit"), options, values, "falco", "ns"))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("pins nodePort 30007");
        assertThat(work.resolve("audit")).doesNotExist();
    }

    @Test
    void shouldRequireWebhookAddress() {
        AuditOptions options = AuditOptions.defaults();

        assertThatThrownBy(() -> ControlPlaneFiles.write(
                        work.resolve("audit"), options, TestValues.withProfile(options), "falco", "ns"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditWebhookAddress"));
        assertThat(work.resolve("audit")).doesNotExist();
    }

    @Test
    void shouldRejectCertificateAuthorityFileWithoutCertificate() throws IOException {
        Path notPem = Files.writeString(work.resolve("ca.txt"), "not a certificate");
        AuditOptions options = AuditOptions.builder()
                .webhookAddress("10.0.0.1")
                .tls(AuditTls.builder().certificateAuthorityFile(notPem).build())
                .build();
        Map<String, Object> values =
                TestValues.coalesce(TestValues.withProfile(options), TestValues.yaml("certs: {existingSecret: tls}"));

        assertThatThrownBy(() -> ControlPlaneFiles.write(work.resolve("audit"), options, values, "falco", "ns"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditTlsCertificateAuthorityFile"))
                .hasMessageContaining("holds no PEM certificate");
        assertThat(work.resolve("audit")).doesNotExist();
    }

    @Test
    void shouldListFlagsWithoutWritingAnything() {
        assertThat(ControlPlaneFiles.flags(AuditOptions.builder()
                        .batch(AuditBatch.builder()
                                .mode(AuditBatch.Mode.BLOCKING)
                                .build())
                        .build()))
                .isEqualTo(List.of(
                        "--audit-policy-file=/etc/kubernetes/audit/audit-policy.yaml",
                        "--audit-webhook-config-file=/etc/kubernetes/audit/audit-webhook-kubeconfig.yaml",
                        "--audit-webhook-mode=blocking"));
    }
}
