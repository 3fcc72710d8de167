package io.falcooffline.core.render;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a chart with the real Helm engine, as {@code helm template} does, and parses the result.
 *
 * <pre>{@code
 * RenderedManifests manifests = HelmRenderer.of(Path.of("falco-9.0.0.tgz"))
 *         .valuesFile(Path.of("custom_values.yaml"))
 *         .set("falcosidekick.enabled", true)
 *         .render();
 * }</pre>
 *
 * <p>Immutable: every setting returns a new renderer. Like {@code helm template}, it prints the release's manifests
 * but not its hooks (for example {@code helm test} pods). Each render first makes sure the {@link StubKubernetesApi}
 * is running, so that charts calling {@code lookup} render as on an empty cluster.
 */
public final class HelmRenderer {

    /** The release name used unless {@link #release(String)} says otherwise. */
    public static final String DEFAULT_RELEASE = "falco";

    /** The namespace used unless {@link #namespace(String)} says otherwise. */
    public static final String DEFAULT_NAMESPACE = "falco";

    private final Path chart;
    private final String release;
    private final String namespace;
    private final List<Path> valuesFiles;
    private final Map<String, Object> sets;

    private HelmRenderer(
            Path chart, String release, String namespace, List<Path> valuesFiles, Map<String, Object> sets) {
        this.chart = chart;
        this.release = release;
        this.namespace = namespace;
        this.valuesFiles = List.copyOf(valuesFiles);
        this.sets = Collections.unmodifiableMap(new LinkedHashMap<>(sets));
    }

    /** A renderer for a chart {@code .tgz} or chart directory, with release and namespace {@code falco}. */
    public static HelmRenderer of(Path chart) {
        Objects.requireNonNull(chart, "chart");
        return new HelmRenderer(
                chart.toAbsolutePath().normalize(), DEFAULT_RELEASE, DEFAULT_NAMESPACE, List.of(), Map.of());
    }

    /** Renders the chart with its own defaults, release and namespace {@code falco}. */
    public static RenderedManifests render(Path chart) {
        return of(chart).render();
    }

    public HelmRenderer release(String release) {
        return new HelmRenderer(chart, release, namespace, valuesFiles, sets);
    }

    public HelmRenderer namespace(String namespace) {
        return new HelmRenderer(chart, release, namespace, valuesFiles, sets);
    }

    /** Adds a values file, applied after the ones before it, as {@code -f} does. */
    public HelmRenderer valuesFile(Path valuesFile) {
        List<Path> files = new ArrayList<>(valuesFiles);
        files.add(valuesFile.toAbsolutePath().normalize());
        return new HelmRenderer(chart, release, namespace, files, sets);
    }

    /**
     * Sets one value with {@code --set} syntax and typing ({@code a.b[0]=x}; {@code true} is a boolean). Helm applies
     * the values set here in no fixed order, so their keys must not overlap ({@code a} and {@code a.b}).
     */
    public HelmRenderer set(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(sets);
        copy.put(key, value);
        return new HelmRenderer(chart, release, namespace, valuesFiles, copy);
    }

    /** Sets each value with {@code --set} syntax, as {@link #set(String, Object)} does. */
    public HelmRenderer set(Map<String, ?> values) {
        Map<String, Object> copy = new LinkedHashMap<>(sets);
        copy.putAll(values);
        return new HelmRenderer(chart, release, namespace, valuesFiles, copy);
    }

    /**
     * Runs Helm's template engine.
     *
     * @throws IllegalStateException when Helm fails, with Helm's message and what was rendered
     */
    public RenderedManifests render() {
        if (!Files.exists(chart)) {
            throw new IllegalArgumentException("No chart at " + chart);
        }
        for (Path file : valuesFiles) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("No values file at " + file);
            }
        }
        StubKubernetesApi.ensureRunning();
        TemplateCommand command =
                Helm.template(chart.toString()).withName(release).withNamespace(namespace);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        long start = System.nanoTime();
        String output;
        try {
            output = command.call();
        } catch (RuntimeException e) {
            throw new IllegalStateException("helm template failed for " + this + ": " + e.getMessage(), e);
        }
        return RenderedManifests.parse(output, Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public String toString() {
        return chart + " release " + release + " namespace " + namespace + " values files " + valuesFiles + " set "
                + sets;
    }
}
