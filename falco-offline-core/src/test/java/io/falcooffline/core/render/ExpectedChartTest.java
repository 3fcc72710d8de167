package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import io.falcooffline.core.plan.ValuesChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpectedChartTest {

    @TempDir
    Path work;

    @Test
    void shouldApplyValuesChangesAndRewriteTemplateLiteralsWhenCopyingTheSmallChart() throws Exception {
        Path chart = TestCharts.lighthouse();
        int literalLine = lineOf(chart.resolve("templates/cronjob.yaml"), "image: docker.io/library/busybox:1.36.1");
        Plan plan = new Plan(
                "lighthouse",
                "1.2.3",
                "registry.internal:5000",
                List.of(new PlannedReference(
                        ReferenceKind.IMAGE,
                        "docker.io/library/busybox:1.36.1",
                        "registry.internal:5000/library/busybox:1.36.1",
                        Disposition.REDIRECTED,
                        List.of(new ReferenceLocation("lighthouse", "templates/cronjob.yaml", "", literalLine)))),
                List.of(
                        new ValuesChange(
                                "lighthouse/values.yaml", "image.registry", "docker.io", "registry.internal:5000"),
                        new ValuesChange("lighthouse/values.yaml", "config.peers[0]", null, "{name: a, port: 1}"),
                        new ValuesChange(
                                "lighthouse/charts/beacon/values.yaml",
                                "image.repository",
                                "docker.io/example/beacon",
                                "registry.internal:5000/example/beacon")),
                List.of());

        Path copy = ExpectedChart.of(chart, List.of(), plan, work).chart();
        RenderedManifests manifests =
                HelmRenderer.of(copy).release("lighthouse").render();

        assertThat(copy).isEqualTo(work.resolve("chart").resolve("lighthouse"));
        assertThat(manifests.imageReferences())
                .contains(
                        "registry.internal:5000/example/lighthouse:2.4.1",
                        "registry.internal:5000/example/beacon:0.9.0",
                        "registry.internal:5000/library/busybox:1.36.1")
                .doesNotContain("docker.io/library/busybox:1.36.1");
        assertThat(manifests.configMapEntry("lighthouse.yaml"))
                .hasValue("logLevel: info\npeers:\n- name: a\n  port: 1\n");
        assertThat(Files.readString(chart.resolve("values.yaml"))).contains("registry: docker.io");
    }

    @Test
    void shouldLetTheRewriteWinWhereTheUsersValuesSetTheChangedKey() throws Exception {
        Path userValues = Files.writeString(work.resolve("user.yaml"), """
                sidecar:
                  image: quay.io/example/log-shipper:1.1.0
                config:
                  peers: [x, y]
                beacon:
                  image:
                    tag: 0.9.1
                """);
        Plan plan = new Plan(
                "lighthouse",
                "1.2.3",
                "registry.internal:5000",
                List.of(),
                List.of(
                        new ValuesChange(
                                "lighthouse/values.yaml",
                                "sidecar.image",
                                "quay.io/example/log-shipper:1.1.0",
                                "registry.internal:5000/example/log-shipper:1.1.0"),
                        new ValuesChange("lighthouse/values.yaml", "config.peers[1]", "y", "z"),
                        new ValuesChange(
                                "lighthouse/charts/beacon/values.yaml",
                                "image.repository",
                                "docker.io/example/beacon",
                                "registry.internal:5000/example/beacon")),
                List.of());

        ExpectedChart expected = ExpectedChart.of(TestCharts.lighthouse(), List.of(userValues), plan, work);
        RenderedManifests manifests = expected.render();

        assertThat(expected.valuesFiles())
                .singleElement()
                .satisfies(file -> assertThat(Files.readString(file))
                        .doesNotContain("repository")
                        .contains("registry.internal:5000/example/log-shipper:1.1.0"));
        assertThat(manifests.imageReferences())
                .contains(
                        "registry.internal:5000/example/log-shipper:1.1.0",
                        "registry.internal:5000/example/beacon:0.9.1");
        assertThat(manifests.configMapEntry("lighthouse.yaml")).hasValue("logLevel: info\npeers:\n- x\n- z\n");
    }

    @Test
    void shouldFailNamingTheLocationWhenALiteralIsNotOnAnImageLine() {
        Plan plan = new Plan(
                "lighthouse",
                "1.2.3",
                "registry.internal:5000",
                List.of(new PlannedReference(
                        ReferenceKind.IMAGE,
                        "docker.io/library/busybox:1.36.1",
                        "registry.internal:5000/library/busybox:1.36.1",
                        Disposition.REDIRECTED,
                        List.of(new ReferenceLocation("lighthouse", "templates/cronjob.yaml", "", 1)))),
                List.of(),
                List.of());

        assertThatThrownBy(() -> ExpectedChart.of(TestCharts.lighthouse(), List.of(), plan, work))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("lighthouse/templates/cronjob.yaml:1 is not on an `image:` line");
    }

    @Test
    void shouldSetRemoveAndAppendWhenEditingAValuesTree() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("list", new ArrayList<>(List.of("a", "b")));

        ExpectedChart.setValue(values, List.of("x", "y"), 1);
        ExpectedChart.setValue(values, List.of("list", 2), "c");
        ExpectedChart.setValue(values, List.of("list", 0), null);

        assertThat(values).isEqualTo(Map.of("list", List.of("b", "c"), "x", Map.of("y", 1)));
        assertThatThrownBy(() -> ExpectedChart.setValue(values, List.of("list", 5), "z"))
                .hasMessageContaining("past the list end");
        assertThatThrownBy(() -> ExpectedChart.setValue(values, List.of("x", "y", "z"), "z"))
                .hasMessageContaining("runs through a scalar");
    }

    /**
     * The expectation rewrites whole values files through SnakeYAML; this proves that the round trip alone changes
     * nothing Helm renders, for every values file of the upstream chart.
     */
    @Test
    @Tag("upstream")
    void shouldRenderLikeTheInputWhenEveryValuesFileIsRewrittenUnchanged() {
        Path chart = TestCharts.upstreamFalco();
        ChartArchive archive = ChartArchive.read(chart);
        List<ValuesChange> sameValues = archive.names().stream()
                .filter(name -> name.endsWith("/values.yaml"))
                .map(name -> new ValuesChange(name, "__roundTrip", null, "true"))
                .toList();
        assertThat(sameValues).hasSize(4);
        Plan plan = new Plan("falco", "9.0.0", "registry.internal:5000", List.of(), sameValues, List.of());

        Path copy = ExpectedChart.of(chart, List.of(), plan, work).chart();

        for (Map<String, Object> settings : List.<Map<String, Object>>of(
                Map.of(),
                Map.of(
                        "falcosidekick.enabled", true,
                        "falcosidekick.webui.enabled", true,
                        "collectors.kubernetes.enabled", true,
                        "responseActions.enabled", true))) {
            assertThat(HelmRenderer.of(copy).set(settings).render().contents())
                    .isEqualTo(HelmRenderer.of(chart).set(settings).render().contents());
        }
        assertThat(HelmRenderer.of(copy)
                        .valuesFile(TestCharts.upstreamCustomValues())
                        .render()
                        .contents())
                .isEqualTo(HelmRenderer.of(chart)
                        .valuesFile(TestCharts.upstreamCustomValues())
                        .render()
                        .contents());
    }

    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(file + " has no line with " + text);
    }
}
