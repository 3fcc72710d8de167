package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a chart version to an existing index rewrites only that chart's entries and {@code generated}: each case
 * checks the whole result against the original document with just those changed, and that the other charts' text
 * is still there byte for byte, whatever the index's layout.
 */
class HelmIndexFileTest {

    private static final Instant TIME = Instant.parse("2026-03-04T05:06:07Z");
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path temp;

    private static final String OTHERS_BEFORE = """
              alpha:
              - apiVersion: v2
                created: "2024-01-02T03:04:05.123456789Z"
                description: "Ünïcödé 🚀 text: surrogate pairs shift nothing"  # a comment kept
                digest: 0123
                name: alpha
                urls:
                - https://charts.example.com/alpha-1.0.0.tgz
                version: 1.0.0
            """;

    private static final String OTHERS_AFTER = """
              zeta:
                - name: zeta
                  version: 0.1.0
                  annotations: {category: "Other", "artifacthub.io/changes": "- kind: added\\n"}
                  description: |
                    Literal text

                    with an empty line.
            """;

    @Test
    void shouldReplaceTheChartsEntriesAndCopyTheOthersThrough() throws IOException {
        String original = "apiVersion: v1\nentries:\n" + OTHERS_BEFORE + """
                  demo:
                  - name: demo
                    version: 1.0.0
                    urls: [demo-1.0.0.tgz]
                  - name: demo
                    version: 2.0.0
                    urls: [demo-2.0.0.tgz]
                """ + OTHERS_AFTER
                + "generated: \"2024-01-01T00:00:00Z\"\nserverInfo: {contextPath: /charts}\n";

        String result = add(original, "demo", "2.0.0");

        assertThat(result)
                .contains(OTHERS_BEFORE)
                .contains(OTHERS_AFTER)
                .contains("serverInfo: {contextPath: /charts}");
        assertThat(HelmIndex.parse(bytes(result), "out").versions("demo")).containsExactly("2.0.0", "1.0.0");
    }

    @Test
    void shouldInsertANewChartInNameOrderBetweenOthers() throws IOException {
        String original =
                "apiVersion: v1\nentries:\n" + OTHERS_BEFORE + OTHERS_AFTER + "generated: 2024-01-01T00:00:00Z\n";

        String result = add(original, "demo", "1.0.0");

        assertThat(result).contains(OTHERS_BEFORE).contains(OTHERS_AFTER);
        assertThat(result.indexOf("  demo:\n")).isBetween(result.indexOf("alpha:"), result.indexOf("zeta:"));
    }

    @Test
    void shouldAppendAChartSortingLastBeforeTheNextTopLevelKeyAndAtTheEndOfAFileWithoutALineBreak() throws IOException {
        for (String original : List.of(
                "apiVersion: v1\nentries:\n" + OTHERS_BEFORE + "generated: 2024-01-01T00:00:00Z\n",
                "apiVersion: v1\ngenerated: 2024-01-01T00:00:00Z\nentries:\n" + OTHERS_BEFORE.stripTrailing(),
                "apiVersion: v1\ngenerated: 2024-01-01T00:00:00Z\nentries:\n" + OTHERS_BEFORE + "# the end\n")) {
            String result = add(original, "omega", "1.0.0");

            assertThat(result).as(original).contains(OTHERS_BEFORE.stripTrailing());
        }
    }

    @Test
    void shouldAddToAnEmptyFlowEntriesMapAndToAnIndexWrittenAsJson() throws IOException {
        for (String original : List.of(
                "apiVersion: v1\nentries: {}\ngenerated: \"2024-01-01T00:00:00Z\"\n",
                "{\"apiVersion\": \"v1\", \"entries\": {\"alpha\": [{\"name\": \"alpha\", \"version\": \"1.0.0\"}],"
                        + " \"zeta\": [{\"name\": \"zeta\", \"version\": \"1.0.0\"}]}, \"generated\": \"x\"}\n",
                "{\"apiVersion\": \"v1\", \"entries\": {\"alpha\": [{\"name\": \"alpha\", \"version\": \"1.0.0\"}],"
                        + " \"demo\": [{\"name\": \"demo\", \"version\": \"0.1.0\"}]}}",
                "{\"apiVersion\": \"v1\", \"entries\": {\"alpha\": [{\"name\": \"alpha\", \"version\": \"1.0.0\"}]}}")) {
            add(original, "demo", "1.0.0");
        }
    }

    @Test
    void shouldAddApiVersionAndGeneratedWhenMissingAndKeepWindowsLineBreaks() throws IOException {
        String original = "entries:\r\n  alpha:\r\n  - name: alpha\r\n    version: 1.0.0\r\n";

        String result = add(original, "demo", "1.0.0");

        assertThat(result).contains("  alpha:\r\n  - name: alpha\r\n    version: 1.0.0\r\n");
        Map<String, Object> document = SafeYaml.loadMap(result, "out");
        assertThat(document).containsEntry("apiVersion", "v1").containsEntry("generated", TIME.toString());
    }

