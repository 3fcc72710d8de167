package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template that loops for hours fails render verification at its deadline, and the JVM can still exit. */
class RenderDeadlineTest {

    @TempDir
    Path temp;

    @Test
    void shouldFailNamingChartAndWayAroundWhenRenderPassesItsDeadline() throws Exception {
        EngineLoad load = HelmTemplateEngine.load(RenderDeadlineTest.class.getClassLoader());
        assertThat(load.missing())
                .as("this test needs helm-java's native library for this platform on the test class path")
                .isEmpty();
        Path chart = StoppedRuns.spinningChart(temp.resolve("spin"));
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SpinningRenderProcess.class.getName(),
                        chart.toString(),
                        "3")
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("child.log").toFile())
                .start();
        try {
            assertThat(child.waitFor(60, TimeUnit.SECONDS))
                    .as("the child ends although Helm still renders on its daemon thread")
                    .isTrue();
            String printed = Files.readString(temp.resolve("child.log"), StandardCharsets.UTF_8);
            assertThat(printed)
                    .contains("FAILED Helm did not finish rendering the output chart spin-0.1.0 within 3 s")
                    .contains("-Dfalco-offline.verify=false");
            assertThat(child.exitValue()).as(printed).isZero();
        } finally {
            child.destroyForcibly();
        }
    }
}
