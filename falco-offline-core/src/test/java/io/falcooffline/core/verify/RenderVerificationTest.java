package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RenderVerificationException;
import io.falcooffline.core.VerifyMode;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.StubKubernetesApi;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Render verification on the project's own small charts, with Helm's real engine: a tag only the template knows is
 * planned as the cluster pulls it, a reference no values key holds fails naming where it is, hooks and {@code lookup}
 * render as {@code helm template} does, and a missing engine is reported.
 */
class RenderVerificationTest {

    private static final String REGISTRY = "registry.internal:5000";

    private static final String PLATFORM = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "-"
            + System.getProperty("os.arch").toLowerCase(java.util.Locale.ROOT);

    @TempDir
    Path temp;

    private final List<String> log = new ArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    @Test
    void shouldPlanTheTagTheTemplateAddsAndTheLatestTagOfAnUntaggedHookImage() {
        PackageResult result = FalcoOffline.packageChart(request("suffixed").build(), listener);

        assertThat(result.plan().references())
                .extracting(PlannedReference::source, PlannedReference::target, PlannedReference::inUse)
                .containsExactly(
                        tuple(
                                "docker.io/example/agent:1.4.2-slim",
                                REGISTRY + "/mirror/example/agent:1.4.2-slim",
                                true),
                        tuple("docker.io/example/probe:latest", REGISTRY + "/mirror/example/probe:latest", true));
        assertThat(HelmRenderer.render(result.chartFile().orElseThrow()).imageReferences())
                .containsExactly(REGISTRY + "/mirror/example/agent:1.4.2-slim");
        assertThat(log)
                .anyMatch(line -> line.startsWith("INFO Render verification: 2 pulled reference(s)")
                        && line.contains(REGISTRY + "/mirror/example/agent:1.4.2-slim"));
    }

    @Test
    void shouldFailNamingManifestAndContainerOfAReferenceNoValuesKeyHolds() {
        assertThatThrownBy(
                        () -> FalcoOffline.packageChart(request("untraceable").build(), listener))
                .isInstanceOf(RenderVerificationException.class)
                .hasMessageContaining("Deployment//falco-app (untraceable/templates/deployment.yaml) container sidecar"
                        + " pulls quay.io/example/sidecar:2.0.0, but the plan has no reference to"
                        + " quay.io/example/sidecar")
                .hasMessageNotContaining("container app ")
                .satisfies(e ->
                        assertThat(((RenderVerificationException) e).problems()).hasSize(1));
        assertThat(temp.resolve("out")).doesNotExist();
    }

    @Test
    void shouldRenderHooksAndAnswerLookupWithoutAskingACluster() throws Exception {
        StubKubernetesApi stub = StubKubernetesApi.ensureRunning();
        int requestsBefore = stub.requests().size();
        Path chart = temp.resolve("suffixed.tgz");
        Files.write(
                chart,
                new ChartWriter()
                        .toBytes(
                                RenderableChart.of(new ChartReader().read(resource("charts/suffixed"))),
                                Instant.EPOCH));

        String output = helm().template(chart, "falco", "falco");

        assertThat(output).contains("token: absent");
        assertThat(stub.requests()).hasSize(requestsBefore);
        assertThat(RenderedPulls.of(output))
                .extracting(PulledReference::container, PulledReference::reference, PulledReference::hook)
                .containsExactlyInAnyOrder(
                        tuple("container agent", "docker.io/example/agent:1.4.2-slim", false),
                        tuple("container probe", "example/probe", true));
    }

    @Test
    void shouldLeaveLookupOutsideTemplateActionsAndInsideOtherNamesAlone() {
        assertThat(RenderableChart.withoutLookup(
                        "# lookup is a word here\n{{- $s := (lookup \"v1\" \"Secret\" \"ns\" \"n\") }}{{ .Values.lookup }}"
                                + "{{ $lookup }}{{ mylookup }}{{ include \"lookup\" . }}"))
                .isEqualTo("# lookup is a word here\n{{- $s := (pick dict \"v1\" \"Secret\" \"ns\" \"n\") }}"
                        + "{{ .Values.lookup }}{{ $lookup }}{{ mylookup }}{{ include \"lookup\" . }}");
    }

