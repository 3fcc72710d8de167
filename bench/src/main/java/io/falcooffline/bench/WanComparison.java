package io.falcooffline.bench;

import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.ShapingProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The mirror as users run it: the source registry across a wide-area link ({@link ShapingProxy} in front of a local
 * {@code docker-registry}: a round-trip time, a rate per connection, a rate for the whole link), a Falco-shaped set
 * ({@link WanImageSet}), and both targets a user mirrors into, each against the {@code skopeo sync} that does the same:
 * an offline bundle on disk against {@code skopeo sync --dest dir}, an empty registry next door against {@code skopeo
 * sync --dest docker}. Whole processes, alternating rounds, medians, for each link shape, with the link's floor (the
 * set's distinct bytes at the link's total rate) beside.
 */
final class WanComparison {

    /** Link shapes as {@code rtt-ms/per-connection-MiB/s/total-MiB/s}, comma-separated. */
    private static final String DEFAULT_SHAPES = "60/20/100,40/30/120";

    /** What the mirror aims at on every link shape: this many times skopeo's throughput ... */
    private static final double GOAL_AGAINST_SKOPEO = 2.0;
    /** ... and at most this many times the link floor's time. */
    private static final double GOAL_AGAINST_FLOOR = 1.3;

    private final int rounds;
    private final int setMiB;
    private final List<ShapingProxy.Shape> shapes;
    private final String parallelism;
    /** Whether the skopeo contenders run; tuning runs of falco-offline alone turn them off. */
    private final boolean withSkopeo;
    /** Extra arguments for falco-offline's runs (e.g. {@code -X}), separated by spaces. */
    private final List<String> extraArguments;
    /** {@code MAVEN_OPTS} for falco-offline's runs (e.g. a flight recording), or empty. */
    private final String mavenOpts;
    /** The nested repository of another build of the plugin to run beside this one's, or empty for none. */
    private final String baselineRepository;
    /** Where each falco-offline run's Maven output is kept, or empty to keep none. */
    private final String logDirectory;

    WanComparison(BenchSettings settings) {
        this.rounds = settings.number("wanRounds", settings.number("rounds", 3));
        this.setMiB = settings.number("wanMiB", (int) Math.round(WanImageSet.fullMiB()));
        this.shapes = shapes(settings.text("shapes", DEFAULT_SHAPES));
        this.parallelism = settings.text("parallelism", "");
        this.withSkopeo = Boolean.parseBoolean(settings.text("wanSkopeo", "true"));
        String extra = settings.text("wanArgs", "").trim();
        this.extraArguments = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
        this.logDirectory = settings.text("wanLogs", "");
        this.mavenOpts = settings.text("wanMavenOpts", "");
        this.baselineRepository = settings.text("wanBaseline", "");
    }

    /** One contender's timings and what crossed the link in its last round. */
    private static final class Contender {
        final Samples samples;
        long linkBytes;
        int connections;

        Contender(String name) {
            this.samples = new Samples(name);
        }
    }

    ReportSection run() throws IOException {
        Path work = MirrorComparison.fresh(Path.of(System.getProperty("java.io.tmpdir")), "falco-offline-bench-wan");
        StringBuilder md = new StringBuilder();
        try (LocalRegistry source = LocalRegistry.startPlain();
                RegistryClient publisher =
                        new RegistryClient(source.clientOptions().build())) {
            long start = System.nanoTime();
            WanImageSet.Published set = WanImageSet.publish(publisher, setMiB);
            System.out.printf(Locale.ROOT, "Published %s in %.1f s%n", set.describe(), Samples.elapsedSeconds(start));
            Path chart = BenchChart.write(work.resolve("chart"), set.repositories());
            md.append(String.format(
                    Locale.ROOT,
                    "%s; the source registry behind a shaping proxy, the target an empty directory or an empty"
                            + " registry each time; whole processes, %d alternating rounds, medians; load average %s"
                            + " at the start.%n",
                    set.describe(),
                    rounds,
                    Machine.describe().loadAverage()));
            for (ShapingProxy.Shape shape : shapes) {
                md.append('\n').append(shape(work, chart, source, set, shape));
            }
        } finally {
            AtomicFiles.deleteRecursivelyQuietly(work);
        }
        return new ReportSection("wan", md.toString());
    }

