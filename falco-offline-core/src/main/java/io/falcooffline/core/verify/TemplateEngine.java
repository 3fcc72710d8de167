package io.falcooffline.core.verify;

import java.nio.file.Path;

/** Renders a chart as {@code helm template} does, with the chart's own values. */
interface TemplateEngine {

    /**
     * The manifests Helm prints for the chart, {@code ---} separated, each with its {@code # Source:} line.
     *
     * @throws RuntimeException when Helm fails, with Helm's message
     */
    String template(Path chart, String release, String namespace);
}
