package io.falcooffline.core.source;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes Helm repository indexes as large as public ones (Bitnami's was over 20 MiB), as {@code helm repo index}
 * lays them out: charts sorted by name, versions newest first, each entry with the fields real charts have.
 */
final class LargeHelmIndexes {

    /** The chart the tests ask for; sorts between the generated {@code app-*} and {@code web-*} charts. */
    static final String WANTED = "lighthouse";

    private static final Pattern CHART_KEY = Pattern.compile("(?m)^  ([^ \\-#][^:\\n]*):\\n");

    private LargeHelmIndexes() {}

    /**
     * Writes an index of {@code charts} generated charts of {@code versions} versions each, and the wanted chart with
     * the same number of generated versions plus one real one.
     *
     * @param realVersion the wanted chart's version whose archive exists, newest of its minor
     * @param realDigest that archive's {@code sha256:<hex>}
     */
    static void write(Path file, int charts, int versions, String realVersion, String realDigest) {
        SplittableRandom random = new SplittableRandom(7);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("apiVersion: v1\nentries:\n");
            for (int i = 0; i < charts / 2; i++) {
                chart(out, String.format("app-%04d", i), versions, random, null, null);
            }
            chart(out, WANTED, versions, random, realVersion, realDigest);
            for (int i = charts / 2; i < charts; i++) {
                chart(out, String.format("web-%04d", i), versions, random, null, null);
            }
            out.write("generated: \"2024-06-01T10:11:12.123456789Z\"\nserverInfo: {}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chart(
            BufferedWriter out, String name, int versions, SplittableRandom random, String real, String realDigest)
            throws IOException {
        out.write("  " + name + ":\n");
        if (real != null) {
            // One version above the real one's minor, so a constraint has to choose.
            entry(out, name, "8.0.0", hex(random), "https://charts.example.com/" + name + "-8.0.0.tgz");
            entry(out, name, real, realDigest.substring("sha256:".length()), name + "-" + real + ".tgz");
        }
        for (int v = versions - 1; v >= 0; v--) {
            String version = "7." + v / 10 + "." + v % 10;
            if (version.equals(real)) {
                continue;
            }
            entry(out, name, version, hex(random), "https://charts.example.com/" + name + "-" + version + ".tgz");
        }
    }

    private static void entry(BufferedWriter out, String name, String version, String digest, String url)
            throws IOException {
        out.write("  - annotations:\n"
                + "      artifacthub.io/changes: |\n"
                + "        - kind: changed\n"
                + "          description: Update the image of " + name + " to " + version + "\n"
                + "      category: Infrastructure\n"
                + "      images: |\n"
                + "        - name: " + name + "\n"
                + "          image: docker.io/example/" + name + ":" + version + "-debian-12-r3\n"
                + "      licenses: Apache-2.0\n"
                + "    apiVersion: v2\n"
                + "    appVersion: " + version + "\n"
                + "    created: \"2024-05-" + (10 + version.length()) + "T03:04:05.123456789Z\"\n"
                + "    dependencies:\n"
                + "    - name: common\n"
                + "      repository: oci://registry-1.docker.io/examplecharts\n"
                + "      tags:\n"
                + "      - example-common\n"
                + "      version: 2.x.x\n"
                + "    description: " + name + " is one of many charts of a large repository; its entry repeats"
                + " the fields real charts have.\n"
                + "    digest: " + digest + "\n"
                + "    home: https://example.com/charts/" + name + "\n"
                + "    icon: https://example.com/icons/" + name + ".svg\n"
                + "    keywords:\n"
                + "    - " + name + "\n"
                + "    - infrastructure\n"
                + "    maintainers:\n"
                + "    - name: Example Maintainers\n"
                + "      url: https://github.com/example/charts\n"
                + "    name: " + name + "\n"
                + "    sources:\n"
                + "    - https://github.com/example/charts/tree/main/" + name + "\n"
                + "    urls:\n"
                + "    - " + url + "\n"
                + "    version: " + version + "\n");
    }

    private static String hex(SplittableRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The text of each chart under {@code entries} of an index this class wrote, by name, in order. */
    static Map<String, String> chartTexts(String index) {
        Map<String, String> charts = new LinkedHashMap<>();
        int entriesEnd = index.indexOf("\ngenerated: ");
        Matcher key = CHART_KEY.matcher(index);
        List<int[]> starts = new java.util.ArrayList<>();
        while (key.find() && key.start() < entriesEnd) {
            starts.add(new int[] {key.start(), key.end()});
        }
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : entriesEnd + 1;
            String name = index.substring(starts.get(i)[0] + 2, starts.get(i)[1] - 2);
            charts.put(name, index.substring(starts.get(i)[0], end));
        }
        return charts;
    }
}
