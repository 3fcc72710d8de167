package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The plugin is a client of the core's public API like any embedder: it imports nothing else from the core. */
class PluginUsesOnlyTheApiTest {

    private static final Set<String> API_PACKAGES = Set.of("io.falcooffline.core", "io.falcooffline.core.plan");

    private static final Pattern CORE_REFERENCE =
            Pattern.compile("\\bio\\.falcooffline\\.core(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*");

    @Test
    void shouldReferToCoreTypesOnlyInTheApiPackages() throws IOException {
        Set<String> outside = new TreeSet<>();
        Set<String> packagesUsed = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            List<Path> files =
                    sources.filter(file -> file.toString().endsWith(".java")).toList();
            assertThat(files).isNotEmpty();
            for (Path file : files) {
                Matcher matcher = CORE_REFERENCE.matcher(Files.readString(file));
                while (matcher.find()) {
                    String type = matcher.group();
                    String pkg = type.substring(0, type.lastIndexOf('.'));
                    packagesUsed.add(pkg);
                    if (!API_PACKAGES.contains(pkg)) {
                        outside.add(file.getFileName() + ": " + type);
                    }
                }
            }
        }
        assertThat(outside)
                .as("core types the plugin uses outside the public API")
                .isEmpty();
        assertThat(packagesUsed).isNotEmpty().hasSizeLessThanOrEqualTo(3);
    }
}
