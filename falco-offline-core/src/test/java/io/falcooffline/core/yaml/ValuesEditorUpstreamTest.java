package io.falcooffline.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Rewrites the real falco chart's values.yaml with the k8s-audit user values and internal registry references. */
@Tag("upstream")
class ValuesEditorUpstreamTest {

    private static final String REGISTRY = "192.168.5.96:30003";
    /** Lines of the original that the rewrite changes or removes, measured for this scenario. */
    private static final int ORIGINAL_LINES_CHANGED = 17;
    /** Lines the rewrite adds or puts in place of changed ones, measured for this scenario. */
    private static final int REWRITTEN_LINES_CHANGED = 30;

    private static String chartValues;
    private static Map<String, Object> desired;

    @BeforeAll
    static void loadFixtures() throws IOException {
        Path fixtures = Path.of(System.getProperty("falco-offline.fixtures"));
        chartValues = readFromChart(fixtures.resolve("charts/falco-9.0.0.tgz"), "falco/values.yaml");
        Map<String, Object> userValues =
                SafeYaml.loadMap(Files.readString(fixtures.resolve("values/custom_values.yaml")), "custom_values.yaml");
        Map<String, Object> values = HelmValues.coalesce(
                SafeYaml.loadMap(chartValues, "falco/values.yaml"),
                userValues,
                Set.of("falcosidekick", "k8s-metacollector", "falco-talon"));
        values = HelmValues.with(values, ValuesPath.parse("image.registry"), REGISTRY + "/mirror");
        values = HelmValues.with(values, ValuesPath.parse("falcoctl.image.registry"), REGISTRY + "/mirror");
        values = HelmValues.with(
                values,
                ValuesPath.parse("falcoctl.config.artifact.install.refs"),
                List.of(
                        REGISTRY + "/falcosecurity/rules/falco-rules:5",
                        REGISTRY + "/falcosecurity/plugins/ruleset/k8saudit:0.16"));
        desired = HelmValues.with(
                values,
                ValuesPath.parse("collectors.containerEngine.pluginRef"),
                REGISTRY + "/falcosecurity/plugins/plugin/container:0.7.1");
    }

    @Test
    void shouldKeepEveryCommentAndChangeFewLinesWhenRewritingUpstreamValues() {
        ValuesEditor.Result result = ValuesEditor.rewrite(chartValues, desired, "falco/values.yaml");

        assertThat(HelmValues.deepEquals(SafeYaml.loadMap(result.text(), "rewritten values.yaml"), desired))
                .isTrue();

        List<String> originalLines = chartValues.lines().toList();
        List<String> rewrittenLines = result.text().lines().toList();
        List<String> commentLines = originalLines.stream()
                .filter(line -> line.strip().startsWith("#"))
                .toList();
        assertThat(commentLines).hasSizeGreaterThan(700);
        assertThat(isSubsequence(commentLines, rewrittenLines))
                .as("every comment line of the original, in order")
                .isTrue();

        int common = longestCommonSubsequence(originalLines, rewrittenLines);
        int originalChanged = originalLines.size() - common;
        int rewrittenChanged = rewrittenLines.size() - common;
        System.out.printf(
                "values.yaml rewrite: %d of %d original lines changed or removed, %d lines written, %d changes%n",
                originalChanged,
                originalLines.size(),
                rewrittenChanged,
                result.changes().size());
        assertThat(originalChanged).isLessThanOrEqualTo(ORIGINAL_LINES_CHANGED);
        assertThat(rewrittenChanged).isLessThanOrEqualTo(REWRITTEN_LINES_CHANGED);
        assertThat(result.text())
                .contains("    pluginRef: \"" + REGISTRY + "/falcosecurity/plugins/plugin/container:0.7.1\"\n")
                .contains("        # -- List of artifacts to be installed by the falcoctl init container.\n"
                        + "        refs:\n"
                        + "          - " + REGISTRY + "/falcosecurity/rules/falco-rules:5\n"
                        + "          - " + REGISTRY + "/falcosecurity/plugins/ruleset/k8saudit:0.16\n"
                        + "        # -- Directory where the rulesfiles are saved.");
    }

    @Test
    void shouldReportRewriteDurationWhenRepeated() {
        for (int i = 0; i < 30; i++) {
            ValuesEditor.rewrite(chartValues, desired, "falco/values.yaml");
        }
        int runs = 50;
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            ValuesEditor.rewrite(chartValues, desired, "falco/values.yaml");
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "values.yaml rewrite (%d lines, %d chars): median %.1f ms, fastest %.1f ms, slowest %.1f ms over %d"
                        + " runs after warm-up%n",
                chartValues.lines().count(),
                chartValues.length(),
                nanos[runs / 2] / 1e6,
                nanos[0] / 1e6,
                nanos[runs - 1] / 1e6,
                runs);
        assertThat(nanos[0]).isPositive();
    }

    private static String readFromChart(Path chart, String entryName) throws IOException {
        // The JDK's gzip reader, because commons-compress 1.28 rejects the Extra field "helm package" writes.
        try (InputStream file = Files.newInputStream(chart);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().equals(entryName)) {
                    return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new IllegalStateException(chart + " has no " + entryName);
    }

    private static boolean isSubsequence(List<String> wanted, List<String> lines) {
        int next = 0;
        for (String line : lines) {
            if (next < wanted.size() && wanted.get(next).equals(line)) {
                next++;
            }
        }
        return next == wanted.size();
    }

    private static int longestCommonSubsequence(List<String> left, List<String> right) {
        int[] previous = new int[right.size() + 1];
        int[] current = new int[right.size() + 1];
        for (String leftLine : left) {
            for (int j = 1; j <= right.size(); j++) {
                current[j] =
                        leftLine.equals(right.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[right.size()];
    }
}
