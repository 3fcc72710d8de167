package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.testing.ExternalCommand;
import io.falcooffline.core.testing.LocalRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Blob transfers stream with flat memory: a JVM whose heap is far smaller than the blob pushes it and copies it
 * (fetch stream into push). By default a 256 MiB blob in a 48 MiB heap, which proves the same as 1 GiB in 256 MiB
 * in a quarter of the time; {@code -Dfalco-offline.largeBlobBytes=1073741824 -Dfalco-offline.largeBlobHeap=256m}
 * runs the full-size case.
 */
class LargeBlobTest {

    private static final long SIZE = Long.getLong("falco-offline.largeBlobBytes", 256L << 20);
    private static final String HEAP = System.getProperty("falco-offline.largeBlobHeap", "48m");

    @Test
    void shouldCopyABlobMuchLargerThanTheHeapWhenStreaming() {
        try (LocalRegistry registry = LocalRegistry.startPlain()) {
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();

            ExternalCommand.Result result = ExternalCommand.run(
                    List.of(
                            java,
                            "-Xmx" + HEAP,
                            "-cp",
                            classpath,
                            LargeBlobCopy.class.getName(),
                            registry.host(),
                            Long.toString(SIZE)),
                    Map.of(),
                    Duration.ofMinutes(5));

            assertThat(result.exitCode())
                    .as(result.stderr() + "\nregistry log:\n" + registry.log())
                    .isZero();
            assertThat(result.stdoutText()).startsWith("copied sha256:");
        }
    }
}
