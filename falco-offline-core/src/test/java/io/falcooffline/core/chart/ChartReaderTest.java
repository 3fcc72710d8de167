package io.falcooffline.core.chart;

import static io.falcooffline.core.chart.ChartArchiveFixtures.DEMO_CHART_YAML;
import static io.falcooffline.core.chart.ChartArchiveFixtures.ENTRY_TIME;
import static io.falcooffline.core.chart.ChartArchiveFixtures.chartYaml;
import static io.falcooffline.core.chart.ChartArchiveFixtures.listing;
import static io.falcooffline.core.chart.ChartArchiveFixtures.tgz;
import static io.falcooffline.core.chart.ChartArchiveFixtures.writeDirectory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.falcooffline.core.InvalidChartException;
import io.falcooffline.core.InvalidYamlException;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChartReaderTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;

    private final ChartReader reader = new ChartReader();

    @Test
    void shouldReadChartAndSubchartDirectoriesWhenArchiveIsPackagedByHelm() throws IOException {
        Instant newest = Instant.parse("2026-03-04T05:06:07Z");
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "image:\n  repository: falcosecurity/falco\n  tag: 0.44.0\n")
                .file("demo/templates/configmap.yaml", "kind: ConfigMap\n")
                .file("demo/charts/_ignore_me", "not a chart\n")
                .file(
                        "demo/charts/beta/Chart.yaml",
                        chartYaml("beta", "0.2.0").getBytes(StandardCharsets.UTF_8),
                        newest)
                .file("demo/charts/beta/values.yaml", "replicas: 2\n")
                .file("demo/charts/alpha/Chart.yaml", chartYaml("alpha", "0.1.0"))
                .file("demo/charts/alpha/templates/x.yaml", "x: 1\n")
                .writeTo(work.resolve("demo-1.2.3.tgz"));

        Chart chart = reader.read(archive);

        assertThat(chart.name()).isEqualTo("demo");
        assertThat(chart.version()).isEqualTo("1.2.3");
        assertThat(chart.appVersion()).isEqualTo("4.5");
        assertThat(chart.path()).isEqualTo("demo");
        assertThat(chart.directoryName()).isEqualTo("demo");
        assertThat(chart.files().keySet())
                .containsExactly("Chart.yaml", "charts/_ignore_me", "templates/configmap.yaml", "values.yaml");
        assertThat(chart.text("templates/configmap.yaml")).contains("kind: ConfigMap\n");
        assertThat(chart.file("missing.yaml")).isEmpty();
        assertThat(chart.values()).containsKey("image");
        assertThat(chart.chartYaml()).containsEntry("apiVersion", "v2");
        assertThat(chart.subcharts()).extracting(Chart::directoryName).containsExactly("alpha", "beta");
        assertThat(chart.subcharts()).extracting(Chart::path).containsExactly("demo/charts/alpha", "demo/charts/beta");
        Chart beta = chart.subchart("beta").orElseThrow();
        assertThat(beta.version()).isEqualTo("0.2.0");
        assertThat(beta.appVersion()).isEmpty();
        assertThat(beta.values()).containsEntry("replicas", 2);
        assertThat(chart.subchart("alpha").orElseThrow().files().keySet())
                .containsExactly("Chart.yaml", "templates/x.yaml");
        assertThat(chart.newestEntryTime()).contains(newest);
        assertThat(beta.newestEntryTime()).contains(newest);
        assertThat(chart.subchart("alpha").orElseThrow().newestEntryTime()).contains(ENTRY_TIME);
    }

    @Test
    void shouldTurnNestedArchiveIntoDirectorySubchartWhenChartsHoldsTgz() throws IOException {
        byte[] innermost =
                tgz().file("gamma/Chart.yaml", chartYaml("gamma", "3.0.0")).bytes();
        byte[] nested = tgz().file("mariner/Chart.yaml", chartYaml("mariner", "4.3.2"))
                .file("mariner/values.yaml", "debug: true\n")
                .file("mariner/charts/gamma-3.0.0.tgz", innermost)
                .bytes();
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/charts/mariner-4.3.2.tgz", nested)
                .file("demo/charts/mariner-4.3.2.tgz.prov", "signature\n")
                .writeTo(work.resolve("demo.tgz"));

        Chart chart = reader.read(archive);

        assertThat(chart.files().keySet()).containsExactly("Chart.yaml", "charts/mariner-4.3.2.tgz.prov");
        Chart mariner = chart.subchart("mariner").orElseThrow();
        assertThat(mariner.path()).isEqualTo("demo/charts/mariner");
        assertThat(mariner.version()).isEqualTo("4.3.2");
        assertThat(mariner.values()).containsEntry("debug", true);
        assertThat(mariner.files().keySet()).containsExactly("Chart.yaml", "values.yaml");
        Chart gamma = mariner.subchart("gamma").orElseThrow();
        assertThat(gamma.path()).isEqualTo("demo/charts/mariner/charts/gamma");
        assertThat(gamma.name()).isEqualTo("gamma");
    }

    @Test
    void shouldRejectArchiveWhenSubchartDirectoryAndNestedArchiveCollide() throws IOException {
        byte[] nested =
                tgz().file("mariner/Chart.yaml", chartYaml("mariner", "4.3.2")).bytes();
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/charts/mariner/Chart.yaml", chartYaml("mariner", "4.0.0"))
                .file("demo/charts/mariner-4.3.2.tgz", nested)
                .writeTo(work.resolve("demo.tgz"));

        assertRejected(
                archive,
                "has two subcharts for directory charts/mariner of chart demo",
                "demo/charts/mariner/ and demo/charts/mariner-4.3.2.tgz",
                "Keep only one of them");
    }

    @Test
    void shouldNameNestedArchiveWhenItsContentIsHostile() throws IOException {
        byte[] nested = tgz().file("mariner/Chart.yaml", chartYaml("mariner", "4.3.2"))
                .symlink("mariner/values.yaml", "/etc/passwd")
                .bytes();
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/charts/mariner-4.3.2.tgz", nested)
                .writeTo(work.resolve("demo.tgz"));

        assertRejected(
                archive,
                "demo.tgz!/demo/charts/mariner-4.3.2.tgz contains a symbolic link mariner/values.yaml -> /etc/passwd;"
                        + " falco-offline accepts only regular files");
    }

    @Test
    void shouldSkipPaxHeadersWhenArchiveHasGlobalAndLongNameHeaders() throws IOException {
        String longName = "templates/" + "very-long-directory-name/".repeat(5) + "configmap.yaml";
        Path archive = tgz().globalPaxHeader()
                .file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/" + longName, "kind: ConfigMap\n")
                .directory("demo/templates")
                .writeTo(work.resolve("demo.tgz"));

        Chart chart = reader.read(archive);

        assertThat(longName.length()).isGreaterThan(100);
        assertThat(chart.files().keySet()).containsExactly("Chart.yaml", longName);
    }

    @Test
    void shouldReadArchiveWhenGzipHeaderCarriesHelmMarker() throws IOException {
        byte[] tar = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "a: 1\n")
                .tarBytes();
        Path archive = Files.write(work.resolve("demo.tgz"), ChartArchiveFixtures.helmStyleGzip(tar));

        assertThat(reader.read(archive).values()).containsEntry("a", 1);
    }

    @Test
    void shouldNormaliseBackslashesWhenArchiveWasMadeOnWindows() throws IOException {
        Path archive = tgz().file("demo\\Chart.yaml", DEMO_CHART_YAML)
                .file("demo\\templates\\x.yaml", "x: 1\n")
                .writeTo(work.resolve("demo.tgz"));

        assertThat(reader.read(archive).files().keySet()).containsExactly("Chart.yaml", "templates/x.yaml");
    }

    static Stream<Arguments> hostileArchives() {
        return Stream.of(
                arguments(
                        "absolute path",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("/etc/passwd", "root\n"),
                        List.of("illegally contains absolute paths: entry /etc/passwd.")),
                arguments(
                        "absolute path below the top directory",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("demo//etc/passwd", "root\n"),
                        List.of("illegally contains absolute paths: entry demo//etc/passwd.")),
                arguments(
                        "parent directory",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("demo/../../etc/passwd", "root\n"),
                        List.of("illegally references parent directory: entry demo/../../etc/passwd.")),
                arguments(
                        "parent directory that resolves inside",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("demo/templates/../values.yaml", "a: 1\n"),
                        List.of("illegally references parent directory: entry demo/templates/../values.yaml.")),
                arguments(
                        "backslashes that normalise into a parent escape",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("demo\\..\\..\\x", "x\n"),
                        List.of("illegally references parent directory: entry demo\\..\\..\\x.")),
                arguments(
                        "drive letter",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("c:/windows/x", "x\n"),
                        List.of("contains illegally named files: entry c:/windows/x.")),
                arguments(
                        "drive letter below the top directory",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("demo/C:\\x", "x\n"),
                        List.of("contains illegally named files: entry demo/C:\\x.")),
                arguments(
                        "name that cleans to the top directory",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("demo/./.", "x\n"),
                        List.of("illegally contains content outside the base directory: entry demo/./.")),
                arguments(
                        "name that cleans to dot",
                        tgz().file("./.", "x\n"),
                        List.of("illegally contains content outside the base directory: entry ./.")),
                arguments(
                        "Chart.yaml at the archive root",
                        tgz().file("Chart.yaml", DEMO_CHART_YAML).file("demo/Chart.yaml", DEMO_CHART_YAML),
                        List.of(
                                "has Chart.yaml at the archive root: chart yaml not in base directory",
                                "e.g. falco/Chart.yaml")),
                arguments(
                        "file at the archive root",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("README.md", "hi\n"),
                        List.of("illegally contains content outside the base directory: entry README.md.")),
                arguments(
                        "dot as top directory",
                        tgz().file("./demo/Chart.yaml", DEMO_CHART_YAML),
                        List.of("has entry ./demo/Chart.yaml whose top-level directory is '.'")),
                arguments(
                        "two top-level directories",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("other/Chart.yaml", DEMO_CHART_YAML),
                        List.of("has more than one top-level directory: 'demo' (entry demo/Chart.yaml) and 'other'"
                                + " (entry other/Chart.yaml)")),
                arguments(
                        "symbolic link",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).symlink("demo/values.yaml", "/etc/passwd"),
                        List.of("contains a symbolic link demo/values.yaml -> /etc/passwd; falco-offline accepts"
                                + " only regular files")),
                arguments(
                        "hard link",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).hardlink("demo/values.yaml", "demo/Chart.yaml"),
                        List.of("contains a hard link demo/values.yaml -> demo/Chart.yaml; falco-offline accepts"
                                + " only regular files")),
                arguments(
                        "named pipe",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).fifo("demo/pipe"),
                        List.of("contains demo/pipe, which is a named pipe, not a regular file")),
                arguments(
                        "duplicate entry",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                                .file("demo/values.yaml", "a: 1\n")
                                .file("demo/values.yaml", "a: 2\n"),
                        List.of("contains entry demo/values.yaml more than once")),
                arguments(
                        "duplicate entry after cleaning",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                                .file("demo/values.yaml", "a: 1\n")
                                .file("demo/./values.yaml", "a: 2\n"),
                        List.of("contains entry demo/values.yaml more than once (last: demo/./values.yaml)")),
                arguments("archive without entries", tgz(), List.of("is empty: no files in chart archive")),
                arguments(
                        "archive with directories only",
                        tgz().directory("demo").directory("demo/templates"),
                        List.of("is empty: no files in chart archive")),
                arguments(
                        "no Chart.yaml",
                        tgz().file("demo/values.yaml", "a: 1\n"),
                        List.of("Chart demo has no Chart.yaml (expected demo/Chart.yaml)")),
                arguments(
                        "subchart without Chart.yaml",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).file("demo/charts/sub/values.yaml", "a: 1\n"),
                        List.of("Chart demo/charts/sub has no Chart.yaml (expected demo/charts/sub/Chart.yaml)")),
                arguments(
                        "chart name dot",
                        tgz().file("demo/Chart.yaml", chartYaml(".", "1.0.0")),
                        List.of("has name '.' in its Chart.yaml, which is not a valid chart name")),
                arguments(
                        "chart name dot dot",
                        tgz().file("demo/Chart.yaml", chartYaml("..", "1.0.0")),
                        List.of("has name '..' in its Chart.yaml, which is not a valid chart name")),
                arguments(
                        "chart name with slash",
                        tgz().file("demo/Chart.yaml", chartYaml("a/b", "1.0.0")),
                        List.of("has name 'a/b' in its Chart.yaml, which is not a valid chart name")),
                arguments(
                        "chart name with backslash",
                        tgz().file("demo/Chart.yaml", chartYaml("'a\\b'", "1.0.0")),
                        List.of("has name 'a\\b' in its Chart.yaml, which is not a valid chart name")),
                arguments(
                        "subchart name dot dot",
                        tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                                .file("demo/charts/sub/Chart.yaml", chartYaml("..", "1.0.0")),
                        List.of("Chart demo/charts/sub has name '..' in its Chart.yaml")),
                arguments(
                        "missing name",
                        tgz().file("demo/Chart.yaml", "apiVersion: v2\nversion: 1.0.0\n"),
                        List.of("Chart demo has no name in its Chart.yaml. Add 'name: <name>' to demo/Chart.yaml")),
                arguments(
                        "missing version",
                        tgz().file("demo/Chart.yaml", "apiVersion: v2\nname: demo\n"),
                        List.of("Chart demo has no version in its Chart.yaml. Add 'version: <version>'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileArchives")
    void shouldRejectArchiveWhenItIsHostileOrMalformed(
            String description, ChartArchiveFixtures.Tgz hostile, List<String> expected) throws IOException {
        Path archive = hostile.writeTo(work.resolve("hostile.tgz"));

        assertRejected(archive, expected.toArray(String[]::new));
    }

    @Test
    void shouldRejectFileWhenItIsNotGzip() throws IOException {
        Path notGzip = Files.writeString(work.resolve("chart.tgz"), "PK\3\4 this is a zip file");

        assertRejected(notGzip, "File " + notGzip + " does not appear to be a gzipped archive.", "helm package");
    }

    @Test
    void shouldRejectFileWhenItIsEmpty() throws IOException {
        Path empty = Files.write(work.resolve("chart.tgz"), new byte[0]);

        assertRejected(empty, "does not appear to be a gzipped archive (it is empty)");
    }

    @Test
    void shouldHintAtValuesFileWhenYamlIsPassedAsChart() throws IOException {
        Path values = Files.writeString(work.resolve("values.yaml"), "image: falco\n");

        assertRejected(values, "File " + values + " seems to be a YAML file, but a gzipped chart archive (.tgz)");
    }

    @Test
    void shouldRejectArchiveWhenItIsTruncated() throws IOException {
        byte[] whole = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "a: 1\n".repeat(20_000))
                .bytes();
        Path truncated = Files.write(work.resolve("demo.tgz"), Arrays.copyOf(whole, whole.length / 2));

        assertRejected(truncated, "is truncated or corrupt (unexpected end of data", "helm pull");
    }

    @Test
    void shouldRejectArchiveWhenGzipTrailerIsCut() throws IOException {
        byte[] whole = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).bytes();
        Path truncated = Files.write(work.resolve("demo.tgz"), Arrays.copyOf(whole, whole.length - 4));

        assertRejected(truncated, "is truncated or corrupt (unexpected end of data");
    }

    @Test
    void shouldRejectArchiveWhenCompressedDataIsCorrupt() throws IOException {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            values.append("key")
                    .append(i)
                    .append(": value-")
                    .append(i * 7919 % 10007)
                    .append('\n');
        }
        byte[] corrupt = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", values.toString())
                .bytes();
        for (int i = corrupt.length / 2; i < corrupt.length / 2 + 16; i++) {
            corrupt[i] ^= (byte) 0x5a;
        }
        Path archive = Files.write(work.resolve("demo.tgz"), corrupt);

        assertRejected(archive, "is truncated or corrupt (");
    }

    @Test
    void shouldRejectEntryWhenItIsShorterThanItsHeaderSize() throws IOException {
        byte[] marker = "MARKER".repeat(200).getBytes(StandardCharsets.US_ASCII);
        byte[] tar = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", marker)
                .tarBytes();
        int dataStart = indexOf(tar, "MARKERMARKER".getBytes(StandardCharsets.US_ASCII));
        byte[] cut = Arrays.copyOf(tar, dataStart + 100);
        Path archive = Files.write(work.resolve("demo.tgz"), ChartArchiveFixtures.gzip(cut));

        assertRejected(archive, "demo.tgz is truncated", "demo/values.yaml");
    }

    @Test
    void shouldRejectArchiveWhenItExpandsPastBudget() throws IOException {
        Path bomb = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .zeros("demo/bomb.bin", 64 * MIB)
                .writeTo(work.resolve("bomb.tgz"));
        assertThat(Files.size(bomb)).isLessThan(MIB);

        long start = System.nanoTime();
        assertRejectedBy(
                new ChartReader(MIB),
                bomb,
                "Chart archive " + bomb + ", entry demo/bomb.bin: decompressed chart is larger than the maximum size "
                        + MIB + " bytes");
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void shouldRejectArchiveWhenManySmallFilesExceedBudgetTogether() throws IOException {
        ChartArchiveFixtures.Tgz many = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML);
        for (int i = 0; i < 10; i++) {
            many.zeros("demo/files/part-" + i, 200 * 1024);
        }
        Path archive = many.writeTo(work.resolve("many.tgz"));

        assertRejectedBy(new ChartReader(MIB), archive, "entry demo/files/part-5: decompressed chart is larger");
    }

    @Test
    void shouldShareBudgetWhenSubchartIsNestedArchive() throws IOException {
        byte[] nested = tgz().file("sub/Chart.yaml", chartYaml("sub", "1.0.0"))
                .zeros("sub/big.bin", 600 * 1024)
                .bytes();
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .zeros("demo/own.bin", 500 * 1024)
                .file("demo/charts/sub-1.0.0.tgz", nested)
                .writeTo(work.resolve("demo.tgz"));

        assertRejectedBy(
                new ChartReader(MIB),
                archive,
                "demo.tgz!/demo/charts/sub-1.0.0.tgz, entry sub/big.bin: decompressed chart is larger than the"
                        + " maximum size " + MIB);
        assertThat(new ChartReader(2 * MIB).read(archive).subchart("sub")).isPresent();
    }

    @Test
    void shouldAcceptArchiveWhenItFillsSmallBudgetExactly() throws IOException {
        long budget = 256 * 1024;
        long chartYamlSize = DEMO_CHART_YAML.getBytes(StandardCharsets.UTF_8).length;
        Path exact = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .zeros("demo/fill.bin", budget - chartYamlSize)
                .writeTo(work.resolve("exact.tgz"));
        Path over = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .zeros("demo/fill.bin", budget - chartYamlSize + 1)
                .writeTo(work.resolve("over.tgz"));

        assertThat(new ChartReader(budget).read(exact).file("fill.bin").orElseThrow())
                .hasSize((int) (budget - chartYamlSize));
        assertRejectedBy(new ChartReader(budget), over, "entry demo/fill.bin: decompressed chart is larger");
    }

    @Test
    void shouldAcceptArchiveWhenItFillsHelmBudgetExactlyAndRejectOneByteMore() throws Exception {
        long chartYamlSize = DEMO_CHART_YAML.getBytes(StandardCharsets.UTF_8).length;
        long fill = ChartReader.MAX_DECOMPRESSED_BYTES - chartYamlSize;
        Path exact = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .zeros("demo/fill.bin", fill)
                .writeTo(work.resolve("exact.tgz"));
        Path repacked = work.resolve("repacked/exact.tgz");

        // A heap only a little larger than the budget: entries are read once into their final arrays.
        ChartArchiveFixtures.repackInChildJvm("exec \"$JAVA\" -Xmx160m", exact, repacked, ENTRY_TIME.getEpochSecond());

        assertThat(new ChartReader().read(repacked).filesView().get("fill.bin")).hasSize((int) fill);

        Path over = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .zeros("demo/fill.bin", fill + 1)
                .writeTo(work.resolve("over.tgz"));
        assertRejected(
                over, "decompressed chart is larger than the maximum size " + ChartReader.MAX_DECOMPRESSED_BYTES);
    }

    @Test
    void shouldReadDirectoryWhenChartIsUnpacked() throws IOException {
        byte[] nested =
                tgz().file("mariner/Chart.yaml", chartYaml("mariner", "4.3.2")).bytes();
        Path directory = writeDirectory(
                work.resolve("demo"),
                Map.of(
                        "Chart.yaml",
                        DEMO_CHART_YAML,
                        "values.yaml",
                        "a: 1\n",
                        "templates/deployment.yaml",
                        "kind: Deployment\n",
                        "charts/sub/Chart.yaml",
                        chartYaml("sub", "0.0.1")));
        Files.write(directory.resolve("charts/mariner-4.3.2.tgz"), nested);
        Instant modified = Instant.parse("2026-05-06T07:08:09Z");
        for (Path file : listing(directory)) {
            Files.setLastModifiedTime(file, FileTime.from(modified.minusSeconds(60)));
        }
        Files.setLastModifiedTime(directory.resolve("values.yaml"), FileTime.from(modified));

        Chart chart = reader.read(directory);

        assertThat(chart.path()).isEqualTo("demo");
        assertThat(chart.files().keySet()).containsExactly("Chart.yaml", "templates/deployment.yaml", "values.yaml");
        assertThat(chart.subcharts()).extracting(Chart::path).containsExactly("demo/charts/mariner", "demo/charts/sub");
        assertThat(chart.newestEntryTime()).contains(modified);
    }

    @Test
    void shouldLeaveOutFilesWhenHelmIgnoreListsThem() throws IOException {
        Path directory = writeDirectory(
                work.resolve("demo"),
                new TreeMap<>(Map.of(
                        "Chart.yaml", DEMO_CHART_YAML,
                        ".helmignore", "# editor files\n*.swp\n.git/\n/ci/\nREADME.*\n",
                        "README.md", "# demo\n",
                        "docs/README.txt", "nested readme is ignored by base name\n",
                        "values.swp", "swap\n",
                        ".git/config", "[core]\n",
                        "ci/run.sh", "echo\n",
                        "templates/ci/keep.yaml", "kept: true\n",
                        "templates/.hidden.yaml", "Helm always ignores dotfiles in templates/\n",
                        "templates/service.yaml", "kind: Service\n")));

        Chart chart = reader.read(directory);

        assertThat(chart.files().keySet())
                .containsExactly(".helmignore", "Chart.yaml", "templates/ci/keep.yaml", "templates/service.yaml");
    }

    @Test
    void shouldIgnoreEverythingElseWhenHelmIgnoreHasNegatedRule() throws IOException {
        Path directory = writeDirectory(
                work.resolve("demo"),
                Map.of(
                        "Chart.yaml", DEMO_CHART_YAML,
                        ".helmignore", "!*.yaml\n",
                        "values.yaml", "a: 1\n",
                        "notes.txt", "x\n",
                        "templates/service.yaml", "kind: Service\n"));

        // As in Helm, a negated rule that does not match means "ignore", directories included.
        Chart chart = reader.read(directory);

        assertThat(chart.files().keySet()).containsExactly("Chart.yaml", "values.yaml");
    }

    @Test
    void shouldRejectHelmIgnoreWhenItUsesDoubleStar() throws IOException {
        Path directory = writeDirectory(
                work.resolve("demo"), Map.of("Chart.yaml", DEMO_CHART_YAML, ".helmignore", "\n**/tmp\n"));

        assertRejected(directory, "demo/.helmignore line 2: rule '**/tmp' uses '**'");
    }

    @Test
    void shouldRejectDirectoryWhenItHoldsSymbolicLink() throws IOException {
        Path directory = writeDirectory(work.resolve("demo"), Map.of("Chart.yaml", DEMO_CHART_YAML));
        Path outside = Files.writeString(work.resolve("secret.txt"), "secret\n");
        Files.createSymbolicLink(directory.resolve("values.yaml"), outside);

        assertRejected(
                directory,
                "Chart " + directory + " contains a symbolic link values.yaml -> " + outside + "; falco-offline"
                        + " accepts only regular files");
    }

    @Test
    void shouldRejectDirectoryWhenItHoldsSymbolicLinkToDirectory() throws IOException {
        Path directory = writeDirectory(work.resolve("demo"), Map.of("Chart.yaml", DEMO_CHART_YAML));
        Files.createDirectories(work.resolve("elsewhere"));
        Files.createSymbolicLink(directory.resolve("templates"), work.resolve("elsewhere"));

        assertRejected(directory, "contains a symbolic link templates -> " + work.resolve("elsewhere"));
    }

    @Test
    void shouldIgnoreSymbolicLinkWhenHelmIgnoreListsIt() throws IOException {
        Path directory =
                writeDirectory(work.resolve("demo"), Map.of("Chart.yaml", DEMO_CHART_YAML, ".helmignore", "latest\n"));
        Files.createSymbolicLink(directory.resolve("latest"), Files.createDirectories(work.resolve("releases")));

        assertThat(reader.read(directory).files().keySet()).containsExactly(".helmignore", "Chart.yaml");
    }

    @Test
    void shouldRejectDirectoryWhenItExceedsBudget() throws IOException {
        Path directory = writeDirectory(work.resolve("demo"), Map.of("Chart.yaml", DEMO_CHART_YAML));
        Files.write(directory.resolve("big.bin"), new byte[(int) MIB]);

        assertRejectedBy(
                new ChartReader(MIB),
                directory,
                "Chart directory " + directory + ", file big.bin: decompressed chart is larger than the maximum size");
    }

    @Test
    void shouldRejectDirectoryWhenItHasNoChartYaml() throws IOException {
        Path directory = writeDirectory(work.resolve("demo"), Map.of("values.yaml", "a: 1\n"));

        assertRejected(directory, "Chart demo has no Chart.yaml (expected demo/Chart.yaml)");
    }

    @Test
    void shouldRejectPathWhenItDoesNotExist() {
        Path missing = work.resolve("missing.tgz");

        assertRejected(missing, "Chart " + missing + " does not exist");
    }

    @Test
    void shouldNameFileWhenValuesYamlIsInvalid() throws IOException {
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "a: [1, 2\n")
                .writeTo(work.resolve("demo.tgz"));

        assertThatThrownBy(() -> reader.read(archive))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining(archive + ": demo/values.yaml line");
    }

    @Test
    void shouldKeepOriginalWhenFileOrSubchartIsReplaced() throws IOException {
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "tag: old\n")
                .file("demo/charts/sub/Chart.yaml", chartYaml("sub", "1.0.0"))
                .writeTo(work.resolve("demo.tgz"));
        Chart original = reader.read(archive);

        Chart changedValues = original.withFile("values.yaml", "tag: new\n".getBytes(StandardCharsets.UTF_8));
        Chart sub = original.subchart("sub").orElseThrow();
        Chart changedSub =
                original.withSubchart(sub.withFile("values.yaml", "x: 1\n".getBytes(StandardCharsets.UTF_8)));
        Chart added = original.withSubchart(reader.read(
                tgz().file("other/Chart.yaml", chartYaml("other", "2.0.0")).writeTo(work.resolve("other.tgz"))));

        assertThat(original.values()).containsEntry("tag", "old");
        assertThat(changedValues.values()).containsEntry("tag", "new");
        assertThat(changedValues).isNotEqualTo(original);
        assertThat(original.subchart("sub").orElseThrow().file("values.yaml")).isEmpty();
        assertThat(changedSub.subchart("sub").orElseThrow().values()).containsEntry("x", 1);
        assertThat(added.subcharts()).extracting(Chart::path).containsExactly("demo/charts/other", "demo/charts/sub");
        assertThat(original.withFile("values.yaml", "tag: old\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(original);
        assertThatThrownBy(() -> original.withFile("charts/sub/values.yaml", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lies inside subchart demo/charts/sub");
        assertThatThrownBy(() -> original.withFile("../escape", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        original.withFile("Chart.yaml", chartYaml("..", "1").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidChartException.class)
                .hasMessageContaining("has name '..'");
        assertThatThrownBy(() -> original.values().put("tag", "mutated"))
                .isInstanceOf(UnsupportedOperationException.class);
        original.files().get("values.yaml")[0] = 'X';
        assertThat(original.text("values.yaml")).contains("tag: old\n");
    }

    @Test
    void shouldReadSameChartWhenArchiveIsAlreadyInMemory() throws IOException {
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "tag: old\n")
                .file("demo/charts/sub/Chart.yaml", chartYaml("sub", "1.0.0"))
                .writeTo(work.resolve("demo.tgz"));

        assertThat(reader.readArchive(Files.readAllBytes(archive), archive.toString()))
                .isEqualTo(reader.read(archive));
        assertThatThrownBy(() -> reader.readArchive("not gzip".getBytes(StandardCharsets.UTF_8), "in-memory.tgz"))
                .isInstanceOf(InvalidChartException.class)
                .hasMessageContaining("in-memory.tgz");
        assertThatThrownBy(() -> new ChartReader(10).readArchive(Files.readAllBytes(archive), "small.tgz"))
                .isInstanceOf(InvalidChartException.class)
                .hasMessageContaining("small.tgz");
    }

    @Test
    void shouldParseOnlyTheFileThatChangedWhenFileIsReplaced() throws IOException {
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "tag: old\n")
                .writeTo(work.resolve("demo.tgz"));
        Chart original = reader.read(archive);

        Chart withTemplate =
                original.withFile("templates/cm.yaml", "kind: ConfigMap\n".getBytes(StandardCharsets.UTF_8));
        Chart withChartYaml = original.withFile(
                "Chart.yaml", DEMO_CHART_YAML.replace("1.2.3", "1.2.4").getBytes(StandardCharsets.UTF_8));

        assertThat(withTemplate.values()).isSameAs(original.values());
        assertThat(withTemplate.chartYaml()).isSameAs(original.chartYaml());
        assertThat(withTemplate.loadedValues()).isEqualTo(original.loadedValues());
        assertThat(withChartYaml.version()).isEqualTo("1.2.4");
        assertThat(withChartYaml.values()).isSameAs(original.values());
        assertThatThrownBy(() -> original.withFile("values.yaml", "a: [1, 2\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("demo/values.yaml line");
    }

    @Test
    void shouldKeepValuesAsLoadedWhenTheirTextIsTheStoredFile() throws IOException {
        Chart plain = reader.read(tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "tag: old\n")
                .writeTo(work.resolve("plain.tgz")));
        Chart withByteOrderMark = reader.read(tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "\uFEFFtag: old\n")
                .writeTo(work.resolve("bom.tgz")));
        Chart withoutValues =
                reader.read(tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).writeTo(work.resolve("none.tgz")));

        assertThat(plain.loadedValues().orElseThrow().text()).isEqualTo("tag: old\n");
        assertThat(plain.loadedValues().orElseThrow().values()).isEqualTo(plain.values());
        assertThat(withByteOrderMark.values()).containsEntry("tag", "old");
        assertThat(withByteOrderMark.loadedValues())
                .as("the parsed text lacks the stored mark")
                .isEmpty();
        assertThat(withoutValues.loadedValues()).isEmpty();
    }

    @Test
    void shouldTakeValuesAlreadyLoadedWhenValuesTextIsGivenWithThem() throws IOException {
        Chart original = reader.read(tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "tag: old\n")
                .writeTo(work.resolve("demo.tgz")));
        String text = "tag: new # grüße\n";

        Chart changed = original.withValuesText(text, SafeYaml.loadMap(text, "values.yaml"));
        // Text UTF-8 cannot carry unchanged, or text with a byte order mark, is parsed from the bytes stored.
        Chart loneSurrogate = original.withValuesText("tag: \"a\uD800\"\n", Map.of("tag", "a\uD800"));
        Chart byteOrderMark = original.withValuesText("\uFEFFtag: x\n", Map.of("\uFEFFtag", "x"));

        assertThat(changed.values()).isEqualTo(Map.of("tag", "new"));
        assertThat(changed.text("values.yaml")).contains(text);
        assertThatThrownBy(() -> changed.values().put("tag", "mutated"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(changed).isEqualTo(original.withFile("values.yaml", text.getBytes(StandardCharsets.UTF_8)));
        assertThat(loneSurrogate.values()).isEqualTo(Map.of("tag", "a?"));
        assertThat(byteOrderMark.values()).isEqualTo(Map.of("tag", "x"));
        assertThat(byteOrderMark.file("values.yaml").orElseThrow()).startsWith(0xEF, 0xBB, 0xBF);
    }

    private void assertRejected(Path chart, String... expectedParts) {
        assertRejectedBy(reader, chart, expectedParts);
    }

    private void assertRejectedBy(ChartReader chartReader, Path chart, String... expectedParts) {
        List<Path> before = listingOf(work);
        assertThatThrownBy(() -> chartReader.read(chart))
                .isInstanceOf(InvalidChartException.class)
                .hasMessageContaining(chart.toString())
                .satisfies(e -> assertThat(e.getMessage()).contains(expectedParts));
        assertThat(listingOf(work)).as("nothing written while reading").isEqualTo(before);
    }

    private static List<Path> listingOf(Path directory) {
        try {
            return listing(directory);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("marker not found");
    }
}
