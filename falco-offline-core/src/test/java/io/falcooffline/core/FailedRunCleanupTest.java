package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that fails after writing some results takes them all back: chart, plan and the kube-apiserver files. */
@Tag("upstream")
class FailedRunCleanupTest {

    private static final Path FIXTURES = Path.of(System.getProperty("falco-offline.fixtures", "../../shared/fixtures"));

    @TempDir
    Path work;

    /** No falcoctl artifacts to resolve upstream, so the run gets as far as the mirror. */
    private Path falcoctlOff() throws IOException {
        return Files.writeString(
                work.resolve("falcoctl-off.yaml"),
                "falcoctl:\n  artifact:\n    install:\n      enabled: false\n    follow:\n      enabled: false\n");
    }

    @Test
    void shouldRemoveChartPlanAndAuditFilesWhenMirroringFails() throws IOException {
        Path out = work.resolve("out");
        Path foreign = Files.createDirectories(work.resolve("not-a-bundle"));
        Files.writeString(foreign.resolve("someone-elses.txt"), "keep\n");
        PackageRequest request = PackageRequest.builder()
                .chart(FIXTURES.resolve("charts/falco-9.0.0.tgz"))
                .registry("192.168.5.96:30003")
                .repositoryPrefix("falco")
                .valuesFile(falcoctlOff())
                .audit(AuditOptions.builder().webhookAddress("10.0.0.5").build())
                .strict(false)
                .outputDirectory(out)
                .mirror(MirrorOptions.builder()
                        .mode(MirrorMode.BUNDLE)
                        .bundle(foreign)
                        .build())
                .build();
        List<String> log = new java.util.ArrayList<>();

        assertThatThrownBy(() -> FalcoOffline.packageChart(request, (level, message) -> log.add(message)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("already holds files that falco-offline did not write");

        if (Files.exists(out)) {
            try (Stream<Path> left = Files.walk(out)) {
                assertThat(left.filter(Files::isRegularFile)).isEmpty();
            }
        }
        assertThat(out.resolve("audit")).doesNotExist();
        assertThat(foreign.resolve("someone-elses.txt")).hasContent("keep");
    }
}
