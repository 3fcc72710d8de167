package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops a package run before and during render verification within 5 s, with no output and no temporary
 * file left (the run's temporary directory is the child JVM's own {@code java.io.tmpdir}), and render verification
 * takes Helm's native library from the download cache instead of unpacking it into a temporary directory.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class RunStopTest {

    @TempDir
    Path temp;

    private Path tmp;
    private Path cache;
    private Path output;

    @BeforeEach
    void directories() throws IOException {
        EngineLoad load = HelmTemplateEngine.load(RunStopTest.class.getClassLoader());
        assertThat(load.missing())
                .as("this test needs helm-java's native library for this platform on the test class path")
                .isEmpty();
        tmp = Files.createDirectories(temp.resolve("tmp"));
        cache = temp.resolve("cache");
        output = temp.resolve("out");
    }

    @Test
    void shouldStopOnSigtermBeforeRenderVerificationLeavingNothing() throws Exception {
        Process child = start(RenderVerificationTest.resource("charts/suffixed"), "Reading chart");
        try {
            StringBuilder printed = new StringBuilder();
            assertThat(CompletableFuture.supplyAsync(() -> awaitLine(child, StoppableRunProcess.WAITING, printed))
                            .get(120, TimeUnit.SECONDS))
                    .as("the child starts: %s", printed)
                    .isTrue();

            stopAndCheck(child, printed);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldStopOnSigtermWhileHelmRendersLeavingNothing() throws Exception {
        Path chart = StoppedRuns.spinningChart(temp.resolve("spin"));
        Process child = start(chart, "-");
        try {
            StringBuilder printed = new StringBuilder();
            CompletableFuture.runAsync(() -> awaitLine(child, "never printed", printed));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (renderScratch().isEmpty() && System.nanoTime() < deadline && child.isAlive()) {
                Thread.sleep(20);
            }
            assertThat(renderScratch())
                    .as("the child starts rendering: %s", printed)
                    .isNotEmpty();
            Thread.sleep(1_000); // well inside Helm's template call, which spins for hours

            stopAndCheck(child, printed);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldLoadHelmFromTheDownloadCacheInsteadOfATemporaryDirectory() throws Exception {
        for (int run = 0; run < 2; run++) {
            Process child = start(RenderVerificationTest.resource("charts/suffixed"), "Render verification");
            try {
                StringBuilder printed = new StringBuilder();
                assertThat(CompletableFuture.supplyAsync(() -> awaitLine(child, StoppableRunProcess.WAITING, printed))
                                .get(120, TimeUnit.SECONDS))
                        .as("the child renders: %s", printed)
                        .isTrue();
                try (Stream<Path> files = Files.list(tmp)) {
                    assertThat(files.map(path -> path.getFileName().toString()))
                            .as("helm-java unpacks its library into a helm-java* temporary directory when it must")
                            .noneMatch(name -> name.startsWith("helm-java"));
                }
                try (Stream<Path> files = Files.list(cache.resolve(HelmLibraryCache.DIRECTORY))) {
                    assertThat(files.map(path -> path.getFileName().toString()).toList())
                            .singleElement()
                            .satisfies(
                                    name -> assertThat(name).startsWith("helm-").endsWith(".so"));
                }
                stopAndCheck(child, printed);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private Process start(Path chart, String waitAt) throws IOException {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.io.tmpdir=" + tmp,
                        "-cp",
                        System.getProperty("java.class.path"),
                        StoppableRunProcess.class.getName(),
                        chart.toString(),
                        output.toString(),
                        cache.toString(),
                        waitAt)
                .redirectErrorStream(true)
                .start();
        child.getOutputStream().close();
        return child;
    }

    private void stopAndCheck(Process child, StringBuilder printed) throws Exception {
        long sent = System.nanoTime();
        child.destroy();

        assertThat(child.waitFor(5, TimeUnit.SECONDS))
                .as("the child exits within 5 s of SIGTERM")
                .isTrue();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertThat(child.exitValue())
                .as("the exit status of a JVM stopped by SIGTERM: %s", printed)
                .isEqualTo(143);
        assertThat(tookMillis).isLessThan(5_000);
        assertThat(printed.toString()).doesNotContain("FINISHED");
        assertThat(output).as("no output is written").doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("no temporary file is left").isEmpty();
        }
        if (Files.isDirectory(cache.resolve(HelmLibraryCache.DIRECTORY))) {
            try (Stream<Path> files = Files.list(cache.resolve(HelmLibraryCache.DIRECTORY))) {
                assertThat(files.map(path -> path.getFileName().toString()))
                        .as("no half-unpacked library is left")
                        .noneMatch(name -> name.startsWith("."));
            }
        }
    }

    private List<Path> renderScratch() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(path -> path.getFileName().toString().startsWith("falco-offline-render-"))
                    .toList();
        }
    }

    private static boolean awaitLine(Process child, String wanted, StringBuilder printed) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (printed) {
                    printed.append(line).append('\n');
                }
                if (line.startsWith(wanted)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
