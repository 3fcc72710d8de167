package io.falcooffline.core.render;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the charts the tests render live. */
public final class TestCharts {

    /** The system property naming the upstream fixtures directory; the build sets it. */
    public static final String FIXTURES_PROPERTY = "falco-offline.fixtures";

    /** Values that turn on every subchart of a Falco chart, falcosidekick's web UI (and its redis) included. */
    public static final String FALCO_EVERY_SUBCHART_ON = """
            falcosidekick:
              enabled: true
              webui:
                enabled: true
            collectors:
              kubernetes:
                enabled: true
            responseActions:
              enabled: true
            """;

    private TestCharts() {}

    /**
     * The project's own small chart {@code lighthouse} 1.2.3 (appVersion 2.4.1) with its subchart {@code beacon}
     * 0.3.0 (appVersion 0.9.0), as a directory. Its images: {@code docker.io/example/lighthouse:2.4.1} (registry,
     * repository and empty tag apart), {@code quay.io/example/log-shipper:1.0.0} (one string),
     * {@code ghcr.io/example/migrate@sha256:4f5d…} (digest), {@code docker.io/library/busybox:1.36.1} (a literal in a
     * template) and {@code docker.io/example/beacon:0.9.0} (subchart).
     */
    public static Path lighthouse() {
        return resource("charts/lighthouse");
    }

    /** The upstream Falco chart 9.0.0 from the fixtures directory. */
    public static Path upstreamFalco() {
        return fixture("charts/falco-9.0.0.tgz");
    }

    /** The user's values for the k8s-audit webhook deployment from the fixtures directory. */
    public static Path upstreamCustomValues() {
        return fixture("values/custom_values.yaml");
    }

    /**
     * A file of the upstream fixtures.
     *
     * @throws IllegalStateException when the fixtures directory is not configured or lacks the file
     */
    public static Path fixture(String relativePath) {
        String fixtures = System.getProperty(FIXTURES_PROPERTY);
        if (fixtures == null || fixtures.isBlank()) {
            throw new IllegalStateException("System property " + FIXTURES_PROPERTY
                    + " is not set: run upstream tests through Maven, which sets it to ../shared/fixtures.");
        }
        Path path = Path.of(fixtures).resolve(relativePath).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("Upstream fixture " + path + " is missing.");
        }
        return path;
    }

    private static Path resource(String name) {
        URL url = TestCharts.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("Test resource " + name + " is not on the test classpath.");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Test resource " + name + " has no file path: " + url, e);
        }
    }
}
