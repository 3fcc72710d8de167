package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A core file over 600 lines mixes concerns that want a class each; this keeps the split from eroding. */
class SourceFileSizeTest {

    private static final int MAX_LINES = 600;

    @Test
    void shouldKeepEveryCoreMainFileUnderTheLineLimit() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<Path> sources =
                    files.filter(file -> file.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            List<String> tooLong = sources.stream()
                    .filter(file -> lines(file) > MAX_LINES)
                    .map(file -> file + " (" + lines(file) + " lines)")
                    .toList();
            assertThat(tooLong).as("core files over " + MAX_LINES + " lines").isEmpty();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
