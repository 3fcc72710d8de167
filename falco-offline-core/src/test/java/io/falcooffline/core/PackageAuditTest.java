package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.yaml.HelmValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("upstream")
class PackageAuditTest {

    private static final Path FIXTURES = Path.of(System.getProperty("falco-offline.fixtures", "../../shared/fixtures"));
    private static final String HARBOR = "192.168.5.96:30003";

    @TempDir
    Path work;

    private PackageRequest.Builder request() {
        return PackageRequest.builder()
                .chart(FIXTURES.resolve("charts/falco-9.0.0.tgz"))
                .registry(HARBOR)
                .repositoryPrefix("falco")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .namespace("kube-audit")
                .outputDirectory(work.resolve("out"));
    }

    @Test
    void shouldBakeProfileAndPinnedNodePortAndWriteControlPlaneFiles() throws IOException {
        PackageResult result = FalcoOffline.packageChart(
                request()
                        .profile("k8s-audit")
                        .audit(AuditOptions.builder().webhookAddress("10.0.0.5").build())
                        .strict(false)
                        .build(),
                ProgressListener.SILENT);

        Chart output = new ChartReader().read(result.chartFile().orElseThrow());
        assertThat(HelmValues.get(output.values(), "controller.kind")).contains("deployment");
        assertThat(HelmValues.get(output.values(), "services[0].ports[0].nodePort"))
                .contains(30007);
        assertThat(HelmValues.get(output.values(), "falcoctl.config.artifact.install.refs"))
                .get()
                .asList()
                .isEqualTo(List.of(
                        HARBOR + "/falco/k8saudit-rules:0.16",
                        HARBOR + "/falco/k8saudit:0.16",
                        HARBOR + "/falco/json:0.7.0"));
        assertThat(HelmValues.get(output.values(), "falcoctl.config.indexes")).contains(List.of());
        assertThat(result.plan().warnings()).isEmpty();
        Path kubeconfig = work.resolve("out/audit/audit-webhook-kubeconfig.yaml");
        assertThat(Files.readString(kubeconfig)).contains("http://10.0.0.5:30007/k8s-audit");
        assertThat(work.resolve("out/audit/kube-apiserver-flags.txt")).exists();
    }

    @Test
    void shouldCheckHandWrittenWebhookValuesAndPinTheirNodePort() throws IOException {
        PackageResult result = FalcoOffline.packageChart(
                request()
                        .valuesFile(FIXTURES.resolve("values/custom_values.yaml"))
                        .audit(AuditOptions.builder()
                                .webhookAddress("192.168.5.10")
                                .build())
                        .build(),
                ProgressListener.SILENT);

        Chart output = new ChartReader().read(result.chartFile().orElseThrow());
        assertThat(HelmValues.get(output.values(), "services[0].ports[0].nodePort"))
                .contains(30007);
        assertThat(result.plan().warnings()).isEmpty();
        assertThat(Files.readString(work.resolve("out/audit/audit-webhook-kubeconfig.yaml")))
                .contains("http://192.168.5.10:30007/k8s-audit");
    }

    @Test
    void shouldFailNamingBothPortsWhenServiceAndPluginDisagreeAndWriteNothing() throws IOException {
        Path values = Files.writeString(work.resolve("wrong-port.yaml"), """
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports:
                      - port: 9766
                        nodePort: 30007
                        protocol: TCP
                """);

        assertThatThrownBy(() -> FalcoOffline.packageChart(
                        request().profile("k8s-audit").valuesFile(values).build(), ProgressListener.SILENT))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("9765")
                .hasMessageContaining("9766");
        assertThat(work.resolve("out")).doesNotExist();
    }

    @Test
    void shouldExplainThePluginEquivalentOfLegacyAuditValues() throws IOException {
        Path legacy = Files.writeString(work.resolve("legacy.yaml"), """
                falco:
                  webserver:
                    enabled: true
                    listen_port: 8765
                    k8s_audit_endpoint: /k8s_audit
                """);

        assertThatThrownBy(() ->
                        FalcoOffline.packageChart(request().valuesFile(legacy).build(), ProgressListener.SILENT))
                .isInstanceOf(LegacyAuditConfigException.class)
                .hasMessageContaining(legacy.toString())
                .hasMessageContaining("k8s_audit_endpoint")
                .hasMessageContaining("open_params");
        assertThat(work.resolve("out")).doesNotExist();
    }
}
