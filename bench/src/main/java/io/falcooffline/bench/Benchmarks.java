package io.falcooffline.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs falco-offline side by side with the tools users would otherwise reach for, on this machine, in one run, and
 * writes the figures into {@code src-site/markdown/performance.md}.
 *
 * <p>Arguments: the comparisons to run ({@code wan}, {@code mirror}, {@code rewrite}, {@code startup}, or {@code
 * all}), then {@code key=value} settings: {@code wanMiB} (the wide-area set's size, default its full 1.2 GiB),
 * {@code shapes} (link shapes as {@code rtt-ms/per-connection-MiB/s/total-MiB/s}, comma-separated, default {@code
 * 60/20/100,40/30/120}), {@code wanRounds} (default {@code rounds}, else 3), {@code rounds} (alternating rounds of the
 * loopback mirror comparison, default 5: on two cores shared with two registries its medians of three moved by a
 * tenth from run to run), {@code mirrorMiB} (the image set's size, default 1024), {@code parallelism} (passed to
 * the plugin), {@code rawParallel} (the raw copy's transfers at a time, default 3), {@code hugeMiB} and {@code
 * hugeHeap} (the one-layer copy, default 1024 and 64m), {@code rewriteRuns} and {@code rewriteWarmups} (the in-JVM
 * rewrite comparison), {@code startupRounds} (default 7), {@code chart} and {@code values} (the upstream fixtures),
 * {@code report} (the page to write, default {@code src-site/markdown/performance.md}; {@code none} writes nothing).
 */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        List<String> comparisons = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            for (String word : arg.trim().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                int equals = word.indexOf('=');
                if (equals > 0) {
                    settings.put(word.substring(0, equals), word.substring(equals + 1));
                } else {
                    comparisons.addAll(List.of(word.split(",")));
                }
            }
        }
        if (comparisons.isEmpty() || comparisons.contains("all")) {
            comparisons = List.of("wan", "mirror", "rewrite", "startup");
        }
        BenchSettings bench = new BenchSettings(settings);
        Machine machine = Machine.describe();
        System.out.println(machine.summary());
        List<ReportSection> sections = new ArrayList<>();
        for (String comparison : comparisons) {
            ReportSection section = switch (comparison) {
                case "wan" -> new WanComparison(bench).run();
                case "mirror" -> new MirrorComparison(bench).run();
                case "rewrite" -> new RewriteComparison(bench).run();
                case "startup" -> new StartupComparison(bench).run();
                default ->
                    throw new IllegalArgumentException(
                            "Unknown comparison '" + comparison + "': use wan, mirror, rewrite, startup or all.");
            };
            System.out.println(section.markdown());
            sections.add(section);
        }
        String report = bench.text("report", "src-site/markdown/performance.md");
        if (!report.equals("none")) {
            PerformancePage.update(Path.of(report), machine, sections);
            System.out.println("Wrote " + sections.size() + " section(s) into " + report);
        }
    }
}
