package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every package run writes README.md and images.txt beside the chart, and one list of warnings in the plan. */
class RunSummaryTest {

    private static final String REGISTRY = "harbor.corp:8443";

    @TempDir
    Path work;

    private final List<String> log = new ArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    @Test
    void shouldSayWhatWasDoneWhatToRunAndEveryWarningWhenNothingWasMirrored() throws IOException {
        Path chart = chart("docker.io", "quay.io/unmapped/tool:2.0");
        PackageResult result = FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(chart)
                        .registry(REGISTRY)
                        .repositoryPrefix("falco")
                        .strict(false)
                        .releaseName("falco")
                        .namespace("security")
                        .outputDirectory(work.resolve("out"))
                        .build(),
                listener);

        Path out = work.resolve("out");
        String readme = Files.readString(out.resolve("README.md"));
        assertThat(readme)
                .startsWith("# app 1.0.0 for " + REGISTRY + "\n")
                .contains("helm install falco app-1.0.0.tgz -n security --create-namespace")
                .contains("Nothing was mirrored (`mirror=false`)")
                .contains("| `" + REGISTRY + "/falco/acme/app:2.0.0` | `docker.io/acme/app:2.0.0` |")
                .doesNotContain("falco-offline:push");
        List<String> warnings = log.stream()
                .filter(line -> line.startsWith("WARN "))
                .map(line -> line.substring("WARN ".length()))
                .toList();
        assertThat(warnings).isNotEmpty();
        warnings.forEach(warning -> assertThat(readme).contains("- " + warning + "\n"));
        assertThat(Files.readAllLines(out.resolve("images.txt")))
                .containsExactly("docker.io/acme/app:2.0.0", "quay.io/unmapped/tool:2.0");

        JsonNode plan = JsonMapper.builder()
                .build()
                .readTree(Files.readString(result.planFile().orElseThrow()));
        assertThat(plan.propertyNames().iterator().next()).isEqualTo("schemaVersion");
        assertThat(plan.get("schemaVersion").asInt()).isEqualTo(1);
        List<String> planWarnings = new ArrayList<>();
        plan.get("warnings").forEach(warning -> planWarnings.add(warning.asString()));
        assertThat(planWarnings)
                .doesNotHaveDuplicates()
                .containsAll(result.plan().warnings());
        assertThat(planWarnings).containsAll(warnings);
    }

    @Test
    void shouldListEveryMirroredArtifactWithItsDigestAndThePushCommand() throws IOException {
        try (LocalRegistry upstream = LocalRegistry.startPlain()) {
            SyntheticArtifact image = SyntheticArtifacts.ociImage("app", SyntheticArtifacts.PLUGIN_PLATFORMS);
            image.pushTo(new RegistryClient(upstream.clientOptions().build()), "acme/app", "2.0.0");
            PackageResult result = FalcoOffline.packageChart(
                    PackageRequest.builder()
                            .chart(chart(upstream.host(), null))
                            .registry(REGISTRY)
                            .outputDirectory(work.resolve("out"))
                            .mirror(MirrorOptions.builder()
                                    .mode(MirrorMode.BUNDLE)
                                    .insecureRegistries(List.of(upstream.host()))
                                    .build())
                            .build(),
                    listener);

            String readme = Files.readString(work.resolve("out/README.md"));
            assertThat(readme)
                    .contains("1 artifacts were copied into the offline bundle `bundle`")
                    .contains("- `bundle/` (the artifacts)")
                    .contains("falco-offline-maven-plugin:push -Dfalco-offline.bundle=bundle"
                            + " -Dfalco-offline.registry=" + REGISTRY)
                    .contains("| `" + REGISTRY + "/acme/app:2.0.0` | `" + image.digest() + "` | `" + upstream.host()
                            + "/acme/app:2.0.0` |")
                    .contains("## Warnings\n\n- Falco 2.0.0 is not in falco-offline's compatibility table");
            assertThat(result.mirror()).isPresent();
            assertThat(Files.readAllLines(work.resolve("out/images.txt")))
                    .containsExactly(upstream.host() + "/acme/app:2.0.0");
        }
    }

    /** A chart with one image on {@code registry}, and another image when {@code extraImage} is given. */
    private Path chart(String registry, String extraImage) throws IOException {
        Path chart = work.resolve("in/app");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(
                chart.resolve("Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\nappVersion: 2.0.0\n");
        Files.writeString(chart.resolve("values.yaml"), """
                image:
                  registry: %s
                  repository: acme/app
                  tag: ""
                falcoctl:
                  artifact:
                    install:
                      enabled: false
                """.formatted(registry));
        Files.writeString(chart.resolve("templates/deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
                %s
                """.formatted(
                        extraImage == null ? "" : "        - name: tool\n          image: " + extraImage));
        return chart;
    }
}
