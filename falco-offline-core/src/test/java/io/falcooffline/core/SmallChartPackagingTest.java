package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.render.ChildJvmPackaging;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.PackagingChecks;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.render.TestCharts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The project's own small chart (a subchart; an image block whose empty tag falls back to appVersion; an image
 * string; a digest-pinned image; an image literal in a template), packaged by the library and rendered with the real
 * Helm engine: the same properties as for the upstream chart, without the upstream fixtures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmallChartPackagingTest {

    private static final String REGISTRY = "registry.internal:5000";
    private static final String PREFIX = "mirror";
    private static final String MIGRATE_DIGEST =
            "sha256:4f5d8b0a7c3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f";

    /** The values a user packages with. */
    enum Scenario {
        /** The chart's own defaults. */
        DEFAULTS,
        /** New tags for the main image and the subchart, another sidecar image, another log level. */
        USER_VALUES,
        /** The subchart switched off: its image is still rewritten but not in use. */
        SUBCHART_DISABLED
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
        assertThat(output.imageReferences())
                .allSatisfy(image -> assertThat(image).startsWith(REGISTRY + "/" + PREFIX + "/"));
        assertThat(output.imageReferences())
                .anyMatch(image -> image.endsWith("/migrate@" + MIGRATE_DIGEST))
                .anyMatch(image -> image.endsWith("/busybox:1.36.1"));
        switch (scenario) {
            case DEFAULTS ->
                assertThat(output.imageReferences())
                        .contains(REGISTRY + "/mirror/lighthouse:2.4.1", REGISTRY + "/mirror/beacon:0.9.0");
            case USER_VALUES ->
                assertThat(output.imageReferences())
                        .contains(
                                REGISTRY + "/mirror/lighthouse:2.5.0",
                                REGISTRY + "/mirror/beacon:0.9.1",
                                REGISTRY + "/mirror/log-shipper:1.1.0");
            case SUBCHART_DISABLED ->
                assertThat(output.find("DaemonSet", "falco-beacon")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldRewriteTheImageLiteralInItsTemplate(Scenario scenario) {
        assertThat(PackagingChecks.assertEveryTemplateImageLiteralOn(
                        packaged(scenario).chartFile(), REGISTRY))
                .containsExactly("lighthouse/templates/cronjob.yaml: " + REGISTRY + "/mirror/busybox:1.36.1");
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldMentionNoPublicHostWhenRenderedWithoutValues(Scenario scenario) {
        Packaged result = packaged(scenario);
        RenderedManifests output = HelmRenderer.render(result.chartFile());

        PackagingChecks.assertNoPublicHostMentioned(output, result.result().plan());
        assertThat(output.containsText("quay.io")).isFalse();
        assertThat(result.result().plan().warnings()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldRenderLikeTheInputWithUserValuesAndRewrittenReferencesWhenRenderedWithoutValues(Scenario scenario) {
        Packaged result = packaged(scenario);

        PackagingChecks.assertRendersLikeInputWithRewrittenReferences(
                TestCharts.lighthouse(), result.valuesFiles(), result.result(), work.resolve("expected-" + scenario));
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void shouldKeepEveryCommentOutsideTheChangedKeysWhenRewritingValues(Scenario scenario) {
        PackagingChecks.assertCommentsKept(
                TestCharts.lighthouse(), packaged(scenario).result());
    }

    @Test
    void shouldMarkTheDisabledSubchartsImageAsNotInUseWhenItIsSwitchedOff() {
        List<PlannedReference> references =
                packaged(Scenario.SUBCHART_DISABLED).result().plan().references();

        assertThat(references)
                .filteredOn(reference -> reference.source().equals("docker.io/example/beacon:0.9.0"))
                .singleElement()
                .satisfies(beacon -> {
                    assertThat(beacon.inUse()).isFalse();
                    assertThat(beacon.disposition()).isEqualTo(Disposition.REDIRECTED);
                });
        // Whether a digest-pinned block with no tag gets the appVersion as tag is the planner's choice; the
        // repository and the digest are what the chart pulls.
        assertThat(references)
                .filteredOn(PlannedReference::inUse)
                .extracting(PlannedReference::source)
                .hasSize(4)
                .contains(
                        "docker.io/example/lighthouse:2.4.1",
                        "quay.io/example/log-shipper:1.0.0",
                        "docker.io/library/busybox:1.36.1",
                        "ghcr.io/example/migrate@" + MIGRATE_DIGEST);
    }

    @Test
    void shouldGiveTheSameSha256WhenPackagedTwiceInProcessesWithDifferentUmaskTimezoneAndClock() throws Exception {
        Path chart = TestCharts.lighthouse();
        Path values = userValues();
        List<String> options = List.of(
                ChildJvmPackaging.PREFIX_OPTION + PREFIX,
                ChildJvmPackaging.LAYOUT_OPTION + RepositoryLayout.FLATTEN,
                values.toString());

        ChildJvmPackaging.Outcome inUtc = ChildJvmPackaging.run(
                "022", Map.of("TZ", "UTC"), List.of(), chart, REGISTRY, work.resolve(FIRST_CHILD), options);
        Thread.sleep(1_100);
        ChildJvmPackaging.Outcome farEast = ChildJvmPackaging.run(
                "077",
                Map.of("TZ", "Pacific/Kiritimati", "LANG", "tr_TR.UTF-8"),
                List.of("-Duser.language=tr", "-Duser.country=TR"),
                chart,
                REGISTRY,
                work.resolve(SECOND_CHILD),
                options);

        assertThat(farEast.chartSha256()).as("chart sha256").isEqualTo(inUtc.chartSha256());
        assertThat(Files.readString(work.resolve(SECOND_CHILD).resolve(PlanJson.FILE_NAME)))
                .as("plan")
                .isEqualTo(Files.readString(work.resolve(FIRST_CHILD).resolve(PlanJson.FILE_NAME)));
        assertThat(farEast.planSha256()).as("plan sha256").isEqualTo(inUtc.planSha256());
        assertThat(ChildJvmPackaging.sha256OfEveryFile(work.resolve(SECOND_CHILD)))
                .as("every output file")
                .isEqualTo(ChildJvmPackaging.sha256OfEveryFile(work.resolve(FIRST_CHILD)));
        assertThat(inUtc.chartSha256())
                .isEqualTo(
                        ChildJvmPackaging.sha256(packaged(Scenario.USER_VALUES).chartFile()));
    }

    @Test
    void shouldSucceedWithNoWarningsWhenStrictAndEveryReferenceCanBeRedirected() {
        PackageResult result = FalcoOffline.packageChart(
                request(List.of(), work.resolve("strict-out")).toBuilder()
                        .strict(true)
                        .build(),
                ProgressListener.SILENT);

        assertThat(result.plan().warnings()).isEmpty();
        assertThat(result.plan().references())
                .allSatisfy(reference -> assertThat(reference.disposition()).isEqualTo(Disposition.REDIRECTED));
        assertThat(result.chartFile()).hasValue(work.resolve("strict-out").resolve("lighthouse-1.2.3.tgz"));
    }

    private Packaged packaged(Scenario scenario) {
        return packaged.computeIfAbsent(scenario, s -> {
            List<Path> valuesFiles = switch (s) {
                case DEFAULTS -> List.of();
                case USER_VALUES -> List.of(userValues());
                case SUBCHART_DISABLED -> List.of(writeValues("subchart-disabled.yaml", """
                                beacon:
                                  enabled: false
                                """));
            };
            PackageResult result =
                    FalcoOffline.packageChart(request(valuesFiles, work.resolve("out-" + s)), ProgressListener.SILENT);
            return new Packaged(valuesFiles, result);
        });
    }

    private static PackageRequest request(List<Path> valuesFiles, Path output) {
        return PackageRequest.builder()
                .chart(TestCharts.lighthouse())
                .registry(REGISTRY)
                .repositoryPrefix(PREFIX)
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .valuesFiles(valuesFiles)
                .outputDirectory(output)
                .strict(false)
                .build();
    }

    private static Path userValues() {
        return writeValues("user-values.yaml", """
                image:
                  tag: "2.5.0"
                sidecar:
                  image: quay.io/example/log-shipper:1.1.0
                config:
                  logLevel: debug
                beacon:
                  image:
                    tag: "0.9.1"
                """);
    }

    private static Path writeValues(String name, String content) {
        Path file = work.resolve(name);
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private record Packaged(List<Path> valuesFiles, PackageResult result) {
        Path chartFile() {
            return result.chartFile().orElseThrow();
        }
    }
}