    private String shape(
            Path work, Path chart, LocalRegistry source, WanImageSet.Published set, ShapingProxy.Shape shape) {
        try (ShapingProxy link = ShapingProxy.start(source.host(), shape)) {
            String from = link.host();
            Contender bundle = new Contender("falco-offline → bundle on disk");
            Contender skopeoDir = new Contender("`skopeo sync --all --dest dir`");
            Contender registry = new Contender("falco-offline → empty registry (`-Dfalco-offline.push=true`)");
            Contender skopeoDocker = new Contender("`skopeo sync --all --dest docker`");
            Samples bundleCopy = new Samples("bundle copy");
            Samples registryCopy = new Samples("registry copy");
            List<Runnable> contenders = List.of(
                    () -> timed(link, bundle, () -> toBundle(work, chart, from, List.of(), bundleCopy, shape)),
                    () -> timed(link, skopeoDir, () -> {
                        Path directory = MirrorComparison.fresh(work, "skopeo-dir");
                        try {
                            double seconds = MirrorComparison.skopeoSync(
                                    directory,
                                    from,
                                    set.repositories(),
                                    List.of(
                                            "--dest",
                                            "dir",
                                            directory.resolve("out").toString()));
                            return new Run(seconds);
                        } finally {
                            AtomicFiles.deleteRecursivelyQuietly(directory);
                        }
                    }),
                    () -> timed(link, registry, () -> toRegistry(work, chart, from, List.of(), registryCopy, shape)),
                    () -> timed(link, skopeoDocker, () -> {
                        Path directory = MirrorComparison.fresh(work, "skopeo-docker");
                        try (LocalRegistry target = LocalRegistry.startPlain()) {
                            double seconds = MirrorComparison.skopeoSync(
                                    directory,
                                    from,
                                    set.repositories(),
                                    List.of("--dest", "docker", "--dest-tls-verify=false", target.host() + "/mirror"));
                            return new Run(seconds);
                        } finally {
                            AtomicFiles.deleteRecursivelyQuietly(directory);
                        }
                    }));
            List<Runnable> running =
                    new ArrayList<>(withSkopeo ? contenders : List.of(contenders.get(0), contenders.get(2)));
            // Another build of the plugin in the same rounds, for a before-and-after that one machine's drift cannot
            // tilt; its figures are printed, not written into the page.
            List<String> baseline =
                    baselineRepository.isEmpty() ? List.of() : List.of("-Dmaven.repo.local=" + baselineRepository);
            Contender baselineBundle = new Contender("baseline → bundle on disk");
            Contender baselineRegistry = new Contender("baseline → empty registry");
            Samples baselineBundleCopy = new Samples("baseline bundle copy");
            Samples baselineRegistryCopy = new Samples("baseline registry copy");
            if (!baseline.isEmpty()) {
                running.add(() -> timed(
                        link, baselineBundle, () -> toBundle(work, chart, from, baseline, baselineBundleCopy, shape)));
                running.add(() -> timed(
                        link,
                        baselineRegistry,
                        () -> toRegistry(work, chart, from, baseline, baselineRegistryCopy, shape)));
            }
            Samples.alternate("WAN " + shape.describe(), running, rounds);
            if (!baseline.isEmpty()) {
                System.out.printf(
                        Locale.ROOT,
                        "Against the baseline at %s: bundle %.2f s (copy %.2f s) vs %.2f s (copy %.2f s);"
                                + " registry %.2f s (copy %.2f s) vs %.2f s (copy %.2f s)%n",
                        shape.describe(),
                        bundle.samples.median(),
                        bundleCopy.median(),
                        baselineBundle.samples.median(),
                        baselineBundleCopy.median(),
                        registry.samples.median(),
                        registryCopy.median(),
                        baselineRegistry.samples.median(),
                        baselineRegistryCopy.median());
            }
            return markdown(set, shape, bundle, bundleCopy, skopeoDir, registry, registryCopy, skopeoDocker);
        }
    }

    private record Run(double seconds) {}

    /** falco-offline into a bundle on disk; {@code extra} arguments after the others. */
    private Run toBundle(
            Path work, Path chart, String from, List<String> extra, Samples copy, ShapingProxy.Shape shape) {
        Path project = MirrorComparison.fresh(work, "bundle");
        try {
            List<String> arguments =
                    MirrorComparison.mirrorArguments(chart, from, "registry.bench.internal:5000", parallelism);
            arguments.addAll(MirrorComparison.TIME_STAMPS);
            arguments.addAll(extra);
            return falcoOffline(project, arguments, copy, "bundle-" + shape.describe());
        } finally {
            AtomicFiles.deleteRecursivelyQuietly(project);
        }
    }

    /** falco-offline into an empty registry of its own; {@code extra} arguments after the others. */
    private Run toRegistry(
            Path work, Path chart, String from, List<String> extra, Samples copy, ShapingProxy.Shape shape) {
        Path project = MirrorComparison.fresh(work, "registry");
        try (LocalRegistry target = LocalRegistry.startPlain()) {
            List<String> arguments = MirrorComparison.mirrorArguments(chart, from, target.host(), parallelism);
            arguments.add("-Dfalco-offline.push=true");
            arguments.addAll(MirrorComparison.TIME_STAMPS);
            arguments.addAll(extra);
            return falcoOffline(project, arguments, copy, "registry-" + shape.describe());
        } finally {
            AtomicFiles.deleteRecursivelyQuietly(project);
        }
    }

    private Run falcoOffline(Path project, List<String> arguments, Samples copy, String name) {
        List<String> all = new ArrayList<>(arguments);
        all.addAll(extraArguments);
        Commands.Finished finished = Commands.maven(project, mavenOpts.isEmpty() ? null : mavenOpts, all);
        keepLog(name, finished.output());
        MirrorComparison.requireMoved(finished.output());
        copy.add(MirrorComparison.copySeconds(finished.output()));
        return new Run(finished.seconds());
    }

