package io.falcooffline.bench;

import com.marcnuri.helm.Helm;
import io.falcooffline.core.ChartSource;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOptions;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.VerifyMode;
import io.falcooffline.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The rewrite of the real Falco chart, in one warm JVM: {@code falco-offline:package} without mirroring (what
 * {@code mvn falco-offline:package -Dfalco-offline.mirror=false} asks the core for, render verification off) against
 * Helm's own {@code helm package} of the same chart unpacked, through helm-java. The same run with render verification
 * is timed afterwards on its own, for information: it renders the chart with Helm's engine, which {@code helm package}
 * does not.
 *
 * <p>Settings: {@code chart} (default {@code ../shared/fixtures/charts/falco-9.0.0.tgz}), {@code values} (default
 * {@code ../shared/fixtures/values/custom_values.yaml}), {@code rewriteRuns} (timed rounds, default 20),
 * {@code rewriteWarmups} (untimed rounds first, default 50: the JIT needs that many to compile the rewrite's hot code).
 */
final class RewriteComparison {

    private static final String REGISTRY = "192.168.5.96:30003";
    private static final String REPOSITORY_PREFIX = "falco";

    private final BenchSettings settings;

    RewriteComparison(BenchSettings settings) {
        this.settings = settings;
    }

    ReportSection run() throws IOException, InterruptedException {
        Path chart = fixture("chart", "../shared/fixtures/charts/falco-9.0.0.tgz");
        Path values = fixture("values", "../shared/fixtures/values/custom_values.yaml");
        int runs = settings.number("rewriteRuns", 20);
        int warmups = settings.number("rewriteWarmups", 50);
        if (runs < 1 || warmups < 0) {
            throw new IllegalArgumentException("rewriteRuns must be at least 1 and rewriteWarmups at least 0, got "
                    + runs + " and " + warmups + ".");
        }
        Path work = Files.createTempDirectory("falco-offline-bench-rewrite-");
        try {
            Path unpacked = unpack(chart, work.resolve("unpacked"));
            Contender ours = new Contender(
                    new Samples("falco-offline package (mirror off, verify off)"),
                    output -> packageWithFalcoOffline(chart, values, VerifyMode.OFF, output));
            Contender helm =
                    new Contender(new Samples("helm package (helm-java)"), output -> packageWithHelm(unpacked, output));
            Contender verified = new Contender(
                    new Samples("falco-offline package (mirror off, verify true), for information"),
                    output -> packageWithFalcoOffline(chart, values, VerifyMode.REQUIRED, output));
            Outputs outputs = new Outputs(work);
            alternate(List.of(ours, helm), warmups, runs, outputs);
            // Apart from the pair compared: rendering with Helm's engine would disturb their timings.
            alternate(List.of(verified), warmups, runs, outputs);
            return section(chart, runs, warmups, List.of(ours, helm, verified));
        } finally {
            AtomicFiles.deleteRecursivelyQuietly(work);
        }
    }

    /** Times {@code runs} rounds after {@code warmups} untimed ones, each round starting with the next contender. */
    private static void alternate(List<Contender> contenders, int warmups, int runs, Outputs outputs) {
        for (int round = 0; round < warmups + runs; round++) {
            for (int turn = 0; turn < contenders.size(); turn++) {
                Contender contender = contenders.get((round + turn) % contenders.size());
                Path output = outputs.next();
                long start = System.nanoTime();
                contender.packaging().packageInto(output);
                double seconds = Samples.elapsedSeconds(start);
                if (round >= warmups) {
                    contender.samples().add(seconds);
                }
                AtomicFiles.deleteRecursivelyQuietly(output);
            }
        }
    }

    private static ReportSection section(Path chart, int runs, int warmups, List<Contender> contenders) {
        Samples ours = contenders.get(0).samples();
        Samples helm = contenders.get(1).samples();
        StringBuilder table = new StringBuilder()
                .append("Rewrite and repack of ")
                .append(chart.getFileName())
                .append(" in one warm JVM, ")
                .append(runs)
                .append(" alternating rounds after ")
                .append(warmups)
                .append(" warm-up rounds: falco-offline's package goal without mirroring and without render")
                .append(" verification (values baked in, every image redirected) against Helm's own `helm package`")
                .append(" of the same chart unpacked; ratio = median / median of `helm package`. The run with render")
                .append(" verification is timed afterwards, on its own.\n\n")
                .append("| contender | median ms | all samples | ratio |\n")
                .append("|---|---:|---|---:|\n");
        for (Contender contender : contenders) {
            Samples samples = contender.samples();
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %s | %.2f× |%n",
                    samples.name(),
                    samples.median() * 1000,
                    samples.all("ms", 1000),
                    samples.median() / helm.median()));
        }
        System.out.printf(
                Locale.ROOT,
                "rewrite: falco-offline %.1f ms, helm package %.1f ms, ratio %.2f%n",
                ours.median() * 1000,
                helm.median() * 1000,
                ours.median() / helm.median());
        return new ReportSection("rewrite", table.toString());
    }

    private Path fixture(String setting, String defaultPath) {
        Path path =
                Path.of(settings.text(setting, defaultPath)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("The rewrite comparison needs " + path + " (setting " + setting
                    + "): put the fixtures in ../shared/fixtures beside the checkout, or pass " + setting
                    + "=<file> in -Dbench.args.");
        }
        return path;
    }

    /** What {@code mvn falco-offline:package -Dfalco-offline.mirror=false} requests with these parameters. */
    private static void packageWithFalcoOffline(Path chart, Path values, VerifyMode verify, Path output) {
        PackageRequest request = PackageRequest.builder()
                .source(ChartSource.local(chart))
                .registry(REGISTRY)
                .repositoryPrefix(REPOSITORY_PREFIX)
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .valuesFile(values)
                .outputDirectory(output)
                .verify(verify)
                .mirror(MirrorOptions.none())
                .falco(FalcoOptions.builder()
                        .falcoctlIndexCache(
                                Path.of(System.getProperty("user.home"), ".cache", "falco-offline", "falcoctl-indexes"))
                        .build())
                .build();
        PackageResult result = FalcoOffline.packageChart(request, ProgressListener.SILENT);
        if (result.chartFile().filter(Files::isRegularFile).isEmpty()) {
            throw new IllegalStateException("falco-offline wrote no chart into " + output);
        }
    }

    private static void packageWithHelm(Path chartDirectory, Path output) {
        try {
            Files.createDirectories(output);
            new Helm(chartDirectory).packageIt().withDestination(output).call();
            try (Stream<Path> files = Files.list(output)) {
                if (files.noneMatch(file -> file.getFileName().toString().endsWith(".tgz"))) {
                    throw new IllegalStateException("helm package wrote no chart into " + output);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart directory inside the archive, unpacked with {@code tar} as {@code helm package} wants it. */
    private static Path unpack(Path chart, Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Process tar = new ProcessBuilder("tar", "-xzf", chart.toString(), "-C", directory.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IllegalStateException("Could not unpack " + chart + " with tar: " + output.strip()
                    + ". Install tar, or check that the file is a chart archive.");
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(entry -> Files.isRegularFile(entry.resolve("Chart.yaml")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            chart + " holds no chart directory with a Chart.yaml: pass a Helm chart archive."));
        }
    }

    @FunctionalInterface
    private interface Packaging {
        void packageInto(Path output);
    }

    private record Contender(Samples samples, Packaging packaging) {}

    /** A fresh output directory for every run. */
    private static final class Outputs {
        private final Path work;
        private int made;

        Outputs(Path work) {
            this.work = work;
        }

        Path next() {
            return work.resolve("output-" + made++);
        }
    }
}
