package io.falcooffline.bench;

import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.testing.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whole processes copying the same image set into an empty registry, in alternating rounds: {@code mvn
 * falco-offline:package -Dfalco-offline.push=true}, {@code skopeo sync --all}, and the raw GET→PUT limit. Then the
 * no-op re-run, an offline bundle written and pushed, and one huge layer copied under a small heap.
 */
final class MirrorComparison {

    private static final int IMAGES = 4;
    private static final int LAYERS_PER_IMAGE = 4;
    private static final Pattern MOVED =
            Pattern.compile("(?:Mirrored|Pushed) \\d+ artifacts to .+?: ([0-9.]+ [KMGT]?i?B) in (\\d+) blobs");

    private final int rounds;
    private final long setBytes;
    private final int rawParallel;
    private final int hugeMiB;
    private final String hugeHeap;
    private final String parallelism;

    MirrorComparison(BenchSettings settings) {
        this.rounds = settings.number("rounds", 5);
        this.setBytes = (long) settings.number("mirrorMiB", 1024) << 20;
        this.rawParallel = settings.number("rawParallel", 3);
        this.hugeMiB = settings.number("hugeMiB", 1024);
        this.hugeHeap = settings.text("hugeHeap", "64m");
        this.parallelism = settings.text("parallelism", "");
    }