    @Test
    void shouldKeepOtherLayoutsValidAndTheCommentsAroundTheChart() throws IOException {
        // Each original, and text of it that must survive unchanged.
        Map<String, String> cases = new LinkedHashMap<>();
        // Indented lists, comments and blank lines between charts, the chart first.
        cases.put(
                "apiVersion: v1\nentries:\n    demo:\n        -   name: demo\n            version: 0.1.0\n\n"
                        + "    # zeta follows\n    zeta:\n        - name: zeta\n          version: 1.0.0\n"
                        + "generated: 2024-01-01T00:00:00Z\n",
                "\n\n    # zeta follows\n    zeta:\n        - name: zeta\n          version: 1.0.0\ngenerated: ");
        // Quoted chart names, the chart last, comments after it and a document end marker.
        cases.put(
                "generated: 2024-01-01T00:00:00Z\napiVersion: v1\nentries:\n  'alpha':\n  - version: 1.0.0\n"
                        + "  \"demo\":\n  - version: 0.1.0 # old\n# trailing comment\n...\n",
                "  'alpha':\n  - version: 1.0.0\n  demo:\n");
        // A new chart after one whose last line has a comment, before one a comment introduces.
        cases.put(
                "apiVersion: v1\nentries:\n  alpha:\n  - version: 1.0.0 # kept\n  # zeta\n  zeta:\n"
                        + "  - {version: 1.0.0}\n",
                "  - version: 1.0.0 # kept\n  demo:\n");
        // A literal block ends the chart before the one added.
        cases.put(
                "apiVersion: v1\nentries:\n  alpha:\n  - version: 1.0.0\n    notes: |\n      text\n\n"
                        + "  zeta:\n  - {version: 1.0.0}\n",
                "    notes: |\n      text\n\n  demo:\n");
        // Windows line breaks with the chart replaced.
        cases.put(
                "apiVersion: v1\r\nentries:\r\n  demo:\r\n  - name: demo\r\n    version: 1.0.0\r\n"
                        + "  zeta:\r\n  - version: 1.0.0\r\ngenerated: \"x\"\r\n",
                "  zeta:\r\n  - version: 1.0.0\r\n");
        // A flow list for the chart inside a block map.
        cases.put(
                "apiVersion: v1\nentries:\n  alpha: [{version: 1.0.0}]\n  demo: [{version: 0.2.0}]\n"
                        + "  zeta: [{version: 1.0.0}]\ngenerated: \"x\"\n",
                "  alpha: [{version: 1.0.0}]\n");
        for (Map.Entry<String, String> layout : cases.entrySet()) {
            String result = add(layout.getKey(), "demo", "1.0.0");

            assertThat(result).as(layout.getKey()).contains(layout.getValue());
            assertThat(HelmIndex.parse(bytes(result), "out").versions("demo"))
                    .as(result)
                    .startsWith("1.0.0");
        }
    }

    @Test
    void shouldRefuseAChartNamedTwiceAndLeaveTheFile() throws IOException {
        String original = "apiVersion: v1\nentries:\n  demo: []\n  demo:\n  - version: 1.0.0\n";
        Path file = write(original);

        assertThatThrownBy(() -> HelmIndex.addTo(file, chartYaml("demo", "2.0.0"), DIGEST, "demo.tgz", TIME))
                .isInstanceOf(ChartSourceException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("names the chart demo more than once")
                .hasMessageContaining("Merge them");
        assertThat(Files.readString(file)).isEqualTo(original);
    }

    @Test
    void shouldStartANewIndexWhenThereIsNone() {
        Path file = temp.resolve("new/index.yaml");

        HelmIndex.addTo(file, chartYaml("demo", "1.0.0"), DIGEST, "demo-1.0.0.tgz", TIME);

        HelmIndex.Entry entry = HelmIndex.parse(TestChartRepository.bytes(file), "index.yaml")
                .find("demo", VersionConstraint.parse("1.0.0"))
                .orElseThrow();
        assertThat(entry.digest()).contains(DIGEST);
        assertThat(entry.urls()).containsExactly("demo-1.0.0.tgz");
    }

    /**
     * Adds a version of a chart to an index file holding {@code original}, and checks that the result is the original
     * document with only the chart's entries and {@code generated} changed.
     */
    @SuppressWarnings("unchecked")
    private String add(String original, String chart, String version) throws IOException {
        Path file = write(original);
        String url = chart + "-" + version + ".tgz";
        HelmIndex.addTo(file, chartYaml(chart, version), DIGEST, url, TIME);
        String result = Files.readString(file, StandardCharsets.UTF_8);

        Map<String, Object> expected = SafeYaml.loadMap(original, "original");
        Map<String, Object> entries = new LinkedHashMap<>((Map<String, Object>) expected.get("entries"));
        List<Map<String, Object>> versions = new ArrayList<>();
        versions.add(HelmIndex.entry(chartYaml(chart, version), DIGEST, url, TIME));
        if (entries.get(chart) instanceof List<?> existing) {
            existing.stream()
                    .map(entry -> (Map<String, Object>) entry)
                    .filter(entry -> !version.equals(String.valueOf(entry.get("version"))))
                    .forEach(versions::add);
        }
        versions.sort(HelmIndex.NEWEST_FIRST);
        entries.put(chart, versions);
        expected.put("entries", entries);
        expected.put("generated", TIME.toString());
        expected.putIfAbsent("apiVersion", "v1");
        assertThat(SafeYaml.loadMap(result, "result")).as(result).isEqualTo(expected);
        return result;
    }

    private Path write(String text) throws IOException {
        Path file = temp.resolve("index.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static Map<String, Object> chartYaml(String name, String version) {
        Map<String, Object> chartYaml = new LinkedHashMap<>();
        chartYaml.put("apiVersion", "v2");
        chartYaml.put("name", name);
        chartYaml.put("version", version);
        chartYaml.put("description", "A chart: with \"quotes\" and 🚀");
        return chartYaml;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
