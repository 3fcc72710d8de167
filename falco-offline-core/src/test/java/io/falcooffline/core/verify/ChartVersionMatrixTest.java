package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.AuditMismatchException;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.VerifyMode;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Falco chart of the matrix (one each of 4.x, 6.x, 7.x, 8.x and the newest, see
 * {@code src/test/resources/falco-charts/README.md}), with its defaults and with every subchart on: package with a
 * bundle, push the bundle into an empty part of a real registry, render the output chart with Helm's engine (hooks
 * included) and check that every image and falcoctl artifact it pulls resolves there.
 *
 * <p>No source registry is reachable, so one registry plays both parts: {@code upstream/<registry>/...} holds a
 * synthetic artifact for every reference the plan lists, read through {@code registryMirrors}, and each case pushes
 * under its own empty prefix. One registry and one Helm engine serve the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartVersionMatrixTest {

    static final List<String> CHARTS =
            List.of("falco-4.22.0", "falco-6.4.1", "falco-7.2.1", "falco-8.0.5", "falco-9.1.0");

    private static final List<SyntheticArtifacts.Platform> PLATFORMS =
            List.of(SyntheticArtifacts.Platform.LINUX_AMD64, SyntheticArtifacts.Platform.LINUX_ARM64);

    @TempDir
    Path work;

    private LocalRegistry registry;
    private RegistryClient client;
    private final Set<String> seeded = new HashSet<>();
    private final Map<String, Duration> timings = new LinkedHashMap<>();

    @BeforeAll
    void startRegistry() {
        registry = LocalRegistry.startPlain();
        client = new RegistryClient(registry.clientOptions().build());
    }

    @AfterAll
    void stopRegistry() {
        timings.forEach((name, time) -> System.out.println("chart matrix " + name + ": " + time.toMillis() + " ms"));
        client.close();
        registry.close();
    }

    static Stream<Arguments> cases() {
        return CHARTS.stream().flatMap(chart -> Stream.of(Arguments.of(chart, false), Arguments.of(chart, true)));
    }

    @ParameterizedTest(name = "{0}, all subcharts {1}")
    @MethodSource("cases")
    void shouldPullOnlyWhatTheBundlePushedIntoAnEmptyRegistry(String chart, boolean allSubcharts) throws IOException {
        long start = System.nanoTime();
        String name = chart.replace('.', '-') + (allSubcharts ? "-all" : "-defaults");
        Path out = work.resolve(name);
        PackageRequest.Builder request = PackageRequest.builder()
                .chart(fixture(chart))
                .registry(registry.host())
                .repositoryPrefix(name)
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .verify(VerifyMode.REQUIRED)
                .strict(false)
                .outputDirectory(out);
        if (allSubcharts) {
            Path values = Files.writeString(
                    Files.createDirectories(out.getParent()).resolve(name + ".yaml"),
                    TestCharts.FALCO_EVERY_SUBCHART_ON);
            request.valuesFile(values);
        }
        List<PlannedReference> pulled =
                FalcoOffline.packageChart(request.dryRun(true).build(), ProgressListener.SILENT)
                        .plan()
                        .references()
                        .stream()
                        .filter(PlannedReference::inUse)
                        .filter(reference -> reference.kind() != ReferenceKind.INDEX)
                        .toList();
        pulled.forEach(this::seed);

        PackageResult result = FalcoOffline.packageChart(
                request.dryRun(false).mirror(bundleReadingUpstream(pulled)).build(), ProgressListener.SILENT);
        FalcoOffline.push(
                PushRequest.builder()
                        .bundle(out.resolve("bundle"))
                        .registry(registry.host())
                        .insecureRegistries(List.of(registry.host()))
                        .build(),
                ProgressListener.SILENT);

        Path chartFile = result.chartFile().orElseThrow();
        List<PulledReference> rendered = renderWithHooks(chartFile);
        assertThat(rendered)
                .as("falco itself")
                .anyMatch(pull -> pull.reference().contains("/falco:"));
        for (PulledReference pull : rendered) {
            OciReference reference = OciReference.parse(pull.reference()).withDefaultTag();
            assertThat(reference.registry()).as(pull.toString()).isEqualTo(registry.host());
            assertThat(reference.repository()).as(pull.toString()).startsWith(name + "/");
            assertThat(client.resolve(
                            reference.repository(),
                            reference.digest() != null
                                    ? reference.digest()
                                    : reference.effectiveTag().orElseThrow()))
                    .as(pull + " resolves on the registry")
                    .isPresent();
        }
        Set<String> renderedImages = new LinkedHashSet<>();
        rendered.forEach(pull -> renderedImages.add(pull.reference()));
        assertThat(renderedImages)
                .as("the harness's render, without hooks, pulls nothing else")
                .containsAll(HelmRenderer.render(chartFile).imageReferences());
        if (allSubcharts) {
            assertThat(rendered)
                    .as("falcosidekick's helm test pod")
                    .anyMatch(pull -> pull.hook() && pull.container().equals("container curl"));
        }
        if (chart.equals("falco-4.22.0")) {
            assertThat(rendered)
                    .as("the image tag of chart 4.x's template default")
                    .anyMatch(pull -> pull.reference().endsWith("/falco:0.41.0-debian"));
        }
        timings.put(name, Duration.ofNanos(System.nanoTime() - start));
    }

    @ParameterizedTest
    @MethodSource("olderCharts")
    void shouldStillCheckTheAuditSetupOfOlderChartsWithTheProfile(String chart) {
        PackageRequest.Builder request = PackageRequest.builder()
                .chart(fixture(chart))
                .registry(registry.host())
                .repositoryPrefix("audit")
                .profile("k8s-audit")
                .verify(VerifyMode.OFF)
                .dryRun(true)
                .outputDirectory(work.resolve("audit-" + chart));
        assertThat(FalcoOffline.packageChart(request.build(), ProgressListener.SILENT)
                        .plan()
                        .references())
                .extracting(PlannedReference::source)
                .anyMatch(source -> source.contains("plugin/k8saudit"));

        Path broken = write("audit-" + chart + ".yaml", "falco:\n  load_plugins: [json]\n");
        assertThatThrownBy(() ->
                        FalcoOffline.packageChart(request.valuesFile(broken).build(), ProgressListener.SILENT))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("falco.load_plugins");
    }

    static Stream<String> olderCharts() {
        return Stream.of("falco-4.22.0", "falco-6.4.1");
    }

    /** Bundle mode reading every source registry of the plan from {@code upstream/<registry>} on the test registry. */
    private MirrorOptions bundleReadingUpstream(List<PlannedReference> pulled) {
        MirrorOptions.Builder options =
                MirrorOptions.builder().mode(MirrorMode.BUNDLE).insecureRegistries(List.of(registry.host()));
        pulled.stream()
                .map(reference -> OciReference.parse(reference.source()).registry())
                .distinct()
                .forEach(source -> options.registryMirror(source, registry.host() + "/upstream/" + source));
        return options.build();
    }

    /** Publishes a synthetic artifact of the reference's kind where the upstream registry's stand-in serves it. */
    private void seed(PlannedReference reference) {
        if (!seeded.add(reference.source())) {
            return;
        }
        OciReference source = OciReference.parse(reference.source());
        String repository = "upstream/" + source.registry() + "/" + source.repository();
        String tag = source.effectiveTag().orElseThrow();
        String version = exactVersionOf(tag);
        SyntheticArtifact artifact = switch (reference.kind()) {
            case PLUGIN -> SyntheticArtifacts.plugin(source.lastSegment(), version, "3.0.0");
            case RULESFILE ->
                SyntheticArtifacts.rulesfile(
                        source.lastSegment() + "-rules",
                        version,
                        source.lastSegment() + ".tar.gz",
                        source.lastSegment() + ".yaml",
                        SyntheticArtifacts.utf8("- rule: " + source.lastSegment() + "\n"),
                        List.of(),
                        List.of(),
                        null);
            default -> SyntheticArtifacts.ociImage(source.lastSegment(), PLATFORMS);
        };
        artifact.pushTo(client, repository, tag);
        if (reference.kind() != ReferenceKind.IMAGE && !version.equals(tag)) {
            // As upstream publishes: a floating tag (5, 0.16, latest) beside the exact version it points at.
            artifact.pushTo(client, repository, version);
        }
    }

    /** The exact version a tag stands for: 5 is 5.0.0, 0.16 is 0.16.0, latest is 1.0.0. */
    private static String exactVersionOf(String tag) {
        if (tag.matches("\\d+\\.\\d+\\.\\d+.*")) {
            return tag;
        }
        if (tag.matches("\\d+\\.\\d+")) {
            return tag + ".0";
        }
        return tag.matches("\\d+") ? tag + ".0.0" : "1.0.0";
    }

    /** Renders the chart as verification does, hooks printed with the manifests. */
    private static List<PulledReference> renderWithHooks(Path chartFile) throws IOException {
        Path renderable = chartFile.resolveSibling("renderable-" + chartFile.getFileName());
        Files.write(
                renderable,
                new ChartWriter().toBytes(RenderableChart.of(new ChartReader().read(chartFile)), Instant.EPOCH));
        return RenderedPulls.of(HelmTemplateEngine.load(ChartVersionMatrixTest.class.getClassLoader())
                .engine()
                .orElseThrow()
                .template(renderable, "falco", "falco"));
    }

    private Path write(String file, String text) {
        try {
            return Files.writeString(work.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path fixture(String chart) {
        return RenderVerificationTest.resource("falco-charts/" + chart + ".tgz");
    }

    @Test
    void shouldHaveOneFixtureForEachChartOfTheMatrix() {
        List<String> missing = new ArrayList<>();
        for (String chart : CHARTS) {
            if (!Files.isRegularFile(fixture(chart))) {
                missing.add(chart);
            }
        }
        assertThat(missing).isEmpty();
    }
}
