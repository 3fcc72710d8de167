package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once Helm's native library (a Go c-shared library) is loaded for render verification, SIGTERM still stops the
 * JVM: Go's runtime must not keep the signal for itself.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class RenderSignalTest {

    @TempDir
    Path temp;

    @Test
    void shouldExitOnSigtermAfterRenderVerification() throws Exception {
        EngineLoad load = HelmTemplateEngine.load(RenderSignalTest.class.getClassLoader());
        assertThat(load.missing())
                .as("this test needs helm-java's native library for this platform on the test class path")
                .isEmpty();
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        RenderThenWaitProcess.class.getName(),
                        RenderVerificationTest.resource("charts/suffixed").toString(),
                        temp.resolve("out").toString())
                .redirectErrorStream(true)
                .start();
        try {
            child.getOutputStream().close();
            StringBuilder printed = new StringBuilder();
            CompletableFuture<Boolean> rendered = CompletableFuture.supplyAsync(() -> awaitRendered(child, printed));
            assertThat(rendered.get(120, TimeUnit.SECONDS))
                    .as("the child renders the chart: %s", printed)
                    .isTrue();

            child.destroy();

            assertThat(child.waitFor(5, TimeUnit.SECONDS))
                    .as("the child exits within 5 s of SIGTERM after Helm's library was loaded")
                    .isTrue();
            assertThat(child.exitValue())
                    .as("the exit status of a JVM stopped by SIGTERM")
                    .isEqualTo(143);
        } finally {
            child.destroyForcibly();
        }
    }

    private static boolean awaitRendered(Process child, StringBuilder printed) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                printed.append(line).append('\n');
                if (line.startsWith(RenderThenWaitProcess.RENDERED)) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
