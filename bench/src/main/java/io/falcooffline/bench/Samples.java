package io.falcooffline.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Repeated timings of one contender, in seconds; compared by their medians. */
final class Samples {

    private final String name;
    private final List<Double> seconds = new ArrayList<>();

    Samples(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    void add(double value) {
        seconds.add(value);
    }

    boolean isEmpty() {
        return seconds.isEmpty();
    }

    double median() {
        List<Double> sorted = new ArrayList<>(seconds);
        sorted.sort(null);
        int n = sorted.size();
        if (n == 0) {
            throw new IllegalStateException(name + " has no samples");
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    String all(String unit, double scale) {
        List<String> formatted = new ArrayList<>();
        for (double value : seconds) {
            formatted.add(String.format(Locale.ROOT, "%.2f", value * scale));
        }
        return String.join(" / ", formatted) + " " + unit;
    }

    /**
     * Runs each contender once per round, each round starting one contender later, so that a slow spell of the
     * machine falls on all of them alike.
     */
    static void alternate(String what, List<Runnable> contenders, int rounds) {
        for (int round = 0; round < rounds; round++) {
            System.out.printf(Locale.ROOT, "%s round %d of %d%n", what, round + 1, rounds);
            for (int turn = 0; turn < contenders.size(); turn++) {
                settleDisk();
                contenders.get((round + turn) % contenders.size()).run();
            }
        }
    }

    /**
     * Writes every dirty page to disk before the next contender starts, untimed. Each contender writes hundreds of
     * megabytes (a bundle, a registry's storage, skopeo's directory), and the kernel writes them back up to 30 seconds
     * later: without this, the next contender's round would pay, on the same two cores and disk, for the writes of the
     * one before.
     */
    private static void settleDisk() {
        Commands.run(Path.of("").toAbsolutePath(), List.of("sync"), Map.of());
    }

    static double elapsedSeconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