    ReportSection run() throws IOException {
        Path work = Files.createTempDirectory("falco-offline-bench-mirror");
        try (LocalRegistry source = LocalRegistry.startPlain();
                RegistryClient publisher =
                        new RegistryClient(source.clientOptions().build())) {
            long layerBytes = setBytes / (IMAGES * LAYERS_PER_IMAGE);
            List<String> repositories = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                repositories.add("bench/image-" + i);
                SyntheticImages.publish(publisher, repositories.get(i), LAYERS_PER_IMAGE, layerBytes);
            }
            long total = layerBytes * IMAGES * LAYERS_PER_IMAGE;
            System.out.printf(Locale.ROOT, "Published %d images, %d MiB of layers%n", IMAGES, total >> 20);
            Path chart = BenchChart.write(work.resolve("chart"), repositories);

            Samples ours = new Samples("falco-offline (`mvn falco-offline:package -Dfalco-offline.push=true`)");
            Samples noOp = new Samples("falco-offline, the same again (nothing new)");
            Samples copying = new Samples("of which the copy (from `Mirroring to` to `Mirrored` in its log)");
            Samples skopeo = new Samples("`skopeo sync --all`");
            Samples raw = new Samples("raw GET→PUT, " + rawParallel + " at a time, no checks");
            List<String> noOpMoved = new ArrayList<>();
            List<Runnable> contenders = new ArrayList<>();
            contenders.add(() -> {
                try (LocalRegistry target = LocalRegistry.startPlain()) {
                    Path project = fresh(work, "ours");
                    Commands.Finished first = Commands.maven(project, null, packageArguments(chart, source, target));
                    ours.add(first.seconds());
                    copying.add(copySeconds(first.output()));
                    requireMoved(first.output());
                    Commands.Finished again = Commands.maven(project, null, packageArguments(chart, source, target));
                    noOp.add(again.seconds());
                    noOpMoved.add(moved(again.output()));
                }
            });
            contenders.add(() -> {
                try (LocalRegistry target = LocalRegistry.startPlain()) {
                    skopeo.add(skopeoSync(fresh(work, "skopeo"), source.host(), target.host(), repositories));
                }
            });
            contenders.add(() -> {
                try (LocalRegistry target = LocalRegistry.startPlain()) {
                    List<String> arguments = new ArrayList<>(List.of(source.host(), target.host(), "" + rawParallel));
                    repositories.forEach(repository -> arguments.add(repository + ":" + SyntheticImages.TAG));
                    raw.add(Commands.java(work, "256m", RawCopy.class.getName(), arguments)
                            .seconds());
                }
            });
            Samples.alternate("Mirror", contenders, rounds);

            Bundle bundle = bundleRoundTrip(work, chart, source);
            HugeLayer huge = hugeLayer(work, publisher, source);
            return new ReportSection(
                    "mirror", markdown(total, ours, copying, skopeo, raw, noOp, noOpMoved, bundle, huge));
        } finally {
            AtomicFiles.deleteRecursivelyQuietly(work);
        }
    }

    /** Packages the chart with Docker Hub read from the source registry and everything mirrored to the target. */
    private List<String> mirrorArguments(Path chart, LocalRegistry source, LocalRegistry target) {
        return mirrorArguments(chart, source.host(), target.host(), parallelism);
    }

    /**
     * Packages the chart with Docker Hub read from {@code sourceHost} (plain HTTP) and every image mirrored for
     * {@code targetHost}: into a bundle on disk, or with {@code -Dfalco-offline.push=true} into that registry.
     */
    static List<String> mirrorArguments(Path chart, String sourceHost, String targetHost, String parallelism) {
        List<String> arguments = new ArrayList<>(List.of(
                Commands.pluginGoal("package"),
                "-Dfalco-offline.chart=" + chart,
                "-Dfalco-offline.registry=" + targetHost,
                "-Dfalco-offline.repositoryPrefix=mirror",
                "-Dfalco-offline.registryMirrors=docker.io=" + sourceHost,
                "-Dfalco-offline.insecureRegistries=" + sourceHost + "," + targetHost,
                "-Dfalco-offline.mirror=true"));
        if (!parallelism.isEmpty()) {
            arguments.add("-Dfalco-offline.parallelism=" + parallelism);
        }
        return arguments;
    }

    /** Straight into the target registry, with time stamps on the log lines to measure the copy by. */
    private List<String> packageArguments(Path chart, LocalRegistry source, LocalRegistry target) {
        List<String> arguments = mirrorArguments(chart, source, target);
        arguments.add("-Dfalco-offline.push=true");
        arguments.addAll(TIME_STAMPS);
        return arguments;
    }

    /** Maven's log lines with milliseconds, for {@link #copySeconds}. */
    static final List<String> TIME_STAMPS = List.of(
            "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");

    private record Bundle(double writeSeconds, String written, double pushSeconds, String pushed) {}

    /** Writes an offline bundle from the source, then pushes it into an empty registry: the two halves of an air gap. */
    private Bundle bundleRoundTrip(Path work, Path chart, LocalRegistry source) {
        Path project = fresh(work, "bundle");
        try (LocalRegistry inside = LocalRegistry.startPlain()) {
            Commands.Finished written = Commands.maven(project, null, mirrorArguments(chart, source, inside));
            Commands.Finished pushed = Commands.maven(
                    project,
                    null,
                    List.of(
                            Commands.pluginGoal("push"),
                            "-Dfalco-offline.bundle=" + project.resolve("falco-offline/bundle"),
                            "-Dfalco-offline.insecureRegistries=" + inside.host()));
            return new Bundle(written.seconds(), moved(written.output()), pushed.seconds(), moved(pushed.output()));
        }
    }

    private record HugeLayer(double seconds, long bytes, long peakHeap, long maxHeap) {}

    private HugeLayer hugeLayer(Path work, RegistryClient publisher, LocalRegistry source) throws IOException {
        String repository = "bench/huge";
        long bytes = (long) hugeMiB << 20;
        SyntheticImages.publish(publisher, repository, 1, bytes);
        Path chart = BenchChart.write(work.resolve("huge-chart"), List.of(repository));
        try (LocalRegistry target = LocalRegistry.startPlain()) {
            Commands.Finished finished = Commands.java(
                    work,
                    hugeHeap,
                    HugeLayerCopy.class.getName(),
                    List.of(
                            chart.toString(),
                            source.host(),
                            target.host(),
                            fresh(work, "huge").toString()));
            String line = finished.output()
                    .lines()
                    .filter(l -> l.startsWith(HugeLayerCopy.RESULT_PREFIX))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("HugeLayerCopy printed no result:\n" + finished.output()));
            Map<String, String> fields = new java.util.HashMap<>();
            for (String field :
                    line.substring(HugeLayerCopy.RESULT_PREFIX.length()).split(" ")) {
                fields.put(field.substring(0, field.indexOf('=')), field.substring(field.indexOf('=') + 1));
            }
            return new HugeLayer(
                    Double.parseDouble(fields.get("seconds")),
                    Long.parseLong(fields.get("bytes")),
                    Long.parseLong(fields.get("peakHeap")),
                    Long.parseLong(fields.get("maxHeap")));
        }
    }

    private static double skopeoSync(Path directory, String source, String target, List<String> repositories) {
        return skopeoSync(
                directory,
                source,
                repositories,
                List.of("--dest", "docker", "--dest-tls-verify=false", target + "/mirror"));
    }

    /**
     * {@code skopeo sync --all} of every repository's tag {@link SyntheticImages#TAG} from {@code source} (plain
     * HTTP), listed in a YAML file, to {@code destination} ({@code --dest ...} and the destination itself).
     */
    static double skopeoSync(Path directory, String source, List<String> repositories, List<String> destination) {
        try {
            Path list = directory.resolve("images.yaml");
            StringBuilder yaml = new StringBuilder(source + ":\n  tls-verify: false\n  images:\n");
            repositories.forEach(repository ->
                    yaml.append("    ").append(repository).append(": [\"" + SyntheticImages.TAG + "\"]\n"));
            Files.writeString(list, yaml, StandardCharsets.UTF_8);
            // each image lands under the last component of its repository: keep those distinct
            List<String> command = new ArrayList<>(List.of("skopeo", "sync", "--all", "--src", "yaml"));
            command.addAll(destination.subList(0, destination.size() - 1));
            command.add(list.toString());
            command.add(destination.get(destination.size() - 1));
            return Commands.run(directory, command, Map.of()).seconds();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void requireMoved(String output) {
        String moved = moved(output);
        if (moved.startsWith("0 B")) {
            throw new IllegalStateException("The first copy moved nothing (" + moved + "): the target was not empty.");
        }
    }

    private static final Pattern LOGGED_AT = Pattern.compile(
            "(?m)^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) \\[INFO\\] (Mirroring to|Mirrored \\d+ artifacts)");

    /** The copy's share of a run, from the time stamps Maven's log gives the mirror's first and last lines. */
    static double copySeconds(String output) {
        Matcher matcher = LOGGED_AT.matcher(output);
        double start = -1;
        double end = -1;
        while (matcher.find()) {
            double at = Integer.parseInt(matcher.group(1)) * 3600
                    + Integer.parseInt(matcher.group(2)) * 60
                    + Integer.parseInt(matcher.group(3))
                    + Integer.parseInt(matcher.group(4)) / 1000.0;
            if (matcher.group(5).startsWith("Mirroring")) {
                start = at;
            } else {
                end = at;
            }
        }
        if (start < 0 || end < start) {
            throw new IllegalStateException("The Maven log has no time-stamped mirror lines:\n" + output);
        }
        return end - start;
    }

    static String moved(String output) {
        Matcher matcher = MOVED.matcher(output);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1) + " in " + matcher.group(2) + " blobs";
        }
        if (last == null) {
            throw new IllegalStateException("The Maven output has no 'Mirrored …' or 'Pushed …' line:\n" + output);
        }
        return last;
    }

    private static String markdown(
            long total,
            Samples ours,
            Samples copying,
            Samples skopeo,
            Samples raw,
            Samples noOp,
            List<String> noOpMoved,
            Bundle bundle,
            HugeLayer huge) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "%d images × %d layers = %d MiB of incompressible layers, into an empty registry each time; whole"
                        + " processes, %d alternating rounds, medians.%n%n",
                IMAGES,
                LAYERS_PER_IMAGE,
                total >> 20,
                ours.all("", 1).split(" / ").length));
        md.append("| contender | median | throughput | rounds | falco-offline is |\n|---|---:|---:|---|---:|\n");
        for (Samples samples : List.of(ours, skopeo, raw)) {
            if (samples == skopeo) {
                appendCopyRow(md, copying, raw, total);
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f s | %d MiB/s | %s | %s |%n",
                    samples.name(),
                    samples.median(),
                    (long) (total / samples.median()) >> 20,
                    samples.all("s", 1),
                    samples == ours
                            ? ""
                            : String.format(Locale.ROOT, "%.2f× as fast", samples.median() / ours.median())));
        }
        md.append(String.format(
                Locale.ROOT,
                "| %s | %.2f s | | %s | moved %s |%n",
                noOp.name(),
                noOp.median(),
                noOp.all("s", 1),
                String.join(" / ", noOpMoved)));
        md.append(String.format(
                Locale.ROOT,
                "%nfalco-offline against `skopeo sync --all`: **%.2f×** the throughput; against the raw limit: it takes"
                        + " **%.2f×** its time.%n%n",
                skopeo.median() / ours.median(),
                ours.median() / raw.median()));
        md.append(String.format(
                Locale.ROOT,
                "Offline bundle (one run each, whole `mvn` processes): written from the source registry in %.2f s (%s),"
                        + " pushed into an empty registry with `falco-offline:push` in %.2f s (%s).%n%n",
                bundle.writeSeconds(),
                bundle.written(),
                bundle.pushSeconds(),
                bundle.pushed()));
        md.append(String.format(
                Locale.ROOT,
                "One %d MiB layer pushed into an empty registry through the library in a JVM with a %d MiB heap: %.2f s"
                        + " (%d MiB/s), %d MiB moved, heap pools' summed peaks %d MiB.%n",
                huge.bytes() >> 20,
                huge.maxHeap() >> 20,
                huge.seconds(),
                (long) (huge.bytes() / huge.seconds()) >> 20,
                huge.bytes() >> 20,
                huge.peakHeap() >> 20));
        return md.toString();
    }

    private static void appendCopyRow(StringBuilder md, Samples copying, Samples raw, long total) {
        md.append(String.format(
                Locale.ROOT,
                "| %s | %.2f s | %d MiB/s | %s | %.2f× the raw limit's time |%n",
                copying.name(),
                copying.median(),
                (long) (total / copying.median()) >> 20,
                copying.all("s", 1),
                copying.median() / raw.median()));
    }

    static Path fresh(Path work, String name) {
        try {
            return Files.createTempDirectory(work, name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
