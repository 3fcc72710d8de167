package io.falcooffline.core.chart;

import static io.falcooffline.core.chart.ChartArchiveFixtures.DEMO_CHART_YAML;
import static io.falcooffline.core.chart.ChartArchiveFixtures.chartYaml;
import static io.falcooffline.core.chart.ChartArchiveFixtures.listing;
import static io.falcooffline.core.chart.ChartArchiveFixtures.tgz;
import static io.falcooffline.core.chart.ChartArchiveFixtures.writeDirectory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.falcooffline.core.FalcoOfflineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartWriterTest {

    private static final Instant MTIME = Instant.parse("2026-11-22T00:00:00Z");

    /** Longer than the 100 bytes a ustar name field holds, so it needs a PAX header. */
    private static final String LONG_TEMPLATE =
            "templates/" + "deeply-nested-directory-for-long-names/".repeat(3) + "configmap-with-a-long-name.yaml";

    @TempDir
    Path work;

    private final ChartReader reader = new ChartReader();
    private final ChartWriter writer = new ChartWriter();

    @Test
    void shouldReadBackEqualChartWhenWrittenAndReadAgain() throws IOException {
        Chart original = reader.read(demoArchive());

        Path written = work.resolve("out/demo-1.2.3.tgz");
        writer.write(original, written, MTIME);
        Chart reread = reader.read(written);

        assertThat(reread).isEqualTo(original);
        assertThat(reread.subcharts())
                .extracting(Chart::path)
                .containsExactly("demo/charts/mariner", "demo/charts/sub");
        assertThat(reread.newestEntryTime()).contains(MTIME);
        assertThat(reread.files().keySet()).contains(LONG_TEMPLATE, "files/grüße.txt", "charts/_ignore_me");
    }

    @Test
    void shouldWriteIdenticalBytesWhenWrittenTwice() throws IOException {
        Chart chart = reader.read(demoArchive());

        byte[] first = writer.toBytes(chart, MTIME);
        byte[] second = writer.toBytes(chart, MTIME.plusNanos(999_999_999));
        Path written = work.resolve("demo.tgz");
        writer.write(chart, written, MTIME);

        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(written)).isEqualTo(first);
        assertThat(writer.toBytes(chart, MTIME.plusSeconds(1))).isNotEqualTo(first);
    }

    @Test
    void shouldWriteIdenticalBytesWhenSameChartComesFromDirectoryWithOtherTimes() throws IOException {
        // ASCII names only: a directory name must be representable in the platform's file-name encoding.
        Path archive = tgz().file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/values.yaml", "image:\n  tag: 0.44.0\n")
                .file("demo/" + LONG_TEMPLATE, "kind: ConfigMap\n")
                .file("demo/charts/sub/Chart.yaml", chartYaml("sub", "0.1.0"))
                .writeTo(work.resolve("ascii.tgz"));
        Path directory = writeDirectory(
                work.resolve("unpacked/demo"),
                Map.of(
                        "Chart.yaml",
                        DEMO_CHART_YAML,
                        "values.yaml",
                        "image:\n  tag: 0.44.0\n",
                        LONG_TEMPLATE,
                        "kind: ConfigMap\n",
                        "charts/sub/Chart.yaml",
                        chartYaml("sub", "0.1.0")));
        for (Path file : listing(directory)) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2001-09-09T01:46:40Z")));
        }

        assertThat(writer.toBytes(reader.read(directory), MTIME))
                .isEqualTo(writer.toBytes(reader.read(archive), MTIME));
    }

    @Test
    void shouldWriteSortedHelmStyleEntriesWhenPacking() throws IOException {
        byte[] archive = writer.toBytes(reader.read(demoArchive()), MTIME);

        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(archive)), "UTF-8")) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                names.add(entry.getName());
                assertThat(entry.isFile()).as(entry.getName()).isTrue();
                assertThat(entry.getMode()).as(entry.getName()).isEqualTo(0644);
                assertThat(entry.getLongUserId()).isZero();
                assertThat(entry.getLongGroupId()).isZero();
                assertThat(entry.getUserName()).isEmpty();
                assertThat(entry.getGroupName()).isEmpty();
                assertThat(entry.getLastModifiedTime().toInstant()).isEqualTo(MTIME);
            }
        }
        assertThat(names)
                .isSorted()
                .allMatch(name -> name.startsWith("demo/"))
                .containsExactly(
                        "demo/Chart.yaml",
                        "demo/charts/_ignore_me",
                        "demo/charts/mariner/Chart.yaml",
                        "demo/charts/sub/Chart.yaml",
                        "demo/files/grüße.txt",
                        "demo/" + LONG_TEMPLATE,
                        "demo/values.yaml");
    }

    @Test
    void shouldWriteOnlyFixedHeaderFieldsWhenInspectingRawTar() throws IOException {
        byte[] archive = writer.toBytes(reader.read(demoArchive()), MTIME);

        assertThat(archive[0] & 0xff).isEqualTo(0x1f);
        assertThat(archive[1] & 0xff).isEqualTo(0x8b);
        assertThat(archive[3])
                .as("gzip flags: no file name, comment or extra field")
                .isZero();
        assertThat(new byte[] {archive[4], archive[5], archive[6], archive[7]})
                .as("gzip mtime")
                .containsOnly(0);
        assertThat(archive[9] & 0xff).as("gzip OS").isEqualTo(255);

        byte[] tar = gunzip(archive);
        List<Character> types = new ArrayList<>();
        int offset = 0;
        while (offset + 512 <= tar.length && tar[offset] != 0) {
            char type = (char) tar[offset + 156];
            types.add(type);
            assertThat(field(tar, offset + 108, 8)).as("uid").isEqualTo("0000000");
            assertThat(field(tar, offset + 116, 8)).as("gid").isEqualTo("0000000");
            assertThat(Long.parseLong(field(tar, offset + 136, 12), 8)).isEqualTo(MTIME.getEpochSecond());
            assertThat(field(tar, offset + 257, 6)).as("magic").isEqualTo("ustar");
            assertThat(field(tar, offset + 265, 32)).as("user name").isEmpty();
            assertThat(field(tar, offset + 297, 32)).as("group name").isEmpty();
            if (type == '0') {
                assertThat(field(tar, offset + 100, 8)).as("mode").isEqualTo("0000644");
            }
            long size = Long.parseLong(field(tar, offset + 124, 12), 8);
            offset += 512 + (int) ((size + 511) / 512 * 512);
        }
        assertThat(types).containsOnly('0', 'x').doesNotContain('g', '5');
        assertThat(types.stream().filter(type -> type == 'x'))
                .as("PAX headers for long and non-ASCII names")
                .hasSize(2);
    }

    @Test
    void shouldKeepPathWhenLongerThanHundredCharacters() throws IOException {
        String longPath = "files/" + "a-directory-with-a-long-name/".repeat(6) + "data.txt";
        Chart chart = reader.read(demoArchive()).withFile(longPath, "long\n".getBytes(StandardCharsets.UTF_8));

        Path written = work.resolve("long.tgz");
        writer.write(chart, written, MTIME);

        assertThat(("demo/" + longPath).length()).isGreaterThan(150);
        assertThat(reader.read(written).text(longPath)).contains("long\n");
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(written)), "UTF-8")) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                names.add(entry.getName());
            }
        }
        assertThat(names).contains("demo/" + longPath);
    }

    @Test
    void shouldBeAcceptedByHelmWhenLintedAndTemplated() throws IOException {
        Path directory = writeDirectory(
                work.resolve("src/hello"),
                new TreeMap<>(Map.of(
                        "Chart.yaml",
                        "apiVersion: v2\nname: hello\nversion: 0.1.0\nappVersion: \"1.0\"\n"
                                + "icon: https://example.org/icon.png\n"
                                + "dependencies:\n  - name: sub\n    version: 0.2.0\n",
                        "values.yaml",
                        "greeting: hi\nsub:\n  color: blue\n",
                        "templates/configmap.yaml",
                        configMap("{{ .Release.Name }}-hello", "{{ .Values.greeting | quote }}"),
                        LONG_TEMPLATE,
                        configMap("{{ .Release.Name }}-long", "\"from a long path\""),
                        "charts/sub/Chart.yaml",
                        "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
                        "charts/sub/values.yaml",
                        "color: red\n",
                        "charts/sub/templates/configmap.yaml",
                        configMap("{{ .Release.Name }}-sub", "{{ .Values.color | quote }}"))));
        Path archive = work.resolve("out/hello-0.1.0.tgz");
        writer.write(reader.read(directory), archive, MTIME);

        LintResult lint = new Helm(archive).lint().call();
        String rendered = Helm.template(archive.toString()).withName("x").call();

        assertThat(lint.isFailed()).as("lint messages: %s", lint.getMessages()).isFalse();
        assertThat(rendered)
                .contains("name: x-hello", "value: \"hi\"")
                .contains("name: x-long", "value: \"from a long path\"")
                .contains("name: x-sub", "value: \"blue\"");
    }

    @Test
    void shouldWriteSameBytesWhenChildJvmsRunUnderDifferentUmaskTimeZoneAndLocale() throws Exception {
        Path input = demoArchive();
        Path first = work.resolve("first/demo.tgz");
        Path second = work.resolve("second/demo.tgz");
        long seconds = MTIME.getEpochSecond();

        String firstEnvironment = ChartArchiveFixtures.repackInChildJvm(
                "umask 077; TZ=Pacific/Kiritimati LC_ALL=C exec \"$JAVA\" -Duser.name=nobody", input, first, seconds);
        String secondEnvironment = ChartArchiveFixtures.repackInChildJvm(
                "umask 022; TZ=UTC LC_ALL=C.UTF-8 exec \"$JAVA\" -Duser.name=builder", input, second, seconds);

        assertThat(firstEnvironment).contains("timezone=Pacific/Kiritimati", "charset=US-ASCII", "user=nobody");
        assertThat(secondEnvironment).contains("timezone=UTC", "charset=UTF-8", "user=builder");
        assertThat(Files.getPosixFilePermissions(first)).doesNotContain(PosixFilePermission.GROUP_READ);
        assertThat(Files.getPosixFilePermissions(second)).contains(PosixFilePermission.GROUP_READ);
        assertThat(sha256(first)).isEqualTo(sha256(second));
        assertThat(Files.readAllBytes(first)).isEqualTo(writer.toBytes(reader.read(input), MTIME));
        assertThat(listing(work.resolve("first"))).containsExactly(work.resolve("first"), first);
    }

    @Test
    void shouldCreateParentsAndReplaceFileWhenWriting() throws IOException {
        Chart chart = reader.read(demoArchive());
        Path target = work.resolve("a/b/c/demo.tgz");

        writer.write(chart, target, MTIME);
        writer.write(chart.withFile("values.yaml", "changed: true\n".getBytes(StandardCharsets.UTF_8)), target, MTIME);

        assertThat(reader.read(target).values()).containsEntry("changed", true);
        assertThat(listing(work.resolve("a/b/c"))).containsExactly(work.resolve("a/b/c"), target);
    }

    @Test
    void shouldLeaveNoFileWhenTargetIsDirectory() throws IOException {
        Chart chart = reader.read(demoArchive());
        Path target = Files.createDirectories(work.resolve("out/demo.tgz"));
        Files.writeString(target.resolve("keep.txt"), "keep\n");
        List<Path> before = listing(work.resolve("out"));

        assertThatThrownBy(() -> writer.write(chart, target, MTIME))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("Cannot write chart archive " + target)
                .hasMessageContaining("is not a directory");

        assertThat(listing(work.resolve("out"))).as("no temporary file left").isEqualTo(before);
    }

    @Test
    void shouldWriteNothingWhenParentIsFile() throws IOException {
        Chart chart = reader.read(demoArchive());
        Path blocker = Files.writeString(work.resolve("blocker"), "a file, not a directory\n");

        assertThatThrownBy(() -> writer.write(chart, blocker.resolve("demo.tgz"), MTIME))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("Cannot write chart archive " + blocker.resolve("demo.tgz"));

        assertThat(Files.readString(blocker)).isEqualTo("a file, not a directory\n");
        assertThat(listing(work))
                .noneMatch(path -> path.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void shouldWriteNothingWhenTimestampIsOutsideTarRange() throws IOException {
        Chart chart = reader.read(demoArchive());
        Path target = work.resolve("never/demo.tgz");

        assertThatThrownBy(() -> writer.write(chart, target, Instant.parse("1969-12-31T23:59:59Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside what a tar header holds");
        assertThatThrownBy(() -> writer.toBytes(chart, Instant.ofEpochSecond(ChartWriter.MAX_MTIME_SECONDS + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(work.resolve("never")).doesNotExist();
        assertThat(writer.toBytes(chart, Instant.ofEpochSecond(ChartWriter.MAX_MTIME_SECONDS)))
                .isNotEmpty();
    }

    /** A chart with a subchart directory, a nested archive, a long and a non-ASCII path. */
    private Path demoArchive() throws IOException {
        Path archive = work.resolve("input/demo-1.2.3.tgz");
        if (Files.exists(archive)) {
            return archive;
        }
        Files.createDirectories(archive.getParent());
        byte[] mariner = tgz().file(
                        "mariner/Chart.yaml", chartYaml("mariner", "4.3.2"), Instant.parse("2020-02-02T00:00:00Z"))
                .bytes();
        return tgz().file("demo/values.yaml", "image:\n  tag: 0.44.0\n")
                .file("demo/Chart.yaml", DEMO_CHART_YAML)
                .file("demo/" + LONG_TEMPLATE, "kind: ConfigMap\n")
                .file("demo/files/grüße.txt", "hallo\n")
                .file("demo/charts/_ignore_me", "x\n")
                .file("demo/charts/sub/Chart.yaml", chartYaml("sub", "0.1.0"))
                .file("demo/charts/mariner-4.3.2.tgz", mariner)
                .writeTo(archive);
    }

    private static String configMap(String name, String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  value: " + value + "\n";
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(gzipped))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII).trim();
    }
}
