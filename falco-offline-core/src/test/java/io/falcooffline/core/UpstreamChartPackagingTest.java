package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.render.ChildJvmPackaging;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.PackagingChecks;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.render.TestCharts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The upstream Falco chart 9.0.0, packaged by the library and rendered with the real Helm engine. */
@Tag("upstream")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamChartPackagingTest {

    private static final String REGISTRY = "192.168.5.96:30003";
    private static final String INDEX_URL = "https://falcosecurity.github.io/falcoctl/index.yaml";

    /** The values a user packages with. */
    enum Scenario {
        /** The chart's own defaults. */
        DEFAULTS,
        /** The k8s-audit webhook deployment of fixtures/values/custom_values.yaml. */
        CUSTOM_VALUES,
        /** Every subchart and collector switched on, baked in through a values file. */
        EVERYTHING_ENABLED
    }

    private static final String FIRST_CHILD = "child-1";
    private static final String SECOND_CHILD = "child-2";

    /** One directory for the whole class: the packaged charts are shared by its tests. */
    @TempDir
    static Path work;

    private final Map<Scenario, Packaged> packaged = new EnumMap<>(Scenario.class);

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldPointEveryImageAtTheInternalRegistryWhenRenderedWithoutValues(Scenario scenario) {
        RenderedManifests output = HelmRenderer.render(packaged(scenario).chartFile());

        PackagingChecks.assertEveryImageOn(output, REGISTRY);
        if (scenario == Scenario.EVERYTHING_ENABLED) {
            assertThat(output.images()).hasSizeGreaterThanOrEqualTo(10);
            assertThat(output.imageReferences())
                    .anyMatch(image -> image.contains("falco-talon"))
                    .anyMatch(image -> image.contains("falcosidekick-ui"))
                    .anyMatch(image -> image.contains("redis-stack"))
                    .anyMatch(image -> image.contains("k8s-metacollector"));
        }
    }

    /** Hooks are not rendered, so falcosidekick's {@code helm test} pod is checked in the archive's template. */
    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldRewriteTheHelmTestPodsImageLiteralInItsTemplate(Scenario scenario) {
        assertThat(PackagingChecks.assertEveryTemplateImageLiteralOn(
                        packaged(scenario).chartFile(), REGISTRY))
                .containsExactly("falco/charts/falcosidekick/templates/tests/test-connection.yaml: " + REGISTRY
                        + "/appropriate/curl:latest");
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldMentionNoPublicHostButTheWarnedIndexUrlWhenRenderedWithoutValues(Scenario scenario) {
        Packaged result = packaged(scenario);
        RenderedManifests output = HelmRenderer.render(result.chartFile());

        PackagingChecks.assertNoPublicHostMentioned(output, result.result().plan());
        // With falcoctl on, indexes: [] replaces the public index; with it off (custom values) the URL is unused.
        assertThat(result.result().plan().references())
                .filteredOn(reference -> reference.disposition() == Disposition.NOT_REDIRECTED)
                .allSatisfy(reference -> assertThat(reference.inUse()).isFalse())
                .extracting(PlannedReference::source)
                .isEqualTo(scenario == Scenario.CUSTOM_VALUES ? List.of(INDEX_URL) : List.of());
        if (scenario != Scenario.CUSTOM_VALUES) {
            Map<String, Object> falcoctl = output.falcoctlConfig().orElseThrow();
            assertThat(falcoctl.toString()).doesNotContain("ghcr.io").doesNotContain("docker.io");
            assertThat(RenderedManifests.valueAt(falcoctl, "artifact", "install", "refs"))
                    .asInstanceOf(InstanceOfAssertFactories.LIST)
                    .allSatisfy(ref -> assertThat(ref.toString()).startsWith(REGISTRY + "/"));
        }
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldRenderLikeTheInputWithUserValuesAndRewrittenReferencesWhenRenderedWithoutValues(Scenario scenario) {
        Packaged result = packaged(scenario);

        PackagingChecks.assertRendersLikeInputWithRewrittenReferences(
                TestCharts.upstreamFalco(),
                result.valuesFiles(),
                result.result(),
                work.resolve("expected-" + scenario));
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldKeepEveryUpstreamCommentOutsideTheChangedKeysWhenRewritingValues(Scenario scenario) {
        PackagingChecks.assertCommentsKept(
                TestCharts.upstreamFalco(), packaged(scenario).result());
    }

    @Test
    void shouldGiveTheSameSha256WhenPackagedTwiceInProcessesWithDifferentUmaskTimezoneAndClock() throws Exception {
        Path first = copyOfChart("first", Instant.parse("2001-02-03T04:05:06Z"));
        Path second = copyOfChart("second", Instant.now());
        Path values = everythingEnabledValues();

        ChildJvmPackaging.Outcome inUtc = ChildJvmPackaging.run(
                "022",
                Map.of("TZ", "UTC"),
                List.of(),
                first,
                REGISTRY,
                work.resolve(FIRST_CHILD),
                List.of(values.toString()));
        Thread.sleep(1_100);
        ChildJvmPackaging.Outcome farEast = ChildJvmPackaging.run(
                "077",
                Map.of("TZ", "Pacific/Kiritimati", "LANG", "tr_TR.UTF-8"),
                List.of("-Duser.language=tr", "-Duser.country=TR"),
                second,
                REGISTRY,
                work.resolve(SECOND_CHILD),
                List.of(values.toString()));

        assertThat(farEast.chartSha256()).as("chart sha256").isEqualTo(inUtc.chartSha256());
        assertThat(Files.readString(work.resolve(SECOND_CHILD).resolve(PlanJson.FILE_NAME)))
                .as("plan")
                .isEqualTo(Files.readString(work.resolve(FIRST_CHILD).resolve(PlanJson.FILE_NAME)));
        assertThat(farEast.planSha256()).as("plan sha256").isEqualTo(inUtc.planSha256());
        assertThat(ChildJvmPackaging.sha256OfEveryFile(work.resolve(SECOND_CHILD)))
                .as("every output file")
                .isEqualTo(ChildJvmPackaging.sha256OfEveryFile(work.resolve(FIRST_CHILD)));
        assertThat(inUtc.chartSha256())
                .isEqualTo(ChildJvmPackaging.sha256(
                        packaged(Scenario.EVERYTHING_ENABLED).chartFile()));
    }

    @Test
    void shouldPassStrictOnTheChartDefaultsWithNoIndexFetchedAtStartUp() {
        Path output = work.resolve("strict-out");
        PackageRequest request =
                request(List.of(), output).toBuilder().strict(true).build();

        List<String> log = new CopyOnWriteArrayList<>();
        PackageResult result = FalcoOffline.packageChart(request, (level, message) -> log.add(level + " " + message));

        assertThat(result.plan().warnings()).isEmpty();
        assertThat(log)
                .as("the index the short names resolve through is said once, as a warning: it is the built-in subset")
                .filteredOn(line -> line.contains("falcoctl short names resolve through"))
                .singleElement()
                .satisfies(
                        line -> assertThat(line).startsWith("WARN falcoctl short names resolve through the built-in"));
        Map<String, Object> falcoctl = HelmRenderer.render(result.chartFile().orElseThrow())
                .falcoctlConfig()
                .orElseThrow();
        assertThat(RenderedManifests.valueAt(falcoctl, "indexes"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .isEmpty();
        assertThat(RenderedManifests.valueAt(falcoctl, "artifact", "noVerify")).isEqualTo(true);
    }

    @Test
    void shouldLeaveNoReferenceUpstreamWhenNotStrict() {
        PackageResult result = packaged(Scenario.DEFAULTS).result();

        assertThat(result.plan().warnings()).isEmpty();
        assertThat(result.plan().references()).noneMatch(reference -> reference.kind() == ReferenceKind.INDEX);
    }

    private Packaged packaged(Scenario scenario) {
        return packaged.computeIfAbsent(scenario, s -> {
            List<Path> valuesFiles = switch (s) {
                case DEFAULTS -> List.of();
                case CUSTOM_VALUES -> List.of(TestCharts.upstreamCustomValues());
                case EVERYTHING_ENABLED -> List.of(everythingEnabledValues());
            };
            long start = System.nanoTime();
            PackageResult result =
                    FalcoOffline.packageChart(request(valuesFiles, work.resolve("out-" + s)), ProgressListener.SILENT);
            System.out.printf("packaged %s in %d ms%n", s, (System.nanoTime() - start) / 1_000_000);
            return new Packaged(valuesFiles, result);
        });
    }

    private static PackageRequest request(List<Path> valuesFiles, Path output) {
        return PackageRequest.builder()
                .chart(TestCharts.upstreamFalco())
                .registry(REGISTRY)
                .valuesFiles(valuesFiles)
                .outputDirectory(output)
                .strict(false)
                .build();
    }

    private static Path everythingEnabledValues() {
        Path file = work.resolve("everything-enabled.yaml");
        if (!Files.exists(file)) {
            try {
                Files.writeString(file, TestCharts.FALCO_EVERY_SUBCHART_ON);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    private Path copyOfChart(String name, Instant modified) throws IOException {
        Path copy = Files.copy(TestCharts.upstreamFalco(), work.resolve(name + "-falco-9.0.0.tgz"));
        Files.setLastModifiedTime(copy, FileTime.from(modified));
        return copy;
    }

    private record Packaged(List<Path> valuesFiles, PackageResult result) {
        Path chartFile() {
            return result.chartFile().orElseThrow();
        }
    }
}
