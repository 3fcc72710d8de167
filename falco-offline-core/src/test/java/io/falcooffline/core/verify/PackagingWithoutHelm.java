package io.falcooffline.core.verify;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.VerifyMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Packages a chart in a JVM whose class path lacks helm-java and JNA, as an embedding tool that leaves them out
 * would: {@code main(chart, outputDirectory, verify)} prints the log, then {@code PLAN <target>} lines or
 * {@code FAILED <message>}.
 */
public final class PackagingWithoutHelm {

    private PackagingWithoutHelm() {}

    public static void main(String[] args) {
        try {
            PackageResult result = FalcoOffline.packageChart(
                    PackageRequest.builder()
                            .chart(Path.of(args[0]))
                            .registry("registry.internal:5000")
                            .outputDirectory(Path.of(args[1]))
                            .verify(VerifyMode.parse(args[2]))
                            .build(),
                    (level, message) -> System.out.println(level + " " + message));
            result.plan().references().forEach(reference -> System.out.println("PLAN " + reference.target()));
        } catch (FalcoOfflineException e) {
            System.out.println("FAILED " + e.getMessage());
        }
    }

    /** Runs {@link #main} in a child JVM with helm-java and JNA left off the class path; returns what it printed. */
    static List<String> run(Path chart, Path outputDirectory, String verify) throws IOException, InterruptedException {
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.contains("helm-java") && !entry.contains("net/java/dev/jna")) {
                classPath.add(entry);
            }
        }
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        String.join(java.io.File.pathSeparator, classPath),
                        PackagingWithoutHelm.class.getName(),
                        chart.toString(),
                        outputDirectory.toString(),
                        verify)
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String printed = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("The child JVM failed:\n" + printed);
        }
        return printed.lines().toList();
    }

    /** The plan's targets of a run's output. */
    static List<String> planTargets(List<String> printed) {
        return printed.stream()
                .filter(line -> line.startsWith("PLAN "))
                .map(line -> line.substring("PLAN ".length()))
                .toList();
    }
}
