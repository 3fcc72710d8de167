package io.falcooffline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the figures were measured on: they only compare within one run on one machine. */
record Machine(String cpu, int cores, long memoryMiB, String loadAverage, String java, String skopeo, String registry) {

    static Machine describe() {
        return new Machine(
                firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch")),
                Runtime.getRuntime().availableProcessors(),
                firstValue(Path.of("/proc/meminfo"), "MemTotal")
                        .map(kib -> Long.parseLong(kib.replaceAll("[^0-9]", "")) / 1024)
                        .orElse(-1L),
                readFirstLine(Path.of("/proc/loadavg"))
                        .map(line -> String.join(" ", List.of(line.split(" ")).subList(0, 3)))
                        .orElse("unknown"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                commandOutput(List.of("skopeo", "--version")),
                commandOutput(List.of("docker-registry", "--version")));
    }

    String summary() {
        return String.format(
                Locale.ROOT,
                "%s, %d cores, %d MiB memory, load average %s at the start; %s; %s; %s",
                cpu,
                cores,
                memoryMiB,
                loadAverage,
                java,
                skopeo,
                registry);
    }

    String markdown() {
        return "Measured on: " + summary() + ".";
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readFirstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String commandOutput(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).trim();
            process.waitFor(10, TimeUnit.SECONDS);
            return output.lines().findFirst().orElse(command.get(0));
        } catch (IOException e) {
            return command.get(0) + " (not found)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return command.get(0);
        }
    }
}
