package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ValuesChange;
import io.falcooffline.core.reference.ReferenceKind;
import io.falcooffline.core.reference.ReferenceLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PackageSummaryTest {

    private static final Plan PLAN = new Plan(
            "falco",
            "9.0.0",
            "192.168.5.96:30003",
            List.of(
                    reference(
                            "docker.io/falcosecurity/falco:0.44.0",
                            "192.168.5.96:30003/falco/falco:0.44.0",
                            Disposition.REDIRECTED),
                    reference(
                            "192.168.5.96:30003/falco/falcoctl:0.13.0",
                            "192.168.5.96:30003/falco/falcoctl:0.13.0",
                            Disposition.ALREADY_INTERNAL),
                    reference(
                            "https://falcosecurity.github.io/falcoctl/index.yaml",
                            "https://falcosecurity.github.io/falcoctl/index.yaml",
                            Disposition.NOT_REDIRECTED)),
            List.of(new ValuesChange("falco/values.yaml", "image.registry", "docker.io", "192.168.5.96:30003")),
            List.of("https://falcosecurity.github.io/falcoctl/index.yaml is not redirected"));

    @Test
    void shouldLogThePlanSummaryAndNameTheFilesWhenTheChartWasWritten() {
        List<String> lines = new ArrayList<>();

        PackageSummary.report(
                new PackageResult(
                        PLAN,
                        Optional.of(Path.of("out/falco-9.0.0.tgz")),
                        Optional.of(Path.of("out/falco-offline.plan.json"))),
                recorder(lines));

        assertThat(lines)
                .containsSequence(PlanJson.summary(PLAN).stream()
                        .map(line -> "INFO " + line)
                        .toList())
                .endsWith(
                        "INFO Chart: " + Path.of("out/falco-9.0.0.tgz"),
                        "INFO Plan:  " + Path.of("out/falco-offline.plan.json"))
                .hasSize(PlanJson.summary(PLAN).size() + 2);
    }

    @Test
    void shouldSayNothingWasWrittenWhenDryRun() {
        List<String> lines = new ArrayList<>();

        PackageSummary.report(new PackageResult(PLAN, Optional.empty(), Optional.empty()), recorder(lines));

        assertThat(lines).contains("INFO Dry run: nothing written.").noneMatch(line -> line.startsWith("INFO Chart:"));
    }

    private static ProgressListener recorder(List<String> lines) {
        return (level, message) -> lines.add(level + " " + message);
    }

    private static PlannedReference reference(String source, String target, Disposition disposition) {
        return new PlannedReference(
                ReferenceKind.IMAGE,
                source,
                target,
                disposition,
                List.of(new ReferenceLocation("falco", "values.yaml", "image", 0)));
    }
}
