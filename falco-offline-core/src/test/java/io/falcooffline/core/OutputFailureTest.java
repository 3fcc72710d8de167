package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.render.TestCharts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that refuses a write ends the run with one {@link FalcoOfflineException} naming the path, never a raw
 * {@link java.io.UncheckedIOException}, and leaves no result behind. A path under a regular file stands for the
 * unwritable disk: unlike permissions, it also refuses root.
 */
class OutputFailureTest {

    @TempDir
    Path work;

    private PackageRequest.Builder request(Path output) {
        return PackageRequest.builder()
                .chart(TestCharts.lighthouse())
                .registry("registry.internal:5000")
                .outputDirectory(output);
    }

    @Test
    void shouldNameTheBundleWhenItCannotBeWritten() throws IOException {
        Path blocker = Files.writeString(work.resolve("not-a-directory"), "a file where the bundle's parent should be");
        Path bundle = blocker.resolve("bundle");
        Path output = work.resolve("out");

        assertThatThrownBy(() -> FalcoOffline.packageChart(
                        request(output)
                                .mirror(MirrorOptions.builder()
                                        .mode(MirrorMode.BUNDLE)
                                        .bundle(bundle)
                                        .build())
                                .build(),
                        ProgressListener.SILENT))
                .isExactlyInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(bundle.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(leftIn(output)).isEmpty();
    }

    @Test
    void shouldNameTheOutputDirectoryWhenTheChartCannotBeWritten() throws IOException {
        Path output = Files.writeString(work.resolve("out"), "a file where the output directory should be");

        assertThatThrownBy(() -> FalcoOffline.packageChart(request(output).build(), ProgressListener.SILENT))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(output.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Files.readString(output)).isEqualTo("a file where the output directory should be");
    }

    private static java.util.List<Path> leftIn(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
