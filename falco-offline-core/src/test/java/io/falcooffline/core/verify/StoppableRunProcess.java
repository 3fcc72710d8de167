package io.falcooffline.core.verify;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.VerifyMode;
import java.nio.file.Path;

/**
 * Packages a chart with render verification in a JVM of its own, so a test can stop it with a signal at a chosen
 * point: {@code main(chart, outputDirectory, downloadCache, waitAt)} prints every log line, and once a line starts
 * with {@code waitAt} prints {@code WAITING} and blocks forever in the progress listener ({@code -} never blocks).
 */
public final class StoppableRunProcess {

    /** What the child prints once it blocks. */
    static final String WAITING = "WAITING";

    private StoppableRunProcess() {}

    public static void main(String[] args) {
        String waitAt = args[3];
        ProgressListener listener = (level, message) -> {
            System.out.println(level + " " + message);
            if (!"-".equals(waitAt) && message.startsWith(waitAt)) {
                System.out.println(WAITING);
                System.out.flush();
                StoppedRuns.waitForever();
            }
            System.out.flush();
        };
        FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(Path.of(args[0]))
                        .registry("registry.internal:5000")
                        .repositoryPrefix("mirror")
                        .outputDirectory(Path.of(args[1]))
                        .sourceOptions(SourceOptions.builder()
                                .cacheDirectory(Path.of(args[2]))
                                .build())
                        .verify(VerifyMode.REQUIRED)
                        .build(),
                listener);
        System.out.println("FINISHED");
    }
}
