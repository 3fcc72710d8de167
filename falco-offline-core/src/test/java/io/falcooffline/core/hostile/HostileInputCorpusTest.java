package io.falcooffline.core.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile charts and values, generated at test time where large, each packaged in one JVM with a 512 MiB heap: each
 * must be refused with a message naming the cause, or processed, in under 5 s, and leave nothing in its output
 * directory and nothing anywhere else.
 */
class HostileInputCorpusTest {

    private static final long TIME_BOUND_MILLIS = 5_000;
    private static final String HEAP = "-Xmx512m";
    private static final long MIB = 1024 * 1024;

    /** What a case must end with: {@code null} for success, else a fragment of the refusal. */
    private record Case(String name, String expected, Generator generator) {}

    @FunctionalInterface
    private interface Generator {
        void write(Path caseDirectory) throws IOException;
    }

    @TempDir
    static Path work;

    private static final Map<String, Case> CASES = new LinkedHashMap<>();
    private static final Map<String, String[]> RESULTS = new HashMap<>();
    private static List<Path> outsideBefore;
    private static List<Path> outsideAfter;

    private static void add(String name, String expected, Generator generator) {
        CASES.put(name, new Case(name, expected, generator));
    }

    static {
        add(
                "version-leaves-output-directory",
                "is not a SemVer 2 version",
                dir -> chart(dir, "demo", "9.0.0/../../../escaped"));
        add(
                "version-latest",
                "version 'latest' in its Chart.yaml, which is not a SemVer 2 version",
                dir -> chart(dir, "demo", "latest"));
        add(
                "version-with-line-break",
                "version '1.0.0\\u000a[INFO] BUILD SUCCESS'",
                dir -> chart(dir, "demo", "\"1.0.0\\n[INFO] BUILD SUCCESS\""));
        add("name-with-line-break", "is not a valid chart name", dir -> chart(dir, "\"de\\nmo\"", "1.0.0"));
        add("api-version-v3", "has apiVersion 'v3'", dir -> {
            try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
                tgz.file("demo/Chart.yaml", "apiVersion: v3\nname: demo\nversion: 1.0.0\n");
            }
        });
        add("gnu-long-name-64-mib", "a GNU long name header holds at least", dir -> {
            try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
                tgz.file("demo/Chart.yaml", chartYaml("demo", "1.0.0"))
                        .special("././@LongLink", 'L', 64 * MIB, (byte) 'a')
                        .file("demo/x", "x");
            }
        });
        add("gnu-long-name-declared-3-gib", "a GNU long name header holds at least 3221225472 bytes", dir -> {
            try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
                tgz.file("demo/Chart.yaml", chartYaml("demo", "1.0.0")).truncated("././@LongLink", 'L', 3L << 30, 4096);
            }
        });
        add("pax-path-32-mib", "a PAX header holds at least", dir -> {
            try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
                tgz.file("demo/Chart.yaml", chartYaml("demo", "1.0.0"))
                        .paxRecord("path", 32 * MIB)
                        .file("demo/x", "x");
            }
        });
        add("pax-name-256-kib", "more than the 4096 a path may have", dir -> {
            try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
                tgz.file("demo/Chart.yaml", chartYaml("demo", "1.0.0"))
                        .paxRecord("path", 256 * 1024)
                        .file("demo/x", "x");
            }
        });
        add("twenty-thousand-empty-files", "more than 10000 entries", dir -> {
            try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
                tgz.file("demo/Chart.yaml", chartYaml("demo", "1.0.0"));
                for (int i = 0; i < 20_000; i++) {
                    tgz.file("demo/files/f" + i, "");
                }
            }
        });
        add("decompression-bomb-160-mib", "decompressed chart is larger than the maximum size", dir -> {
            try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
                tgz.file("demo/Chart.yaml", chartYaml("demo", "1.0.0")).special("demo/bomb", '0', 160 * MIB, (byte) 0);
            }
        });
        add("corrupt-deflate-data", "is truncated or corrupt", HostileInputCorpusTest::corruptArchive);
        add("helmignore-backtracking-pattern", null, dir -> {
            Path chart = Files.createDirectories(dir.resolve("input"));
            Files.writeString(chart.resolve("Chart.yaml"), chartYaml("demo", "1.0.0"));
            Files.writeString(chart.resolve(".helmignore"), "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n");
            Files.writeString(chart.resolve("a".repeat(250)), "kept\n");
        });
        add("values-file-in-utf-16", "is not UTF-8 text", dir -> {
            chart(dir, "demo", "1.0.0");
            Files.write(dir.resolve("values.yaml"), "image:\n  tag: x\n".getBytes(StandardCharsets.UTF_16));
        });
    }

    private static String chartYaml(String name, String version) {
        return "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n";
    }

    private static void chart(Path dir, String name, String version) throws IOException {
        try (RawTgz tgz = RawTgz.create(dir.resolve("input"))) {
            tgz.file("demo/Chart.yaml", chartYaml(name, version)).file("demo/values.yaml", "a: 1\n");
        }
    }

    /**
     * A stored (uncompressed) gzip whose tar names two bytes swapped after compression: the tar header checksum
     * still holds, so only the gzip checksum tells that the data is damaged.
     */
    private static void corruptArchive(Path dir) throws IOException {
        byte[] tar = RawTgz.tarOf("demo/Chart.yaml", chartYaml("demo", "1.0.0"), "demo/values.yaml", "a: 1\n");
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed) {
            {
                def.setLevel(0);
            }
        }) {
            gzip.write(tar);
        }
        byte[] bytes = compressed.toByteArray();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("demo/values.yaml");
        bytes[at] = 'e';
        bytes[at + 1] = 'd';
        Files.write(dir.resolve("input"), bytes);
    }

    @BeforeAll
    static void packageEveryCaseInASmallHeap() throws Exception {
        Path corpus = Files.createDirectories(work.resolve("corpus"));
        for (Case hostile : CASES.values()) {
            hostile.generator().write(Files.createDirectories(corpus.resolve(hostile.name())));
        }
        outsideBefore = listingOutsideOutputs(work);
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        HEAP,
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HostileRunMain.class.getName(),
                        corpus.toString())
                .redirectErrorStream(true);
        Process process = builder.start();
        process.getOutputStream().close();
        String printed;
        try (InputStream out = process.getInputStream()) {
            printed = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        for (String line : printed.split("\n")) {
            System.out.println(line);
            if (line.startsWith("RESULT ")) {
                String[] fields = line.split(" ", 5);
                RESULTS.put(
                        fields[1], new String[] {fields[2], fields[3], fields.length > 4 ? unescape(fields[4]) : ""});
                System.out.println(line);
            }
        }
        outsideAfter = listingOutsideOutputs(work);
    }

    /** Undoes the child's escaping of '\\', line feed and carriage return. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static Stream<String> cases() {
        return CASES.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void shouldRefuseOrProcessInTimeAndLeaveNothingBehind(String name) throws IOException {
        Case hostile = CASES.get(name);
        String[] result = RESULTS.get(name);
        assertThat(result).as("the child reported " + name).isNotNull();
        long millis = Long.parseLong(result[0]);
        String outcome = result[1];
        String message = result[2];

        assertThat(millis).as(name + " took " + millis + " ms").isLessThan(TIME_BOUND_MILLIS);
        Path out = work.resolve("corpus").resolve(name).resolve("out");
        if (hostile.expected() == null) {
            assertThat(outcome).as(message).isEqualTo("OK");
            assertThat(out.resolve("demo-1.0.0.tgz")).isRegularFile();
        } else {
            assertThat(outcome)
                    .as(message)
                    .isIn("InvalidChartException", "InvalidRequestException", "InvalidYamlException");
            assertThat(message).contains(hostile.expected()).doesNotContain("\n");
            assertThat(listing(out)).as("left in " + out).isEmpty();
        }
        assertThat(outsideAfter).as("written outside the output directories").isEqualTo(outsideBefore);
    }

    private static List<Path> listingOutsideOutputs(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root.getParent(), 4)) {
            return paths.filter(path -> path.startsWith(root)
                            ? !isInsideAnOutput(root, path)
                            : path.getFileName() != null
                                    && path.getFileName().toString().contains("escaped"))
                    .sorted()
                    .toList();
        }
    }

    private static boolean isInsideAnOutput(Path root, Path path) {
        Path relative = root.relativize(path);
        return relative.getNameCount() >= 3 && relative.getName(2).toString().equals("out");
    }

    private static List<Path> listing(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.filter(Files::isRegularFile).forEach(files::add);
        }
        return files;
    }
}
