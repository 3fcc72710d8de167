package io.falcooffline.core.verify;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.VerifyMode;
import java.nio.file.Path;

/**
 * Packages a chart with render verification in a JVM of its own and then waits, so a test can send it a signal once
 * Helm's native library is loaded: {@code main(chart, outputDirectory)} prints {@code RENDERED} when verification has
 * run and then blocks forever in the progress listener.
 */
public final class RenderThenWaitProcess {

    /** What the child prints once the render has run. */
    static final String RENDERED = "RENDERED";

    private RenderThenWaitProcess() {}

    public static void main(String[] args) {
        ProgressListener listener = (level, message) -> {
            if (message.startsWith("Render verification")) {
                System.out.println(RENDERED + " " + message);
                System.out.flush();
                StoppedRuns.waitForever();
            }
        };
        FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(Path.of(args[0]))
                        .registry("registry.internal:5000")
                        .repositoryPrefix("mirror")
                        .outputDirectory(Path.of(args[1]))
                        .verify(VerifyMode.REQUIRED)
                        .build(),
                listener);
    }
}
