package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.testing.ExternalCommand;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.LocalRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranged fetches keep memory flat: in a JVM whose heap is far smaller than the layer, the copy engine fetches it in
 * 16 ranges at once into a bundle and into a registry (through a temporary file). 256 MiB in a 48 MiB heap by
 * default, as {@code LargeBlobTest}; {@code -Dfalco-offline.largeBlobBytes=1073741824 -Dfalco-offline.largeBlobHeap=64m}
 * runs the full-size case.
 */
class LargeRangedCopyTest {

    private static final long SIZE = Long.getLong("falco-offline.largeBlobBytes", 256L << 20);
    private static final String HEAP = System.getProperty("falco-offline.largeBlobHeap", "48m");

    @Test
    void shouldFetchALayerMuchLargerThanTheHeapInRanges(@TempDir Path temp) {
        try (LocalRegistry source = LocalRegistry.startPlain();
                FaultProxy distant = FaultProxy.start(source.host()).roundTrip(FaultProxy.ACROSS_THE_INTERNET);
                LocalRegistry target = LocalRegistry.startPlain()) {
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();

            ExternalCommand.Result result = ExternalCommand.run(
                    List.of(
                            java,
                            "-Xmx" + HEAP,
                            "-Djava.io.tmpdir=" + temp,
                            "-cp",
                            classpath,
                            LargeRangedCopy.class.getName(),
                            source.host(),
                            distant.host(),
                            target.host(),
                            temp.resolve("bundle").toString(),
                            Long.toString(SIZE)),
                    Map.of(),
                    Duration.ofMinutes(5));

            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.stdoutText()).startsWith("copied in ranges " + SIZE + " bytes");
        }
    }
}
