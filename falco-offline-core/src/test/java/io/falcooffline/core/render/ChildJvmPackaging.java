package io.falcooffline.core.render;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RepositoryLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Packages a chart in a JVM of its own, so that a test can vary what a process inherits: umask, time zone, locale
 * and the time of day. The child prints the sha256 of the chart and of the plan it wrote.
 */
public final class ChildJvmPackaging {

    /** The option of {@link #main} that sets the repository prefix. */
    public static final String PREFIX_OPTION = "--prefix=";

    /** The option of {@link #main} that sets the repository layout. */
    public static final String LAYOUT_OPTION = "--layout=";

    /** How long a child may take before the test gives up on it. */
    private static final long TIMEOUT_SECONDS = 300;

    /**
     * What a child process wrote.
     *
     * @param chartSha256 the sha256 of the packaged chart, in hex
     * @param planSha256 the sha256 of the plan file, in hex
     * @param output everything the child printed
     */
    public record Outcome(String chartSha256, String planSha256, String output) {}

    private ChildJvmPackaging() {}

    /**
     * Runs {@code java … ChildJvmPackaging} under {@code sh -c 'umask …'} with the given environment additions and
     * JVM options, packaging {@code chart} to {@code registry} (strict off) into {@code outputDirectory}; {@code
     * arguments} are the options and values files of {@link #main}.
     *
     * @throws AssertionError when the child fails or prints no result, with its output
     */
    public static Outcome run(
            String umask,
            Map<String, String> environment,
            List<String> jvmOptions,
            Path chart,
            String registry,
            Path outputDirectory,
            List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(
                "sh",
                "-c",
                "umask " + umask + " && exec \"$@\"",
                "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildJvmPackaging.class.getName()));
        command.addAll(List.of(chart.toString(), registry, outputDirectory.toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] printed = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The packaging child did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String output = new String(printed, StandardCharsets.UTF_8);
            String chartSha = valueOf(output, "chart-sha256=");
            String planSha = valueOf(output, "plan-sha256=");
            if (process.exitValue() != 0 || chartSha == null || planSha == null) {
                throw new AssertionError(
                        "The packaging child " + command + " exited with " + process.exitValue() + ":\n" + output);
            }
            return new Outcome(chartSha, planSha, output);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for " + command, e);
        }
    }

    /**
     * Child entry point: {@code <chart> <registry> <outputDirectory> [--prefix=<p>] [--layout=<KEEP|FLATTEN>]
     * [<valuesFile>…]}.
     */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: ChildJvmPackaging <chart> <registry> <outputDirectory> [--prefix=<p>]"
                    + " [--layout=<KEEP|FLATTEN>] [<valuesFile>...]");
            System.exit(2);
        }
        PackageRequest.Builder request = PackageRequest.builder()
                .chart(Path.of(args[0]))
                .registry(args[1])
                .outputDirectory(Path.of(args[2]))
                .strict(false);
        for (int i = 3; i < args.length; i++) {
            if (args[i].startsWith(PREFIX_OPTION)) {
                request.repositoryPrefix(args[i].substring(PREFIX_OPTION.length()));
            } else if (args[i].startsWith(LAYOUT_OPTION)) {
                request.repositoryLayout(RepositoryLayout.valueOf(args[i].substring(LAYOUT_OPTION.length())));
            } else {
                request.valuesFile(Path.of(args[i]));
            }
        }
        PackageResult result = FalcoOffline.packageChart(request.build(), ProgressListener.SILENT);
        System.out.println("chart-sha256=" + sha256(result.chartFile().orElseThrow()));
        System.out.println("plan-sha256=" + sha256(result.planFile().orElseThrow()));
    }

    /** The sha256 of a file, in hex. */
    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The sha256 of every file under a directory, by relative path: what two output directories are compared by. */
    public static SortedMap<String, String> sha256OfEveryFile(Path directory) {
        SortedMap<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            files.filter(Files::isRegularFile)
                    .forEach(file ->
                            digests.put(directory.relativize(file).toString().replace('\\', '/'), sha256(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
        return digests;
    }

    private static String valueOf(String output, String prefix) {
        return output.lines()
                .filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip())
                .findFirst()
                .orElse(null);
    }
}
