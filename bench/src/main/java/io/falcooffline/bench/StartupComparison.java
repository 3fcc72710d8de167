package io.falcooffline.bench;

import io.falcooffline.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Cold whole-process start-up: {@code mvn falco-offline:package} of the chart alone (no mirror), with and without
 * render verification, against Maven's own {@code validate} of an empty POM, in alternating rounds.
 */
final class StartupComparison {

    private final int rounds;
    private final Path chart;
    private final Path values;

    StartupComparison(BenchSettings settings) {
        this.rounds = settings.number("startupRounds", 7);
        this.chart = Path.of(settings.text("chart", "../shared/fixtures/charts/falco-9.0.0.tgz"));
        this.values = Path.of(settings.text("values", "../shared/fixtures/values/custom_values.yaml"));
    }

    ReportSection run() throws IOException {
        if (!Files.isRegularFile(chart) || !Files.isRegularFile(values)) {
            throw new IllegalStateException("The start-up comparison packages " + chart + " with " + values
                    + ": put the shared fixtures beside the checkout or pass chart=… values=…");
        }
        Path work = Files.createTempDirectory("falco-offline-bench-startup");
        Path emptyProject = Files.createDirectories(work.resolve("empty"));
        Files.writeString(
                emptyProject.resolve("pom.xml"),
                "<project><modelVersion>4.0.0</modelVersion><groupId>bench</groupId><artifactId>empty</artifactId>"
                        + "<version>1</version><packaging>pom</packaging></project>\n",
                StandardCharsets.UTF_8);
        Samples empty = new Samples("`mvn validate`, empty POM");
        Samples plain = new Samples("`mvn falco-offline:package`, no mirror, `verify=false`");
        Samples verified = new Samples("`mvn falco-offline:package`, no mirror, render verification (default)");
        List<Runnable> contenders = List.of(
                () -> empty.add(Commands.maven(emptyProject, null, List.of("-q", "validate"))
                        .seconds()),
                () -> plain.add(packageChart(work, "false")),
                () -> verified.add(packageChart(work, "auto")));
        try {
            Samples.alternate("Start-up", contenders, rounds);
        } finally {
            AtomicFiles.deleteRecursivelyQuietly(work);
        }
        StringBuilder md = new StringBuilder(String.format(
                Locale.ROOT,
                "Cold whole processes, %s with %s (falco-offline writes the chart, the plan and the audit files),"
                        + " %d alternating rounds, medians.%n%n",
                chart.getFileName(),
                values.getFileName(),
                rounds));
        md.append("| process | median | rounds | against the empty `validate` |\n|---|---:|---|---:|\n");
        for (Samples samples : List.of(empty, plain, verified)) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f s | %s | %.2f× |%n",
                    samples.name(),
                    samples.median(),
                    samples.all("s", 1),
                    samples.median() / empty.median()));
        }
        return new ReportSection("startup", md.toString());
    }

    private double packageChart(Path work, String verify) {
        try {
            Path project = Files.createTempDirectory(work, "package");
            return Commands.maven(
                            project,
                            null,
                            List.of(
                                    "-q",
                                    Commands.pluginGoal("package"),
                                    "-Dfalco-offline.chart=" + chart.toAbsolutePath(),
                                    "-Dfalco-offline.valuesFiles=" + values.toAbsolutePath(),
                                    "-Dfalco-offline.registry=192.168.5.96:30003",
                                    "-Dfalco-offline.repositoryPrefix=falco",
                                    "-Dfalco-offline.repositoryLayout=flatten",
                                    "-Dfalco-offline.auditWebhookAddress=192.168.5.10",
                                    "-Dfalco-offline.mirror=false",
                                    "-Dfalco-offline.verify=" + verify))
                    .seconds();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
