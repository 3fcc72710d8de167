package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.output.RunSummary;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chart that is not Falco's passes through the generic stages untouched: only its image is redirected, whatever
 * keys its values share with the Falco chart ({@code pluginRef}, {@code driver}, {@code collectors}), and nothing of
 * the falco stage reaches the plan, the chart or the output directory.
 */
class ChartThatIsNotFalcosTest {

    private static final String REGISTRY = "harbor.corp:8443";

    private static final String VALUES = """
            # The shop's image.
            image:
              registry: docker.io
              repository: acme/shop
              tag: ""
            # Keys the Falco chart has too, with another meaning here.
            driver:
              enabled: true
              kind: kmod
            collectors:
              enabled: true
              containerEngine:
                enabled: true
                pluginRef: ghcr.io/acme/plugins/container:1.0.0
            rules_files:
              - /etc/falco/falco_rules.yaml
            """;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shop
            spec:
              template:
                spec:
                  containers:
                    - name: shop
                      image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
                      env:
                        - name: PLUGIN
                          value: {{ .Values.collectors.containerEngine.pluginRef | quote }}
            """;

    @TempDir
    Path work;

    private final List<String> log = new ArrayList<>();

    @Test
    void shouldRewriteOnlyTheImageAndWriteNothingOfFalco() throws IOException {
        Path chart = work.resolve("in/shop");
        write(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: 3.1.0\n");
        write(chart.resolve("values.yaml"), VALUES);
        write(chart.resolve("templates/deployment.yaml"), DEPLOYMENT);
        Path out = work.resolve("out");

        PackageResult result = FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(chart)
                        .registry(REGISTRY)
                        .repositoryPrefix("mirror")
                        .outputDirectory(out)
                        .build(),
                (level, message) -> log.add(level + " " + message));

        assertThat(result.plan().references())
                .as("the image, and nothing the Falco chart would make of pluginRef")
                .extracting(
                        PlannedReference::kind,
                        PlannedReference::source,
                        PlannedReference::target,
                        PlannedReference::disposition)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        ReferenceKind.IMAGE,
                        "docker.io/acme/shop:3.1.0",
                        REGISTRY + "/mirror/acme/shop:3.1.0",
                        Disposition.REDIRECTED));
        assertThat(result.plan().falco()).as("no falco section in the plan").isEmpty();
        assertThat(result.plan().warnings()).isEmpty();

        Chart output = new ChartReader().read(result.chartFile().orElseThrow());
        assertThat(output.text("values.yaml").orElseThrow())
                .as("the values are the input's with the image's registry and repository redirected")
                .isEqualTo(VALUES.replace("registry: docker.io", "registry: " + REGISTRY)
                        .replace("repository: acme/shop", "repository: mirror/acme/shop"));
        assertThat(output.text("templates/deployment.yaml")).contains(DEPLOYMENT);
        assertThat(output.filePaths())
                .as("no file added to the chart (no falcoctl CA ConfigMap)")
                .containsExactlyInAnyOrder("Chart.yaml", "values.yaml", "templates/deployment.yaml");

        String planJson = Files.readString(result.planFile().orElseThrow());
        assertThat(planJson).doesNotContain("\"falco\" :").doesNotContain("falcoctl");
        try (Stream<Path> written = Files.list(out)) {
            assertThat(written.map(path -> path.getFileName().toString()))
                    .as("the chart, the plan and the run summary: no audit or nodes directory")
                    .containsExactlyInAnyOrder(
                            "shop-1.0.0.tgz", PlanJson.FILE_NAME, RunSummary.README, RunSummary.IMAGES);
        }
        assertThat(Files.readString(out.resolve(RunSummary.IMAGES))).isEqualTo("docker.io/acme/shop:3.1.0\n");
        assertThat(Files.readString(out.resolve(RunSummary.README)))
                .doesNotContain("Falco:")
                .doesNotContain("falcoctl")
                .doesNotContain("driver");
        assertThat(log)
                .as("no driver, index or compatibility talk")
                .noneMatch(line -> line.contains("driver")
                        || line.contains("short names")
                        || line.contains("compatibility table"));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
