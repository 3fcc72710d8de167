package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks must fail on the faults they are there to catch. */
class PackagingChecksTest {

    private static final String REGISTRY = "registry.internal:5000";
    private static final String INDEX_URL = "https://falcosecurity.github.io/falcoctl/index.yaml";

    private static final String RENDERED = """
            ---
            # Source: demo/templates/pod.yaml
            apiVersion: v1
            kind: Pod
            metadata:
              name: demo
            spec:
              containers:
                - name: main
                  image: registry.internal:5000/demo:1
            ---
            # Source: demo/templates/falcoctl.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: demo-falcoctl
            data:
              falcoctl.yaml: |
                indexes:
                - name: falcosecurity
                  url: https://falcosecurity.github.io/falcoctl/index.yaml
            """;

    @TempDir
    Path work;

    @Test
    void shouldFailWhenTheOutputRendersOtherwiseThanThePlanSays() {
        PackageResult result = FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(TestCharts.lighthouse())
                        .registry(REGISTRY)
                        .outputDirectory(work.resolve("out"))
                        .build(),
                ProgressListener.SILENT);
        Plan plan = result.plan();
        Plan missingTheSidecar = new Plan(
                plan.chartName(),
                plan.chartVersion(),
                plan.registry(),
                plan.references(),
                plan.valuesChanges().stream()
                        .filter(change -> !change.path().equals("sidecar.image"))
                        .toList(),
                plan.warnings());
        assertThat(missingTheSidecar.valuesChanges())
                .hasSize(plan.valuesChanges().size() - 1);

        assertThatCode(() -> PackagingChecks.assertRendersLikeInputWithRewrittenReferences(
                        TestCharts.lighthouse(), List.of(), result, work.resolve("expected")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PackagingChecks.assertRendersLikeInputWithRewrittenReferences(
                        TestCharts.lighthouse(),
                        List.of(),
                        new PackageResult(missingTheSidecar, result.chartFile(), result.planFile()),
                        work.resolve("expected-without-sidecar")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Deployment/falco/falco-lighthouse")
                .hasMessageContaining("quay.io/example/log-shipper:1.0.0");
    }

    @Test
    void shouldAllowAPublicUrlOnlyWhenThePlanWarnsAboutIt() {
        RenderedManifests manifests = RenderedManifests.parse(RENDERED, Duration.ZERO);
        PlannedReference index = new PlannedReference(
                ReferenceKind.INDEX,
                INDEX_URL,
                INDEX_URL,
                Disposition.NOT_REDIRECTED,
                List.of(new ReferenceLocation("demo", "values.yaml", "falcoctl.config.indexes[0].url", 0)));

        assertThatCode(() -> PackagingChecks.assertNoPublicHostMentioned(
                        manifests, plan(List.of(index), List.of("falcoctl index " + INDEX_URL + " is not mirrored"))))
                .doesNotThrowAnyException();
        assertThatThrownBy(
                        () -> PackagingChecks.assertNoPublicHostMentioned(manifests, plan(List.of(index), List.of())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("warnings for the reference left as is");
        assertThatThrownBy(() -> PackagingChecks.assertNoPublicHostMentioned(manifests, plan(List.of(), List.of())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("url: " + INDEX_URL);
    }

    @Test
    void shouldFailWhenAnImageIsNotOnTheRegistry() {
        RenderedManifests manifests = RenderedManifests.parse(RENDERED, Duration.ZERO);

        assertThatCode(() -> PackagingChecks.assertEveryImageOn(manifests, REGISTRY))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PackagingChecks.assertEveryImageOn(manifests, "registry.internal:5001"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("registry.internal:5000/demo:1");
    }

    @Test
    void shouldFailWhenATemplateStillHoldsAPublicImageLiteral() throws Exception {
        Path chart = work.resolve("demo-0.1.0.tgz");
        writeTgz(
                chart,
                "demo/templates/tests/test-connection.yaml",
                "spec:\n  containers:\n    - name: curl\n      image: appropriate/curl\n"
                        + "    - name: composed\n      image: \"{{ .Values.image }}\"\n");

        assertThatThrownBy(() -> PackagingChecks.assertEveryTemplateImageLiteralOn(chart, REGISTRY))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("demo/templates/tests/test-connection.yaml: appropriate/curl");
    }

    private static Plan plan(List<PlannedReference> references, List<String> warnings) {
        return new Plan("demo", "0.1.0", REGISTRY, references, List.of(), warnings);
    }

    private static void writeTgz(Path file, String name, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file);
                GZIPOutputStream gzip = new GZIPOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(bytes.length);
            tar.putArchiveEntry(entry);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
    }
}
