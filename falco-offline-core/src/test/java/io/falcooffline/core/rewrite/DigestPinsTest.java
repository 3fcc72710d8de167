package io.falcooffline.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.render.TestCharts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestPinsTest {

    @TempDir
    Path temp;

    private Chart chart(Map<String, String> templates) throws IOException {
        Path directory = temp.resolve("demo");
        Files.createDirectories(directory.resolve("templates"));
        Files.writeString(
                directory.resolve("Chart.yaml"),
                "apiVersion: v2\nname: demo\nversion: 1.0.0\n",
                StandardCharsets.UTF_8);
        Files.writeString(
                directory.resolve("values.yaml"),
                "image:\n  repository: demo/app\n  tag: \"1.0\"\nworker:\n  image:\n    repository: demo/worker\n"
                        + "    tag: \"2.0\"\n",
                StandardCharsets.UTF_8);
        for (Map.Entry<String, String> template : templates.entrySet()) {
            Files.writeString(
                    directory.resolve("templates/" + template.getKey()), template.getValue(), StandardCharsets.UTF_8);
        }
        return new ChartReader().read(directory);
    }

    @Test
    void shouldAcceptATagThatIsOnlyConcatenatedIntoImages() throws IOException {
        Chart chart = chart(Map.of(
                "_helpers.tpl",
                "{{- define \"demo.tag\" -}}\n{{- .Values.image.tag | default .Chart.AppVersion -}}\n{{- end -}}\n",
                "deployment.yaml",
                "metadata:\n  labels:\n    app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}\nspec:\n"
                        + "  containers:\n    - image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n"
                        + "      image: {{ .Values.image.tag }}\n"));

        assertThat(DigestPins.tagCannotCarryDigest(chart, List.of("image"))).isEmpty();
    }

    @Test
    void shouldRefuseATagTheChartWritesAloneIntoALabelNamingFileLineAndKey() throws IOException {
        Chart chart = chart(Map.of(
                "_helpers.tpl",
                "{{- define \"demo.labels\" -}}\n{{- if .Values.worker.image.tag }}\n"
                        + "app.kubernetes.io/version: {{ .Values.worker.image.tag }}\n{{- end }}\n{{- end -}}\n"));

        assertThat(DigestPins.tagCannotCarryDigest(chart, List.of("worker", "image")))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("demo/templates/_helpers.tpl line 3")
                        .contains("app.kubernetes.io/version")
                        .contains("label value"));
        assertThat(DigestPins.tagCannotCarryDigest(chart, List.of("image")))
                .as("another image's tag")
                .isEmpty();
    }

    @Test
    void shouldResolveEachImageOnceAndPinSourceAndTargetToTheirOwnDigests() {
        List<String> asked = new ArrayList<>();
        DigestPins pins = new DigestPins((source, copied) -> {
            asked.add(source + " " + copied);
            return new DigestPins.Digests("sha256:" + "1".repeat(64), "sha256:" + "2".repeat(64));
        });
        OciReference source = OciReference.parse("docker.io/falcosecurity/falco:0.44.0");
        OciReference target = OciReference.parse("192.168.5.96:30003/falco/falco:0.44.0");

        DigestPins.Pinned first = pins.pin(source, target);
        DigestPins.Pinned again = pins.pin(source, target);

        assertThat(first.source()).hasToString(source + "@sha256:" + "1".repeat(64));
        assertThat(first.target()).hasToString(target + "@sha256:" + "2".repeat(64));
        assertThat(again).isEqualTo(first);
        assertThat(asked).containsExactly(source + " true");
    }

    /** falco-talon 0.3.0 writes {@code image.tag} into {@code app.kubernetes.io/version}; the other 9.0.0 images do not. */
    @Test
    @Tag("upstream")
    void shouldFindTheOneImageOfFalcoChart900WhoseTagCannotCarryADigest() {
        Chart falco = new ChartReader().read(TestCharts.upstreamFalco());

        for (List<Object> image : List.<List<Object>>of(
                List.of("image"),
                List.of("driver", "loader", "initContainer", "image"),
                List.of("falcoctl", "image"))) {
            assertThat(DigestPins.tagCannotCarryDigest(falco, image))
                    .as(image.toString())
                    .isEmpty();
        }
        for (List<Object> image : List.<List<Object>>of(
                List.of("image"), List.of("webui", "image"), List.of("webui", "redis", "image"))) {
            assertThat(DigestPins.tagCannotCarryDigest(
                            falco.subchart("falcosidekick").orElseThrow(), image))
                    .as(image.toString())
                    .isEmpty();
        }
        assertThat(DigestPins.tagCannotCarryDigest(
                        falco.subchart("k8s-metacollector").orElseThrow(), List.of("image")))
                .isEmpty();
        assertThat(DigestPins.tagCannotCarryDigest(falco.subchart("falco-talon").orElseThrow(), List.of("image")))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("falco/charts/falco-talon/templates/_helpers.tpl line 38")
                        .contains("app.kubernetes.io/version"));
    }
}
