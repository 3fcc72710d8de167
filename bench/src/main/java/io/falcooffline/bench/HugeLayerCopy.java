package io.falcooffline.bench;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.VerifyMode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Run in a JVM with a small heap: packages the chart with one huge layer and pushes it into an empty registry through
 * the library, then prints the time, the bytes moved and the heap pools' summed peaks.
 *
 * <p>Arguments: {@code <chart dir> <source host> <target host> <output dir>}.
 */
public final class HugeLayerCopy {

    static final String RESULT_PREFIX = "huge-layer ";

    private HugeLayerCopy() {}

    public static void main(String[] args) {
        String source = args[1];
        String target = args[2];
        PackageRequest request = PackageRequest.builder()
                .chart(Path.of(args[0]))
                .registry(target)
                .repositoryPrefix("mirror")
                .outputDirectory(Path.of(args[3]))
                .verify(VerifyMode.OFF)
                .mirror(MirrorOptions.builder()
                        .mode(MirrorMode.PUSH)
                        .registryMirror("docker.io", source)
                        .insecureRegistries(List.of(source, target))
                        .build())
                .build();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        PackageResult result = FalcoOffline.packageChart(request, (level, message) -> {});
        double seconds = Samples.elapsedSeconds(start);
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        long bytes = result.mirror().map(MirrorResult::bytesTransferred).orElse(0L);
        System.out.printf(
                Locale.ROOT,
                "%sseconds=%.2f bytes=%d peakHeap=%d maxHeap=%d%n",
                RESULT_PREFIX,
                seconds,
                bytes,
                peak,
                Runtime.getRuntime().maxMemory());
    }
}
