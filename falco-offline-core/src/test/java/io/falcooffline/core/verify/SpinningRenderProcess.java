package io.falcooffline.core.verify;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RenderVerificationException;
import io.falcooffline.core.VerifyMode;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.plan.Plan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Verifies a chart with Helm in a JVM of its own, with a render deadline of a few seconds, so that a render left
 * spinning after its deadline burns no test JVM's CPU: {@code main(chartDirectory, timeoutSeconds)} prints
 * {@code FAILED <message>} or {@code VERIFIED}, then returns from {@code main}.
 */
public final class SpinningRenderProcess {

    private SpinningRenderProcess() {}

    public static void main(String[] args) {
        Path chart = Path.of(args[0]);
        RenderVerification verification = new RenderVerification(
                VerifyMode.REQUIRED,
                () -> HelmTemplateEngine.load(SpinningRenderProcess.class.getClassLoader()),
                Duration.ofSeconds(Long.parseLong(args[1])));
        try {
            verification.verify(
                    new ChartReader().read(chart),
                    new Plan("spin", "0.1.0", "registry.internal:5000", List.of(), List.of(), List.of()),
                    "falco",
                    "falco",
                    ProgressListener.SILENT);
            System.out.println("VERIFIED");
        } catch (RenderVerificationException e) {
            System.out.println("FAILED " + e.getMessage());
        }
    }
}
