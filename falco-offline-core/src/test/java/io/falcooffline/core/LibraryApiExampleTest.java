package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.plan.PlannedReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's and the site's library example, run as written but for the file locations. */
@Tag("upstream")
class LibraryApiExampleTest {

    private static final Path FIXTURES = Path.of(System.getProperty("falco-offline.fixtures", "../../shared/fixtures"));

    @TempDir
    Path out;

    @Test
    void shouldRunTheDocumentedExample() {
        List<String> printed = new ArrayList<>();

        PackageRequest request = PackageRequest.builder()
                .chart(FIXTURES.resolve("charts/falco-9.0.0.tgz"))
                .valuesFile(FIXTURES.resolve("values/custom_values.yaml"))
                .registry("192.168.5.96:30003")
                .repositoryPrefix("falco")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .strict(false)
                .outputDirectory(out)
                .build();
        PackageResult result =
                FalcoOffline.packageChart(request, (level, message) -> printed.add(level + " " + message));
        for (PlannedReference reference : result.plan().references()) {
            printed.add(reference.source() + " -> " + reference.target());
        }

        assertThat(result.chartFile()).contains(out.resolve("falco-9.0.0.tgz"));
        assertThat(printed)
                .contains(
                        "docker.io/falcosecurity/falco-driver-loader:0.44.0 -> 192.168.5.96:30003/falco/falco-driver-loader:0.44.0")
                .anyMatch(line -> line.startsWith("INFO falco 9.0.0: "));
    }
}
