package io.falcooffline.core.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the tests of stopping a run share: a chart whose render never ends, and a child that waits to be stopped. */
final class StoppedRuns {

    private StoppedRuns() {}

    /** Writes the chart {@code spin} into {@code directory}: 10^10 iterations, hours of rendering that print nothing. */
    static Path spinningChart(Path directory) throws IOException {
        Path chart = Files.createDirectories(directory);
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: spin\nversion: 0.1.0\n");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(
                chart.resolve("templates/spin.yaml"),
                "{{- range until 100000 }}{{- range until 100000 }}{{- end }}{{- end }}\n");
        return chart;
    }

    /** Blocks the calling thread until it is interrupted, so that only a signal ends the child process. */
    static void waitForever() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
