package io.falcooffline.core.source;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.ValuesEditor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What an output chart was made from, written into its Chart.yaml as annotations: the source reference, the digest
 * of what was fetched, and the falco-offline version.
 */
public final class Provenance {

    /** The annotation holding the source reference. */
    public static final String SOURCE_ANNOTATION = "falco-offline.io/source";
    /** The annotation holding the source's digest. */
    public static final String DIGEST_ANNOTATION = "falco-offline.io/source-digest";
    /** The annotation holding the falco-offline version. */
    public static final String VERSION_ANNOTATION = "falco-offline.io/version";

    private static final String VERSION = loadVersion();

    private Provenance() {}

    /** The falco-offline version of this library. */
    public static String version() {
        return VERSION;
    }

    /**
     * The chart with the provenance annotations added to its Chart.yaml (other lines unchanged).
     *
     * @param source what the chart was read from
     */
    public static Chart annotate(Chart chart, ResolvedChart source) {
        Map<String, Object> desired = HelmValues.deepCopy(chart.chartYaml());
        Map<String, Object> annotations = new LinkedHashMap<>();
        if (desired.get("annotations") instanceof Map<?, ?> existing) {
            existing.forEach((key, value) -> annotations.put(String.valueOf(key), value));
        }
        annotations.put(SOURCE_ANNOTATION, source.reference());
        annotations.put(DIGEST_ANNOTATION, source.digest());
        annotations.put(VERSION_ANNOTATION, VERSION);
        desired.put("annotations", annotations);
        String original = chart.text("Chart.yaml").orElse("");
        String rewritten = ValuesEditor.rewrite(original, desired, chart.path() + "/Chart.yaml")
                .text();
        return chart.withFile("Chart.yaml", rewritten.getBytes(StandardCharsets.UTF_8));
    }

    private static String loadVersion() {
        try (InputStream in =
                Provenance.class.getResourceAsStream("/io/falcooffline/core/falco-offline-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