    @Test
    void shouldReportSkippedWhenTheNativeLibraryIsMissingAndFailWhenRequired() {
        ClassLoader withoutNativeLibrary = new URLClassLoader(new URL[0], null);
        Chart output = new ChartReader().read(resource("charts/suffixed"));
        Plan plan = new Plan("suffixed", "0.1.0", REGISTRY, List.of(), List.of(), List.of());

        RenderVerification.Verified skipped = new RenderVerification(
                        VerifyMode.AUTO, () -> HelmTemplateEngine.load(withoutNativeLibrary))
                .verify(output, plan, "falco", "falco", listener);

        assertThat(skipped.plan()).isSameAs(plan);
        assertThat(skipped.report().skipped())
                .hasValueSatisfying(why -> assertThat(why).contains("helm-java has no native library for " + PLATFORM));
        assertThat(log)
                .containsExactly("WARN Render verification skipped: helm-java has no native library for " + PLATFORM
                        + " on the class path (it publishes com.marcnuri.helm-java:darwin-amd64, darwin-arm64,"
                        + " linux-amd64, linux-arm64 and windows-amd64).");
        assertThatThrownBy(() -> new RenderVerification(
                                VerifyMode.REQUIRED, () -> HelmTemplateEngine.load(withoutNativeLibrary))
                        .verify(output, plan, "falco", "falco", listener))
                .isInstanceOf(RenderVerificationException.class)
                .hasMessageStartingWith("verify is true, but the output chart cannot be rendered: helm-java has no"
                        + " native library for " + PLATFORM)
                .hasMessageEndingWith("set verify to auto or false.");
    }

    @Test
    void shouldNeverLoadTheEngineWhenOff() {
        Plan plan = new Plan("suffixed", "0.1.0", REGISTRY, List.of(), List.of(), List.of());
        RenderVerification.Verified verified = new RenderVerification(VerifyMode.OFF, () -> {
                    throw new AssertionError("the engine was loaded");
                })
                .verify(new ChartReader().read(resource("charts/suffixed")), plan, "falco", "falco", listener);

        assertThat(verified.plan()).isSameAs(plan);
        assertThat(verified.report().skipped()).contains("verify is false");
    }

    @Test
    void shouldPackageWithoutRenderingWhenOff() {
        PackageResult result = FalcoOffline.packageChart(
                request("untraceable").verify(VerifyMode.OFF).build(), listener);

        assertThat(result.plan().references())
                .extracting(PlannedReference::source)
                .containsExactly("docker.io/example/app:2.0.0");
        assertThat(log).noneMatch(line -> line.contains("Render verification"));
    }

    @Test
    void shouldPackageWithoutHelmJavaOnTheClassPathUnlessVerificationIsRequired() throws Exception {
        Path chart = resource("charts/suffixed");

        List<String> off = PackagingWithoutHelm.run(chart, temp.resolve("off"), "false");
        assertThat(PackagingWithoutHelm.planTargets(off))
                .as("discovery alone predicts the appVersion tag")
                .containsExactly(REGISTRY + "/example/agent:1.4.2", REGISTRY + "/example/probe:latest");
        assertThat(off).noneMatch(line -> line.contains("Render verification"));

        List<String> auto = PackagingWithoutHelm.run(chart, temp.resolve("auto"), "auto");
        assertThat(PackagingWithoutHelm.planTargets(auto))
                .containsExactly(REGISTRY + "/example/agent:1.4.2", REGISTRY + "/example/probe:latest");
        assertThat(auto)
                .anyMatch(line -> line.startsWith("WARN Render verification skipped: helm-java is not on the class"
                        + " path (java.lang.NoClassDefFoundError"));

        List<String> required = PackagingWithoutHelm.run(chart, temp.resolve("required"), "true");
        assertThat(required)
                .anyMatch(line -> line.startsWith("FAILED verify is true, but the output chart cannot be rendered:"
                        + " helm-java is not on the class path"));
        assertThat(temp.resolve("required")).doesNotExist();
    }

    @Test
    void shouldReadTheVerifyParameter() {
        assertThat(VerifyMode.parse("auto")).isEqualTo(VerifyMode.AUTO);
        assertThat(VerifyMode.parse(" TRUE ")).isEqualTo(VerifyMode.REQUIRED);
        assertThat(VerifyMode.parse("false")).isEqualTo(VerifyMode.OFF);
        assertThat(VerifyMode.parse(null)).isEqualTo(VerifyMode.AUTO);
        assertThatThrownBy(() -> VerifyMode.parse("yes"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("verify is 'yes'; use auto");
    }

    private PackageRequest.Builder request(String chart) {
        return PackageRequest.builder()
                .chart(resource("charts/" + chart))
                .registry(REGISTRY)
                .repositoryPrefix("mirror")
                .outputDirectory(temp.resolve("out"));
    }

    private static TemplateEngine helm() {
        return HelmTemplateEngine.load(RenderVerificationTest.class.getClassLoader())
                .engine()
                .orElseThrow();
    }

    static Path resource(String name) {
        URL url = RenderVerificationTest.class.getClassLoader().getResource(name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