    private void keepLog(String name, String output) {
        if (logDirectory.isEmpty()) {
            return;
        }
        try {
            Path directory = Files.createDirectories(Path.of(logDirectory));
            String file = name.replaceAll("[^A-Za-z0-9.-]+", "_") + "-" + System.currentTimeMillis() + ".log";
            Files.writeString(directory.resolve(file), output);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the log in " + logDirectory, e);
        }
    }

    private void timed(ShapingProxy link, Contender contender, Supplier<Run> run) {
        long bytes = link.bytesDown();
        int connections = link.connections();
        LinkTrace trace = logDirectory.isEmpty() ? null : LinkTrace.start(link);
        Run finished;
        try {
            finished = run.get();
        } finally {
            if (trace != null) {
                keepLog("trace-" + contender.samples.name(), trace.stop());
            }
        }
        contender.samples.add(finished.seconds());
        contender.linkBytes = link.bytesDown() - bytes;
        contender.connections = link.connections() - connections;
        System.out.printf(
                Locale.ROOT,
                "  %s: %.2f s, %d MiB over the link in %d connections%n",
                contender.samples.name(),
                finished.seconds(),
                contender.linkBytes >> 20,
                contender.connections);
    }

    private static String markdown(
            WanImageSet.Published set,
            ShapingProxy.Shape shape,
            Contender bundle,
            Samples bundleCopy,
            Contender skopeoDir,
            Contender registry,
            Samples registryCopy,
            Contender skopeoDocker) {
        double floor = (double) set.bytes() / shape.totalBytesPerSecond();
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "**%s** (link floor: %d MiB / %d MiB/s = %.1f s)%n%n",
                shape.describe(),
                set.bytes() >> 20,
                shape.totalBytesPerSecond() >> 20,
                floor));
        md.append("| target | falco-offline | of which the copy | skopeo sync | falco-offline is | falco-offline /"
                + " floor | link floor |\n|---|---:|---:|---:|---:|---:|---:|\n");
        row(md, "bundle on disk (`--dest dir`)", bundle, bundleCopy, skopeoDir, floor);
        row(md, "empty registry (`--dest docker`)", registry, registryCopy, skopeoDocker, floor);
        md.append(String.format(
                Locale.ROOT,
                "%nThe goal, at least %.0f× `skopeo sync`'s throughput and within %.1f× the link floor: bundle %s,"
                        + " registry %s.%n",
                GOAL_AGAINST_SKOPEO,
                GOAL_AGAINST_FLOOR,
                meets(bundle, skopeoDir, floor),
                meets(registry, skopeoDocker, floor)));
        md.append("\n| contender | rounds | over the link (last round) | connections (last round) |\n"
                + "|---|---|---:|---:|\n");
        for (Contender contender : List.of(bundle, skopeoDir, registry, skopeoDocker)) {
            if (contender.samples.isEmpty()) {
                continue;
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d MiB | %d |%n",
                    contender.samples.name(),
                    contender.samples.all("s", 1),
                    contender.linkBytes >> 20,
                    contender.connections));
        }
        return md.toString();
    }

    private static String meets(Contender ours, Contender skopeo, double floor) {
        if (skopeo.samples.isEmpty()) {
            return "not judged (skopeo not run)";
        }
        boolean fast = skopeo.samples.median() / ours.samples.median() >= GOAL_AGAINST_SKOPEO;
        boolean near = ours.samples.median() / floor <= GOAL_AGAINST_FLOOR;
        return fast && near
                ? "met"
                : "not met (" + (fast ? "" : "against skopeo") + (fast || near ? "" : ", ")
                        + (near ? "" : "against the floor") + ")";
    }

    private static void row(
            StringBuilder md, String target, Contender ours, Samples copy, Contender skopeo, double floor) {
        boolean skopeoRan = !skopeo.samples.isEmpty();
        md.append(String.format(
                Locale.ROOT,
                "| %s | %.2f s | %.2f s | %s | %s | %.2f× | %.1f s |%n",
                target,
                ours.samples.median(),
                copy.median(),
                skopeoRan ? String.format(Locale.ROOT, "%.2f s", skopeo.samples.median()) : "not run",
                skopeoRan
                        ? String.format(Locale.ROOT, "%.2f× as fast", skopeo.samples.median() / ours.samples.median())
                        : "",
                ours.samples.median() / floor,
                floor));
    }

    private static List<ShapingProxy.Shape> shapes(String text) {
        List<ShapingProxy.Shape> shapes = new ArrayList<>();
        for (String shape : text.split(",")) {
            String[] parts = shape.trim().split("/");
            try {
                if (parts.length != 3 || Long.parseLong(parts[2]) <= 0) {
                    throw new NumberFormatException();
                }
                shapes.add(ShapingProxy.Shape.of(
                        Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "Setting shapes=" + text + ": each shape is rtt-ms/per-connection"
                                + "-MiB/s/total-MiB/s, e.g. 60/20/100 (the total above 0), shapes separated by commas.",
                        e);
            }
        }
        return shapes;
    }
}
