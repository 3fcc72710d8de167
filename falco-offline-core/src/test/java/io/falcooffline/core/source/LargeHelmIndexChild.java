package io.falcooffline.core.source;

import io.falcooffline.core.ChartSource;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.oci.registry.RegistryAccess;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run in a JVM with a small heap by {@link LargeHelmIndexTest}: resolves a chart from a large repository index served
 * over HTTP, reads the index again to measure what it keeps, and adds a chart version to a copy of it. Prints one
 * {@code key=value} line per result.
 */
public final class LargeHelmIndexChild {

    private LargeHelmIndexChild() {}

    public static void main(String[] args) throws Exception {
        String repository = args[0];
        Path cache = Path.of(args[1]);
        Path index = Path.of(args[2]);
        Path published = Path.of(args[3]);

        ResolvedChart chart = ChartSources.resolve(
                ChartSource.repository(repository, LargeHelmIndexes.WANTED, "7.*"),
                SourceOptions.builder().cacheDirectory(cache).build(),
                RegistryAccess.builder().build(),
                ProgressListener.SILENT);
        System.out.println("resolved=" + chart.digest());

        long before = usedAfterCollection();
        HelmIndex read;
        try (InputStream in = Files.newInputStream(index)) {
            read = HelmIndex.read(in, index.toString(), LargeHelmIndexes.WANTED);
        }
        long retained = usedAfterCollection() - before;
        System.out.println("versions=" + read.versions(LargeHelmIndexes.WANTED).size());
        System.out.println("retained=" + retained);
        Reference.reachabilityFence(read);

        Map<String, Object> chartYaml = new LinkedHashMap<>();
        chartYaml.put("apiVersion", "v2");
        chartYaml.put("name", LargeHelmIndexes.WANTED);
        chartYaml.put("version", "9.9.9");
        chartYaml.put("description", "Published into a large index");
        HelmIndex.addTo(
                published,
                chartYaml,
                "sha256:" + "cd".repeat(32),
                "lighthouse-9.9.9.tgz",
                Instant.parse("2026-03-04T05:06:07Z"));
        System.out.println("published=" + Files.size(published));

        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("peakHeap=" + peak);
        System.out.println("maxHeap=" + Runtime.getRuntime().maxMemory());
    }

    private static long usedAfterCollection() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
