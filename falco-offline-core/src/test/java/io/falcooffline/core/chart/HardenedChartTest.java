package io.falcooffline.core.chart;

import static io.falcooffline.core.chart.ChartArchiveFixtures.DEMO_CHART_YAML;
import static io.falcooffline.core.chart.ChartArchiveFixtures.tgz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidChartException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chart metadata as Helm validates it, the writer's time on long names, and globs without backtracking. */
class HardenedChartTest {

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(
            strings = {"1.2.3", "1.2.3-rc.1+build.5", "v1.2", "15", "0.1", "1.0.0-alpha-1", "2.0.0+20130313144700"})
    void shouldAcceptVersionsHelmAccepts(String version) {
        assertThat(ChartMetadata.isSemanticVersion(version)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "latest",
                "9.0.0/../../../escaped",
                "1.0.0\n",
                "1.0.0 ",
                "1.2.3.4",
                "1.0.0-01",
                "1.0.0-",
                "99999999999999999999.0.0",
                "..",
                ""
            })
    void shouldRefuseVersionsHelmRefuses(String version) {
        assertThat(ChartMetadata.isSemanticVersion(version)).isFalse();
    }

    @Test
    void shouldRefuseAVersionThatWouldLeaveTheOutputDirectory() throws IOException {
        Path archive = tgz().file("demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 9.0.0/../../../x\n")
                .writeTo(work.resolve("demo.tgz"));

        assertThatThrownBy(() -> new ChartReader().read(archive))
                .isInstanceOf(InvalidChartException.class)
                .hasMessageContaining("has version '9.0.0/../../../x' in its Chart.yaml, which is not a SemVer 2");
    }

    @Test
    void shouldTakeMissingApiVersionAsV1AndRefuseAnUnknownOne() throws IOException {
        Path missing =
                tgz().file("demo/Chart.yaml", "name: demo\nversion: 1.0.0\n").writeTo(work.resolve("v1.tgz"));
        Path unknown = tgz().file("demo/Chart.yaml", "apiVersion: v9\nname: demo\nversion: 1.0.0\n")
                .writeTo(work.resolve("v9.tgz"));

        assertThat(new ChartReader().read(missing).name()).isEqualTo("demo");
        assertThatThrownBy(() -> new ChartReader().read(unknown)).hasMessageContaining("has apiVersion 'v9'");
    }

    @Test
    void shouldWriteAQuarterMebibyteNameInLinearTime() throws IOException {
        Chart small = new ChartReader()
                .read(tgz().file("demo/Chart.yaml", DEMO_CHART_YAML).writeTo(work.resolve("demo.tgz")));
        String longName = "templates/" + "n".repeat(256 * 1024);
        Chart chart = small.withFile(longName, "x: 1\n".getBytes(StandardCharsets.UTF_8));

        long start = System.nanoTime();
        byte[] archive = new ChartWriter().toBytes(chart, Instant.EPOCH);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).as("writing took " + millis + " ms").isLessThan(2_000);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertThat(names).containsExactly("demo/Chart.yaml", "demo/" + longName);
    }

    @Test
    void shouldWriteTheSameHeaderBytesAsCommonsCompressForLongNames() throws IOException {
        ZipEncoding utf8 = ZipEncodingHelper.getZipEncoding("UTF-8");
        for (String name : List.of(
                "a".repeat(150),
                "é".repeat(60),
                "𝄞".repeat(40) + "x",
                "d/" + "ü".repeat(49) + "z".repeat(30),
                "short")) {
            byte[] plain = new byte[512];
            byte[] linear = new byte[512];
            TarArchiveEntry reference = new TarArchiveEntry(name);
            reference.setModTime(0);
            reference.writeEntryHeader(plain, utf8, false);
            TarArchiveEntry entry = new ChartWriter.LinearHeaderEntry(name);
            entry.setModTime(0);
            entry.writeEntryHeader(linear, utf8, false);

            assertThat(linear).as(name).isEqualTo(plain);
        }
    }

    @Test
    void shouldMatchGlobsTheWayTheRegexTranslationDidOnRandomInput() throws Exception {
        Random random = new Random(42);
        String alphabet = "ab/.*?[]^-\\";
        String subjects = "ab/.";
        int compared = 0;
        for (int i = 0; i < 20_000; i++) {
            String pattern = randomText(random, alphabet, 1 + random.nextInt(8));
            Pattern regex;
            try {
                regex = legacyRegex(pattern);
            } catch (java.util.regex.PatternSyntaxException reversedRange) {
                continue;
            }
            Glob glob;
            try {
                glob = Glob.compile(pattern);
            } catch (Glob.BadPatternException e) {
                assertThat(regex).as(pattern).isNull();
                continue;
            }
            assertThat(regex).as(pattern).isNotNull();
            for (int j = 0; j < 5; j++) {
                String subject = randomText(random, subjects, random.nextInt(7));
                assertThat(glob.matches(subject))
                        .as("'" + pattern + "' on '" + subject + "'")
                        .isEqualTo(regex.matcher(subject).matches());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(10_000);
    }

    @Test
    void shouldMatchABacktrackingPatternInLinearTime() throws Exception {
        Glob glob = Glob.compile("*a".repeat(30) + "*b");
        String name = "a".repeat(4096);

        long start = System.nanoTime();
        boolean matched = glob.matches(name);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(matched).isFalse();
        assertThat(millis).as("matching took " + millis + " ms").isLessThan(500);
        assertThat(Glob.compile("*a".repeat(30) + "*b").matches("a".repeat(40) + "b"))
                .isTrue();
    }

    private static String randomText(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** The translation to java.util.regex the matcher replaced, as the reference for its results. */
    private static Pattern legacyRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else if (c == '?') {
                regex.append("[^/]");
                i++;
            } else if (c == '\\') {
                if (i + 1 >= glob.length()) {
                    return null;
                }
                regex.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
                i += 2;
            } else if (c == '[') {
                i++;
                StringBuilder set = new StringBuilder("[");
                if (i < glob.length() && glob.charAt(i) == '^') {
                    set.append('^');
                    i++;
                }
                int ranges = 0;
                while (true) {
                    if (i >= glob.length()) {
                        return null;
                    }
                    if (glob.charAt(i) == ']' && ranges > 0) {
                        i++;
                        break;
                    }
                    char low = glob.charAt(i);
                    if (low == '-' || low == ']') {
                        return null;
                    }
                    if (low == '\\') {
                        if (i + 1 >= glob.length()) {
                            return null;
                        }
                        low = glob.charAt(++i);
                    }
                    i++;
                    set.append(String.format("\\x{%x}", (int) low));
                    if (i < glob.length() && glob.charAt(i) == '-') {
                        i++;
                        if (i >= glob.length() || glob.charAt(i) == '-' || glob.charAt(i) == ']') {
                            return null;
                        }
                        char high = glob.charAt(i);
                        if (high == '\\') {
                            if (i + 1 >= glob.length()) {
                                return null;
                            }
                            high = glob.charAt(++i);
                        }
                        i++;
                        set.append('-').append(String.format("\\x{%x}", (int) high));
                    }
                    ranges++;
                }
                regex.append(set).append(']');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return Pattern.compile(regex.toString());
    }
}
