package io.falcooffline.core.hostile;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs every case of a corpus directory in this JVM, which the test starts with a small heap: each case directory
 * holds {@code input} (a chart archive or directory) and optionally {@code values.yaml}; the package run writes to
 * the case's {@code out}. Prints one line per case: {@code RESULT <case> <millis> <outcome> <message>}, the message
 * with line breaks escaped.
 */
public final class HostileRunMain {

    private HostileRunMain() {}

    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args[0]);
        List<Path> cases;
        try (Stream<Path> listed = Files.list(corpus)) {
            cases = listed.filter(Files::isDirectory).sorted().toList();
        }
        for (Path directory : cases) {
            PackageRequest.Builder request = PackageRequest.builder()
                    .chart(directory.resolve("input"))
                    .registry("registry.internal:5000")
                    .strict(false)
                    // Render verification starts Helm's engine, seconds of fixed cost in a fresh JVM that say
                    // nothing about how the input is handled; its own tests cover it.
                    .verify(io.falcooffline.core.VerifyMode.OFF)
                    .outputDirectory(directory.resolve("out"));
            if (Files.exists(directory.resolve("values.yaml"))) {
                request.valuesFile(directory.resolve("values.yaml"));
            }
            long start = System.nanoTime();
            String outcome = "OK";
            String message = "";
            try {
                FalcoOffline.packageChart(request.build(), ProgressListener.SILENT);
            } catch (RuntimeException | OutOfMemoryError e) {
                outcome = e.getClass().getSimpleName();
                message = String.valueOf(e.getMessage());
                if (!(e instanceof io.falcooffline.core.FalcoOfflineException)) {
                    // Not a refusal but a bug: its stack trace goes into the test's output.
                    e.printStackTrace(System.out);
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("RESULT " + directory.getFileName() + " " + millis + " " + outcome + " "
                    + message.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r"));
        }
    }
}
