package io.falcooffline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Whole processes, timed from start to exit: Maven with the installed plugin, skopeo, a child JVM. */
final class Commands {

    /** The plugin version this benchmark was built with; {@link NestedMaven} gives the nested runs this build's. */
    static final String VERSION = benchVersion();

    private static final long TIMEOUT_MINUTES = 20;

    private Commands() {}

    record Finished(double seconds, String output) {}

    static String pluginGoal(String goal) {
        return "io.falcooffline:falco-offline-maven-plugin:" + VERSION + ":" + goal;
    }

    /**
     * {@code mvn -B} with the given arguments, in {@code directory}, on the plugin this checkout built and without
     * {@code -o} (see {@link NestedMaven}); MAVEN_OPTS as given, or Maven's default.
     */
    static Finished maven(Path directory, String mavenOpts, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("mvn", "-B"));
        command.addAll(NestedMaven.options());
        command.addAll(arguments);
        return run(directory, command, mavenOpts == null ? Map.of() : Map.of("MAVEN_OPTS", mavenOpts));
    }

    /** A JVM on this benchmark's class path. */
    static Finished java(Path directory, String maxHeap, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(arguments);
        return run(directory, command, Map.of());
    }

    static Finished run(Path directory, List<String> command, Map<String, String> environment) {
        try {
            Path log = Files.createTempFile("falco-offline-bench", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_MINUTES
                        + " minutes; its output is in " + log);
            }
            double seconds = Samples.elapsedSeconds(start);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                        + process.exitValue() + "; its output is in " + log + ":\n" + tail(output));
            }
            Files.delete(log);
            return new Finished(seconds, output);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command.get(0) + ": is it installed?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        }
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static String benchVersion() {
        try (InputStream in = Commands.class.getResourceAsStream("/falco-offline-bench.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
