package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ChartSource;
import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.testing.HostileFiles;
import io.falcooffline.core.testing.StaticHttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository index is read as a stream, but everything read from it stays bounded: its bytes, each token, the
 * nesting, the versions kept; aliases, custom tags and second documents are refused. Each refusal names the index
 * and the fix, whether the index is a repository source or a publish target.
 */
class HelmIndexBoundsTest {

    private static final String URL = "https://charts.example.com/index.yaml";
    private static final String HEADER = "apiVersion: v1\nentries:\n";
    private static final String WANTED = "  lighthouse:\n  - name: lighthouse\n    version: 1.0.0\n    urls: [a.tgz]\n";

    @TempDir
    Path temp;

    @Test
    void shouldRefuseAnIndexLargerThan256MiBBeforeReadingIt() throws IOException {
        Path repository = temp.resolve("repo");
        HostileFiles.sparse(repository.resolve(HelmIndex.FILE_NAME), HelmIndex.MAX_INDEX_BYTES + 1);

        try (StaticHttpServer server = StaticHttpServer.serve(repository)) {
            assertThatThrownBy(() -> resolve(server))
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining("index.yaml of " + server.uri())
                    .hasMessageContaining("larger than 268435456 bytes (256 MiB)")
                    .hasMessageContaining("give the chart's own URL");
        }
        Path blobs = temp.resolve("cache/blobs/sha256");
        assertThat(!Files.exists(blobs) || blobs.toFile().list().length == 0)
                .as("nothing cached")
                .isTrue();
    }

    @Test
    void shouldRefuseNestingDeeperThanTheLimitInAChartThatIsNotEvenWanted() throws IOException {
        String deep = "  other:\n  - version: 1.0.0\n    deep: " + "[".repeat(60) + "]".repeat(60) + "\n";
        Path repository = temp.resolve("repo");
        Files.createDirectories(repository);
        Files.writeString(repository.resolve(HelmIndex.FILE_NAME), HEADER + WANTED + deep);

        try (StaticHttpServer server = StaticHttpServer.serve(repository)) {
            assertThatThrownBy(() -> resolve(server))
                    .isInstanceOf(ChartSourceException.class)
                    .hasMessageContaining(server.uri() + "/index.yaml line 9")
                    .hasMessageContaining("deeper than 50 levels")
                    .hasMessageContaining("Flatten the structure");
        }
    }

    @Test
    void shouldRefuseAnAliasBombWithoutExpandingIt() {
        StringBuilder bomb = new StringBuilder("  other:\n  - version: 1.0.0\n    a0: &a0 [lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            bomb.append("    a").append(i).append(": &a").append(i).append(" [");
            bomb.append(("*a" + (i - 1) + ", ").repeat(9))
                    .append("*a")
                    .append(i - 1)
                    .append("]\n");
        }

        assertRefused(HEADER + bomb + WANTED)
                .hasMessageContaining(URL + " line 6")
                .hasMessageContaining("uses an alias (*a0)")
                .hasMessageContaining("Write the value out instead");
    }

    @Test
    void shouldRefuseCustomTagsAndASecondDocument() {
        assertRefused(HEADER + WANTED + "  other:\n  - version: !!python/object:os.system 1.0.0\n")
                .hasMessageContaining(URL + " line 8")
                .hasMessageContaining("uses the tag tag:yaml.org,2002:python/object:os.system")
                .hasMessageContaining("Remove the tag there");
        assertRefused(HEADER + WANTED + "  other: !Ref [1]\n").hasMessageContaining("uses the tag !Ref");
        assertRefused(HEADER + WANTED + "---\n" + HEADER + WANTED)
                .hasMessageContaining(URL + " holds more than one YAML document")
                .hasMessageContaining("Remove what follows the first `---`");
    }

    @Test
    void shouldRefuseATokenLongerThan1MiCharactersAndTextThatIsNotUtf8() {
        String huge = "  other:\n  - version: 1.0.0\n    description: " + "x".repeat(1_100_000) + "\n";

        assertRefused(HEADER + huge + WANTED)
                .hasMessageContaining(URL + " holds a value, key or comment longer than 1048576 characters")
                .hasMessageContaining("Shorten it");
        byte[] latin1 = (HEADER + WANTED + "  other: café\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> HelmIndex.read(new ByteArrayInputStream(latin1), URL, "lighthouse"))
                .isInstanceOf(ChartSourceException.class)
                .hasMessageContaining(URL + " is not UTF-8 text")
                .hasMessageContaining("Save it as UTF-8");
    }

    @Test
    void shouldRefuseMoreVersionsOfTheWantedChartThanItKeeps() {
        String tooMany = "  - {version: 1.0.0}\n".repeat(HelmIndexReader.MAX_KEPT_VERSIONS + 1);

        assertRefused(HEADER + "  lighthouse:\n" + tooMany)
                .hasMessageContaining(URL + " lists more than 20000 versions of the chart lighthouse")
                .hasMessageContaining("Remove old versions");
        // Other charts' versions are skipped, not kept, so they do not count.
        String others = HEADER + "  other:\n" + tooMany + WANTED;
        assertThat(HelmIndex.read(new ByteArrayInputStream(others.getBytes(StandardCharsets.UTF_8)), URL, "lighthouse")
                        .versions("lighthouse"))
                .containsExactly("1.0.0");
    }

    @Test
    void shouldRefuseAPublishTargetWithAnAliasNamingTheFileAndLeaveIt() throws IOException {
        Path file = temp.resolve(HelmIndex.FILE_NAME);
        String existing = HEADER + WANTED + "  other:\n  - &o {version: 1.0.0}\n  - *o\n";
        Files.writeString(file, existing);

        assertThatThrownBy(() -> HelmIndex.addTo(
                        file,
                        Map.of("name", "lighthouse", "version", "2.0.0"),
                        "sha256:" + "0".repeat(64),
                        "lighthouse-2.0.0.tgz",
                        Instant.EPOCH))
                .isInstanceOf(ChartSourceException.class)
                .hasMessageContaining(file + " line 9")
                .hasMessageContaining("uses an alias (*o)");
        assertThat(Files.readString(file)).isEqualTo(existing);
    }

    @Test
    void shouldNameTheIndexAndTheFixWhenAStreamWithoutALengthPassesTheBound() {
        byte[] index = (HEADER + WANTED).getBytes(StandardCharsets.UTF_8);

        // The same reading as for 256 MiB, with a bound this index passes: it is counted as it is parsed.
        assertThatThrownBy(() -> HelmIndex.read(
                        new ByteArrayInputStream(index), URL, Optional.of("lighthouse"), index.length - 1))
                .isInstanceOf(ChartSourceException.class)
                .hasMessageContaining(URL + " is larger than " + (index.length - 1) + " bytes")
                .hasMessageContaining("give the chart's URL instead");
        assertThat(HelmIndex.read(new ByteArrayInputStream(index), URL, Optional.of("lighthouse"), index.length)
                        .versions("lighthouse"))
                .containsExactly("1.0.0");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String index) {
        return assertThatThrownBy(() -> HelmIndex.read(
                        new ByteArrayInputStream(index.getBytes(StandardCharsets.UTF_8)), URL, "lighthouse"))
                .isInstanceOf(ChartSourceException.class);
    }

    private ResolvedChart resolve(StaticHttpServer server) {
        return ChartSources.resolve(
                ChartSource.repository(server.uri().toString(), "lighthouse", "1.0.0"),
                SourceOptions.builder().cacheDirectory(temp.resolve("cache")).build(),
                RegistryAccess.builder().build(),
                ProgressListener.SILENT);
    }
}
