package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.yaml.HelmValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {

    private static final String REGISTRY = "harbor.corp:8443";

    @TempDir
    Path work;

    private final List<String> log = new ArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    private Path chartDirectory() throws IOException {
        Path chart = work.resolve("in/app");
        write(chart.resolve("Chart.yaml"), """
                apiVersion: v2
                name: app
                version: 1.0.0
                appVersion: 2.0.0
                dependencies:
                  - name: sub
                    version: 0.1.0
                    condition: sub.enabled
                """);
        write(chart.resolve("values.yaml"), """
                # The application image.
                image:
                  registry: docker.io
                  # Keep the upstream repository.
                  repository: acme/app
                  tag: ""
                imagePullSecrets: []
                sub:
                  enabled: true
                  image:
                    tag: "9"
                """);
        write(chart.resolve("templates/deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
                        - name: tools
                          image: appropriate/curl
                """);
        write(chart.resolve("charts/sub/Chart.yaml"), "apiVersion: v2\nname: sub\nversion: 0.1.0\n");
        write(chart.resolve("charts/sub/values.yaml"), """
                image:
                  registry: docker.io
                  repository: acme/sub
                  tag: "1"
                """);
        return chart;
    }

    private PackageRequest.Builder request(Path chart) {
        return PackageRequest.builder()
                .chart(chart)
                .registry(REGISTRY)
                .repositoryPrefix("mirror")
                .outputDirectory(work.resolve("out"));
    }

    @Test
    void shouldRedirectEveryReferenceAndWriteChartAndPlan() throws IOException {
        PackageResult result =
                FalcoOffline.packageChart(request(chartDirectory()).build(), listener);

        assertThat(result.chartFile()).contains(work.resolve("out/app-1.0.0.tgz"));
        Chart output = new ChartReader().read(result.chartFile().orElseThrow());
        assertThat(HelmValues.get(output.values(), "image.registry")).contains(REGISTRY);
        assertThat(HelmValues.get(output.values(), "image.repository")).contains("mirror/acme/app");
        assertThat(HelmValues.get(output.values(), "image.tag")).contains("");
        assertThat(output.text("templates/deployment.yaml").orElseThrow())
                .as("untagged means latest, and the rewrite says so")
                .contains("image: " + REGISTRY + "/mirror/appropriate/curl:latest\n");
        assertThat(output.text("values.yaml").orElseThrow())
                .contains("# The application image.\n")
                .contains("  # Keep the upstream repository.\n");
        assertThat(result.plan().references())
                .extracting(PlannedReference::source, PlannedReference::target, PlannedReference::disposition)
                .contains(
                        org.assertj.core.groups.Tuple.tuple(
                                "docker.io/acme/app:2.0.0",
                                REGISTRY + "/mirror/acme/app:2.0.0",
                                Disposition.REDIRECTED),
                        org.assertj.core.groups.Tuple.tuple(
                                "docker.io/acme/sub:9", REGISTRY + "/mirror/acme/sub:9", Disposition.REDIRECTED),
                        org.assertj.core.groups.Tuple.tuple(
                                "docker.io/appropriate/curl:latest",
                                REGISTRY + "/mirror/appropriate/curl:latest",
                                Disposition.REDIRECTED));
        assertThat(Files.readString(result.planFile().orElseThrow()))
                .contains("\"target\" : \"" + REGISTRY + "/mirror/acme/sub:9\"");
        assertThat(log).anyMatch(line -> line.contains("-> " + REGISTRY + "/mirror/acme/app:2.0.0"));
    }

    @Test
    void shouldLeaveFalcoAloneForAChartThatIsNotFalco() throws IOException {
        PackageResult result =
                FalcoOffline.packageChart(request(chartDirectory()).build(), listener);

        assertThat(log)
                .as("no falcoctl index or compatibility talk for a chart that configures no Falco")
                .noneMatch(line -> line.contains("falcoctl short names") || line.contains("compatibility table"))
                .anyMatch(line -> line.contains("configure neither `falco` nor `falcoctl`"));
        assertThat(result.plan().warnings()).isEmpty();
        assertThatThrownBy(() -> FalcoOffline.packageChart(
                        request(chartDirectory())
                                .falco(FalcoOptions.builder()
                                        .delivery(Delivery.BAKED)
                                        .build())
                                .build(),
                        listener))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("delivery=baked")
                .hasMessageContaining("not the Falco chart");
    }

    @Test
    void shouldRefuseABuildContextWithoutTheBakedDelivery() {
        assertThatThrownBy(() -> FalcoOptions.builder()
                        .bakeBuildContext(work.resolve("context"))
                        .build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("`bakeBuildContext`")
                .hasMessageContaining("delivery=baked");
    }

    @Test
    void shouldGiveOutputFilesThePermissionsOfAnyNewFile() throws IOException {
        PackageResult result =
                FalcoOffline.packageChart(request(chartDirectory()).build(), listener);

        Path ordinary = Files.createFile(work.resolve("out/ordinary"));
        assertThat(Files.getPosixFilePermissions(result.chartFile().orElseThrow()))
                .isEqualTo(Files.getPosixFilePermissions(ordinary));
        assertThat(Files.getPosixFilePermissions(result.planFile().orElseThrow()))
                .isEqualTo(Files.getPosixFilePermissions(ordinary));
    }

    @Test
    void shouldEditSubchartDefaultsUnlessTheParentSetsTheKey() throws IOException {
        Path values = write(work.resolve("user.yaml"), "sub:\n  image:\n    repository: acme/other\n");

        PackageResult result = FalcoOffline.packageChart(
                request(chartDirectory()).valuesFile(values).build(), listener);

        Chart output = new ChartReader().read(result.chartFile().orElseThrow());
        Chart sub = output.subcharts().get(0);
        assertThat(HelmValues.get(output.values(), "sub.image.repository")).contains("mirror/acme/other");
        assertThat(HelmValues.get(output.values(), "sub.image.tag")).contains("9");
        assertThat(HelmValues.get(output.values(), "sub.image.registry")).isEmpty();
        assertThat(HelmValues.get(sub.values(), "image.registry")).contains(REGISTRY);
        assertThat(HelmValues.get(sub.values(), "image.repository")).contains("acme/sub");
    }

    @Test
    void shouldWritePullSecretsInTheShapeEachChartExpects() throws IOException {
        PackageResult result = FalcoOffline.packageChart(
                request(chartDirectory())
                        .imagePullSecrets(List.of("harbor-pull"))
                        .build(),
                listener);

        Chart output = new ChartReader().read(result.chartFile().orElseThrow());
        assertThat(HelmValues.get(output.values(), "imagePullSecrets"))
                .contains(List.of(Map.of("name", "harbor-pull")));
    }

    @Test
    void shouldAddTheRegistrySecretAfterThePullSecretsTheValuesNameAndWriteTheNodeFilesForItsCa() throws IOException {
        Path chart = chartDirectory();
        Path values = write(work.resolve("user.yaml"), "imagePullSecrets:\n  - name: mine\n");
        io.falcooffline.core.testing.TestCertificates certificates =
                io.falcooffline.core.testing.TestCertificates.generate(Files.createDirectories(work.resolve("certs")));

        PackageResult result = FalcoOffline.packageChart(
                request(chart)
                        .valuesFile(values)
                        .registrySecret("harbor-pull")
                        .mirror(MirrorOptions.builder()
                                .caFile(certificates.caCertificate())
                                .build())
                        .build(),
                listener);

        Chart output = new ChartReader().read(result.chartFile().orElseThrow());
        assertThat(HelmValues.get(output.values(), "imagePullSecrets"))
                .contains(List.of(Map.of("name", "mine"), Map.of("name", "harbor-pull")));
        Path nodes = work.resolve("out/nodes");
        assertThat(nodes.resolve("containerd/etc/containerd/certs.d/" + REGISTRY + "/hosts.toml"))
                .content()
                .contains("ca = \"/etc/containerd/certs.d/" + REGISTRY + "/ca.crt\"");
        assertThat(nodes.resolve("containerd/etc/containerd/certs.d/" + REGISTRY + "/ca.crt"))
                .hasSameTextualContentAs(certificates.caCertificate());
        assertThat(new String(PlanJson.toJson(result.plan()), StandardCharsets.UTF_8))
                .contains("\"registryTrust\" : \"https-private-ca\"")
                .contains("kubectl create secret docker-registry harbor-pull --namespace falco");
        assertThat(log).anySatisfy(line -> assertThat(line).contains("Wrote the files every node's container runtime"));
    }

    @Test
    void shouldWriteNothingInDryRun() throws IOException {
        PackageResult result =
                FalcoOffline.packageChart(request(chartDirectory()).dryRun(true).build(), listener);

        assertThat(result.chartFile()).isEmpty();
        assertThat(result.plan().references()).hasSize(3);
        assertThat(work.resolve("out")).doesNotExist();
    }

    @Test
    void shouldReplaceTheIndexWithNoneSoThatStrictPasses() throws IOException {
        Path chart = chartDirectory();
        Files.writeString(chart.resolve("values.yaml"), """
                falcoctl:
                  artifact:
                    install: {enabled: true}
                  config:
                    indexes:
                      - name: falcosecurity
                        url: https://falcosecurity.github.io/falcoctl/index.yaml
                """, StandardOpenOption.APPEND);

        PackageResult result = FalcoOffline.packageChart(request(chart).build(), listener);

        assertThat(result.plan().warnings()).isEmpty();
        assertThat(result.plan().references()).noneMatch(reference -> reference.kind() == ReferenceKind.INDEX);
        assertThat(result.plan().valuesChanges())
                .anySatisfy(change -> assertThat(change.path()).isEqualTo("falcoctl.config.indexes"))
                .anySatisfy(change -> assertThat(change.after()).contains("noVerify: true"));
        assertThat(result.plan().falco().get("notes").toString()).contains("artifact.noVerify");
    }

    @Test
    void shouldNameBothSourcesWhenFlatteningCollides() throws IOException {
        Path values = write(work.resolve("user.yaml"), "sub:\n  image:\n    repository: other/app\n");

        assertThatThrownBy(() -> FalcoOffline.packageChart(
                        request(chartDirectory())
                                .repositoryLayout(RepositoryLayout.FLATTEN)
                                .valuesFile(values)
                                .build(),
                        listener))
                .isInstanceOf(ReferenceConflictException.class)
                .hasMessageContaining("docker.io/acme/app")
                .hasMessageContaining("docker.io/other/app");
        assertThat(work.resolve("out")).doesNotExist();
    }

    @Test
    void shouldNameMissingValuesFile() throws IOException {
        Path missing = work.resolve("nope.yaml");

        assertThatThrownBy(() -> FalcoOffline.packageChart(
                        request(chartDirectory()).valuesFile(missing).build(), listener))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(missing.toString())
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("valuesFiles");
    }

    @Test
    void shouldNameValuesFileWithBrokenYaml() throws IOException {
        Path broken = write(work.resolve("broken.yaml"), "image:\n  tag: [unclosed\n");

        assertThatThrownBy(() -> FalcoOffline.packageChart(
                        request(chartDirectory()).valuesFile(broken).build(), listener))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining(broken.toString());
    }

    @Test
    void shouldLeaveInternalReferencesAloneAndMarkThem() throws IOException {
        Path values = write(
                work.resolve("user.yaml"),
                "image:\n  registry: " + REGISTRY + "\n  repository: falco/app\n  tag: own\n");

        PackageResult result = FalcoOffline.packageChart(
                request(chartDirectory()).valuesFile(values).build(), listener);

        assertThat(result.plan().references())
                .filteredOn(reference -> reference.source().equals(REGISTRY + "/falco/app:own"))
                .singleElement()
                .extracting(PlannedReference::disposition)
                .isEqualTo(Disposition.ALREADY_INTERNAL);
    }

    @Test
    void shouldGiveTheSameBytesForTheSameInput() throws IOException {
        Path chart = chartDirectory();
        PackageResult first = FalcoOffline.packageChart(request(chart).build(), listener);
        byte[] firstBytes = Files.readAllBytes(first.chartFile().orElseThrow());
        byte[] firstPlan = PlanJson.toJson(first.plan());

        PackageResult second = FalcoOffline.packageChart(
                request(chart).outputDirectory(work.resolve("out2")).build(), listener);

        assertThat(Files.readAllBytes(second.chartFile().orElseThrow())).isEqualTo(firstBytes);
        assertThat(PlanJson.toJson(second.plan())).isEqualTo(firstPlan);
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    @Test
    void shouldPointARegistryWithASchemeAtTheParameterThatChoosesTheProtocol() {
        assertThatThrownBy(() -> PackageRequest.builder()
                        .chart(work)
                        .registry("http://192.168.5.96:30003")
                        .build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("write 192.168.5.96:30003 and list it in `insecureRegistries`");
        assertThatThrownBy(() -> PushRequest.builder()
                        .bundle(work)
                        .registry("https://harbor.corp:30003/")
                        .build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(
                        "write harbor.corp:30003; HTTPS is the default (give a private CA with `caFile`)");
    }
}
