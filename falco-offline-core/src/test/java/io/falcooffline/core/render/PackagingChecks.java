package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.PackageResult;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ValuesChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The properties every packaged chart must have, checked by rendering it with the real Helm engine. */
public final class PackagingChecks {

    /** Public hosts that an air-gapped cluster cannot reach. */
    public static final List<String> PUBLIC_HOSTS =
            List.of("docker.io", "ghcr.io", "falco.docker.scarf.sh", "falcosecurity.github.io");

    private PackagingChecks() {}

    /** Every container image, and every {@code image:} line anywhere in the output, is on {@code registry}. */
    public static void assertEveryImageOn(RenderedManifests manifests, String registry) {
        assertThat(manifests.images()).as("container images").isNotEmpty();
        assertThat(manifests.images())
                .as("container images")
                .allSatisfy(
                        image -> assertThat(image.image()).as(image.toString()).startsWith(registry + "/"));
        assertThat(manifests.imageLines())
                .as("`image:` lines")
                .allSatisfy(image -> assertThat(image).startsWith(registry + "/"));
    }

    /**
     * Every image written literally in a template of the output archive ({@code image: repo:tag}, not composed with
     * {@code {{ }}}), including those of hooks such as {@code helm test} pods that a render does not show, is on
     * {@code registry}.
     *
     * @return the literal images found, for the caller to check there are some where it expects them
     */
    public static List<String> assertEveryTemplateImageLiteralOn(Path chartFile, String registry) {
        List<String> literals = new java.util.ArrayList<>();
        ChartArchive.read(chartFile).entries().forEach((name, entry) -> {
            if (name.contains("/templates/")) {
                RenderedManifests.imageLinesOf(entry.text()).stream()
                        .filter(image -> !image.contains("{{"))
                        .forEach(image -> literals.add(name + ": " + image));
            }
        });
        assertThat(literals)
                .as("image literals in templates")
                .allSatisfy(literal -> assertThat(literal.substring(literal.indexOf(": ") + 2))
                        .as(literal)
                        .startsWith(registry + "/"));
        return literals;
    }

    /**
     * No object, including the falcoctl and Falco configuration they carry, mentions a public host, apart from the
     * references the plan did not redirect and lists among its warnings. A reference left as is but not in use gets
     * no warning, and must then not show up in the output at all.
     */
    public static void assertNoPublicHostMentioned(RenderedManifests manifests, Plan plan) {
        String text = manifests.text();
        for (PlannedReference reference : plan.references()) {
            if (reference.disposition() == Disposition.NOT_REDIRECTED && reference.inUse()) {
                assertThat(plan.warnings())
                        .as("warnings for the reference left as is")
                        .anyMatch(warning -> warning.contains(reference.source()));
                text = text.replace(reference.source(), "<left as warned>");
            }
        }
        String remaining = text;
        List<String> offending = remaining
                .lines()
                .filter(line -> PUBLIC_HOSTS.stream().anyMatch(line::contains))
                .toList();
        assertThat(offending).as("rendered lines naming a public host").isEmpty();
    }

    /**
     * The defining property: the output chart rendered with no values gives the same objects as the input chart
     * rendered with the user's values files plus the plan's rewritten references (see {@link ExpectedChart}).
     */
    public static void assertRendersLikeInputWithRewrittenReferences(
            Path inputChart, List<Path> userValuesFiles, PackageResult result, Path workDirectory) {
        RenderedManifests expected = ExpectedChart.of(inputChart, userValuesFiles, result.plan(), workDirectory)
                .render();
        RenderedManifests actual = HelmRenderer.render(result.chartFile().orElseThrow());

        Map<String, Manifest> expectedObjects = expected.byIdentity();
        Map<String, Manifest> actualObjects = actual.byIdentity();
        assertThat(actualObjects.keySet()).as("rendered objects").isEqualTo(expectedObjects.keySet());
        expectedObjects.forEach((identity, manifest) ->
                assertThat(actualObjects.get(identity).content()).as(identity).isEqualTo(manifest.content()));
        assertThat(actual.contents()).as("objects in Helm's order").isEqualTo(expected.contents());
    }

    /** Every values file of the output keeps the input's comment lines, except within the keys the plan changed. */
    public static void assertCommentsKept(Path inputChart, PackageResult result) {
        Map<String, String> inputValues = valuesFiles(inputChart);
        ChartArchive output = ChartArchive.read(result.chartFile().orElseThrow());
        assertThat(inputValues).isNotEmpty();
        inputValues.forEach((name, text) -> {
            List<String> changed = result.plan().valuesChanges().stream()
                    .filter(change -> change.file().equals(name))
                    .map(ValuesChange::path)
                    .toList();
            assertThat(ValuesComments.lostComments(text, output.text(name), changed))
                    .as("comment lines of %s lost outside the changed keys %s", name, changed)
                    .isEmpty();
        });
    }

    /** Every {@code values.yaml} of a chart ({@code .tgz} or directory) by archive path, e.g. {@code falco/values.yaml}. */
    public static Map<String, String> valuesFiles(Path chart) {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(chart)) {
            ChartArchive.read(chart).entries().forEach((name, entry) -> {
                if (name.endsWith("/values.yaml")) {
                    files.put(name, entry.text());
                }
            });
            return files;
        }
        try (Stream<Path> paths = Files.walk(chart)) {
            for (Path path : paths.filter(p -> p.getFileName().toString().equals("values.yaml"))
                    .toList()) {
                String name = chart.getParent().relativize(path).toString().replace('\\', '/');
                files.put(name, Files.readString(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the values files of " + chart, e);
        }
        return files;
    }

    /** Every file and directory under {@code directory}; empty when it does not exist. */
    public static List<Path> contentsOf(Path directory) {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(path -> !path.equals(directory)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
    }
}
