package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidChartException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.UnredirectedReferencesException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

class MojoErrorsTest {

    @Test
    void shouldNamePomElementAndPropertyWhenTheCoreRejectsARequest() {
        InvalidRequestException rejected = catchThrowableOfType(
                InvalidRequestException.class,
                () -> PackageRequest.builder()
                        .chart(Path.of("falco-9.0.0.tgz"))
                        .outputDirectory(Path.of("out"))
                        .build());

        MojoExecutionException mapped = MojoErrors.invalidParameter(rejected);

        assertThat(mapped.getMessage())
                .startsWith("<registry> / -Dfalco-offline.registry: ")
                .contains("No internal registry given");
        assertThat(mapped.getCause()).hasToString(rejected.toString());
        assertThat(mapped.getCause().getStackTrace()).isEqualTo(rejected.getStackTrace());
    }

    @Test
    void shouldNameThePluginParameterWhenThePluginRejectsAValue() {
        InvalidRequestException rejected =
                catchThrowableOfType(InvalidRequestException.class, () -> ParameterValues.repositoryLayout("nested"));

        assertThat(MojoErrors.invalidParameter(rejected).getMessage())
                .startsWith("<repositoryLayout> / -Dfalco-offline.repositoryLayout: ")
                .contains("keep, flatten");
    }

    @Test
    void shouldPointAtTheListParameterWhenAnEntryIsAtFault() {
        InvalidRequestException rejected = new InvalidRequestException("valuesFiles[1]", "custom.yaml does not exist.");

        assertThat(MojoErrors.invalidParameter(rejected).getMessage())
                .isEqualTo("<valuesFiles> / -Dfalco-offline.valuesFiles: custom.yaml does not exist.");
    }

    @Test
    void shouldKeepTheCoreNameWhenNoGoalHasThatParameter() {
        InvalidRequestException rejected =
                new InvalidRequestException("host", "Registry host 'a/b' is not host[:port].");

        assertThat(MojoErrors.invalidParameter(rejected).getMessage())
                .isEqualTo("host: Registry host 'a/b' is not host[:port].");
    }

    @Test
    void shouldFailTheBuildWithTheCoreMessageWhenTheInputIsBad() {
        InvalidChartException bad = new InvalidChartException(
                "falco-9.0.0.tgz entry falco/../../etc/passwd references the parent directory. Use a chart from helm package.");

        MojoFailureException mapped = MojoErrors.failure(bad);

        assertThat(mapped.getMessage()).isEqualTo(bad.getMessage());
        assertThat(mapped.getCause()).hasToString(bad.toString());
    }

    @Test
    void shouldListEveryReferenceWhenStrictModeFails() {
        UnredirectedReferencesException unredirected = new UnredirectedReferencesException(
                List.of(
                        "https://falcosecurity.github.io/falcoctl/index.yaml at falco/values.yaml falcoctl.config.indexes[0].url"));

        assertThat(MojoErrors.failure(unredirected).getMessage())
                .contains("https://falcosecurity.github.io/falcoctl/index.yaml")
                .contains("strict=false");
    }

    @Test
    void shouldMaskCredentialsWhenAMessageCarriesThem() {
        assertThat(MojoErrors.failure(
                                new InvalidChartException("cannot fetch https://robot:s3cr3t@harbor.local/chart.tgz"))
                        .getMessage())
                .doesNotContain("s3cr3t")
                .contains("https://robot:****@harbor.local/chart.tgz");
        assertThat(MojoErrors.invalidParameter(new InvalidRequestException("registry", "bad password=hunter2"))
                        .getMessage())
                .doesNotContain("hunter2");
    }

    @Test
    void shouldMaskEveryMessageOfTheCauseChainBecauseMavenPrintsThemAll() {
        java.io.IOException root = new java.io.IOException("GET https://alice:hunter2@harbor.local/v2/ failed");
        FalcoOfflineException failure =
                new FalcoOfflineException("cannot read https://alice:hunter2@harbor.local/v2/", root);

        MojoFailureException mapped = MojoErrors.failure(failure);
        java.io.StringWriter printed = new java.io.StringWriter();
        mapped.printStackTrace(new java.io.PrintWriter(printed));

        assertThat(printed.toString())
                .doesNotContain("hunter2")
                .contains(
                        "Caused by: io.falcooffline.core.FalcoOfflineException: cannot read https://alice:****@harbor.local/v2/")
                .contains("Caused by: java.io.IOException: GET https://alice:****@harbor.local/v2/ failed");
    }

    @Test
    void shouldKeepAForgedLogLineOnTheErrorLine() {
        String message = MojoErrors.failure(new InvalidChartException("bad value 'x\n[INFO] BUILD SUCCESS'"))
                .getMessage();

        assertThat(message).doesNotContain("\n").contains("x\\u000a[INFO] BUILD SUCCESS");
    }
}
