package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmRendererTest {

    private static final String LIGHTHOUSE_IMAGE = "docker.io/example/lighthouse:2.4.1";
    private static final String SIDECAR_IMAGE = "quay.io/example/log-shipper:1.0.0";
    private static final String MIGRATE_IMAGE =
            "ghcr.io/example/migrate@sha256:4f5d8b0a7c3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f";
    private static final String CLEANUP_IMAGE = "docker.io/library/busybox:1.36.1";
    private static final String BEACON_IMAGE = "docker.io/example/beacon:0.9.0";

    @Nested
    class SmallChart {

        private final HelmRenderer lighthouse =
                HelmRenderer.of(TestCharts.lighthouse()).release("lighthouse");

        @Test
        void shouldFindEveryImageShapeWhenRenderingTheDefaults() {
            RenderedManifests manifests = lighthouse.render();

            assertThat(manifests.imageReferences())
                    .containsExactly(BEACON_IMAGE, LIGHTHOUSE_IMAGE, CLEANUP_IMAGE, MIGRATE_IMAGE, SIDECAR_IMAGE);
            assertThat(manifests.images())
                    .extracting(i -> i.manifest().identity() + " " + i.container() + " " + i.path() + " " + i.image())
                    .containsExactlyInAnyOrder(
                            "DaemonSet/falco/lighthouse-beacon beacon spec.template.spec.containers[0].image "
                                    + BEACON_IMAGE,
                            "Deployment/falco/lighthouse migrate spec.template.spec.initContainers[0].image "
                                    + MIGRATE_IMAGE,
                            "Deployment/falco/lighthouse lighthouse spec.template.spec.containers[0].image "
                                    + LIGHTHOUSE_IMAGE,
                            "Deployment/falco/lighthouse log-shipper spec.template.spec.containers[1].image "
                                    + SIDECAR_IMAGE,
                            "CronJob/falco/lighthouse-cleanup cleanup"
                                    + " spec.jobTemplate.spec.template.spec.containers[0].image " + CLEANUP_IMAGE);
        }

        @Test
        void shouldKeepEachObjectWithItsTemplateWhenSplittingTheOutput() {
            RenderedManifests manifests = lighthouse.render();

            assertThat(manifests.documents())
                    .extracting(m -> m.kind() + " " + m.name() + " " + m.source())
                    .containsExactlyInAnyOrder(
                            "Secret lighthouse-token lighthouse/templates/secret.yaml",
                            "ConfigMap lighthouse lighthouse/templates/configmap.yaml",
                            "DaemonSet lighthouse-beacon lighthouse/charts/beacon/templates/daemonset.yaml",
                            "Deployment lighthouse lighthouse/templates/deployment.yaml",
                            "CronJob lighthouse-cleanup lighthouse/templates/cronjob.yaml");
            assertThat(manifests.get("Deployment", "lighthouse").at("spec", "replicas"))
                    .isEqualTo(1);
            assertThat(manifests.find("Deployment", "absent")).isEmpty();
            assertThatThrownBy(() -> manifests.get("Deployment", "absent"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("[lighthouse]");
        }

        @Test
        void shouldApplyValuesFilesInOrderThenSetsWhenBothAreGiven(@TempDir Path dir) throws Exception {
            Path first = Files.writeString(
                    dir.resolve("first.yaml"), "image:\n  tag: 2.5.0\nreplicaCount: 2\nbeacon:\n  enabled: false\n");
            Path second = Files.writeString(dir.resolve("second.yaml"), "replicaCount: 3\n");

            RenderedManifests manifests = lighthouse
                    .valuesFile(first)
                    .valuesFile(second)
                    .set("sidecar.image", "registry.internal/log-shipper:1.0.0")
                    .render();

            assertThat(manifests.imageReferences())
                    .containsExactly(
                            "docker.io/example/lighthouse:2.5.0",
                            CLEANUP_IMAGE,
                            MIGRATE_IMAGE,
                            "registry.internal/log-shipper:1.0.0");
            assertThat(manifests.get("Deployment", "lighthouse").at("spec", "replicas"))
                    .isEqualTo(3);
            assertThat(manifests.find("DaemonSet", "lighthouse-beacon")).isEmpty();
        }

        @Test
        void shouldReadConfigMapEntriesAndRawTextWhenRendered() {
            RenderedManifests manifests =
                    lighthouse.set("config.logLevel", "debug").render();

            assertThat(manifests.configMapEntry("lighthouse.yaml")).hasValue("logLevel: debug\npeers: []\n");
            assertThat(manifests.falcoctlConfig()).isEmpty();
            assertThat(manifests.falcoConfig()).isEmpty();
            assertThat(manifests.containsText("# Source: lighthouse/templates/cronjob.yaml"))
                    .isTrue();
            assertThat(manifests.containsText("falcosecurity")).isFalse();
            assertThat(manifests.imageLines())
                    .containsExactlyInAnyOrder(
                            BEACON_IMAGE, MIGRATE_IMAGE, LIGHTHOUSE_IMAGE, SIDECAR_IMAGE, CLEANUP_IMAGE);
        }

        @Test
        void shouldAnswerLookupLikeAnEmptyClusterWhenTheChartAsksForASecret() {
            StubKubernetesApi stub = StubKubernetesApi.ensureRunning();
            int before = stub.requests().size();

            RenderedManifests manifests = lighthouse
                    .namespace("beacons")
                    .set("token.lookupExisting", true)
                    .render();

            Object token = manifests.get("Secret", "lighthouse-token").at("data", "token");
            assertThat(new String(Base64.getDecoder().decode(token.toString()))).isEqualTo("not-a-secret");
            assertThat(stub.requests().subList(before, stub.requests().size()))
                    .contains("GET /api/v1", "GET /api/v1/namespaces/beacons/secrets/lighthouse-token");
        }

        /**
         * Helm reads the kubeconfig file again on every render (the variable naming it is fixed when the JVM starts):
         * pointed at a closed port, {@code lookup} fails; pointed back at the stub, it works again in the same JVM.
         */
        @Test
        void shouldReadTheKubeconfigAgainWhenRenderingEachTime() throws Exception {
            StubKubernetesApi stub = StubKubernetesApi.ensureRunning();
            String stubConfig = Files.readString(stub.kubeconfig());
            HelmRenderer asking = lighthouse.set("token.lookupExisting", true);
            try {
                Files.writeString(
                        stub.kubeconfig(), stubConfig.replace(stub.baseUri().toString(), "http://127.0.0.1:1"));

                assertThatThrownBy(asking::render)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("error calling lookup")
                        .hasMessageContaining("127.0.0.1:1");
            } finally {
                Files.writeString(stub.kubeconfig(), stubConfig);
            }
            assertThat(asking.render().find("Secret", "lighthouse-token")).isPresent();
        }

        @Test
        void shouldGiveTheSameObjectsWhenRenderingTwice() {
            assertThat(lighthouse.render().contents())
                    .isEqualTo(lighthouse.render().contents());
        }

        @Test
        void shouldNameTheChartAndHelmsMessageWhenHelmFails(@TempDir Path dir) throws Exception {
            Path broken = Files.writeString(dir.resolve("broken.yaml"), "image: [unclosed\n");

            assertThatThrownBy(() -> lighthouse.valuesFile(broken).render())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("helm template failed for " + TestCharts.lighthouse())
                    .hasMessageContaining("broken.yaml");
        }

        @Test
        void shouldRefuseWhenTheChartOrAValuesFileIsMissing(@TempDir Path dir) {
            assertThatThrownBy(() -> HelmRenderer.render(dir.resolve("absent.tgz")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("absent.tgz");
            assertThatThrownBy(() ->
                            lighthouse.valuesFile(dir.resolve("absent.yaml")).render())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("absent.yaml");
        }
    }

    @Nested
    @Tag("upstream")
    class UpstreamChart {

        private final HelmRenderer falco = HelmRenderer.of(TestCharts.upstreamFalco());

        @Test
        void shouldRenderExactlyFalcoFalcoctlAndDriverLoaderWhenUsingTheDefaults() {
            RenderedManifests manifests = falco.render();

            assertThat(manifests.imageReferences())
                    .containsExactlyInAnyOrder(
                            "docker.io/falcosecurity/falco:0.44.0",
                            "docker.io/falcosecurity/falcoctl:0.13.0",
                            "docker.io/falcosecurity/falco-driver-loader:0.44.0");
            assertThat(manifests.images())
                    .extracting(i -> i.container() + "=" + i.image())
                    .containsExactlyInAnyOrder(
                            "falco=docker.io/falcosecurity/falco:0.44.0",
                            "falcoctl-artifact-follow=docker.io/falcosecurity/falcoctl:0.13.0",
                            "falco-driver-loader=docker.io/falcosecurity/falco-driver-loader:0.44.0",
                            "falcoctl-artifact-install=docker.io/falcosecurity/falcoctl:0.13.0");
        }

        @Test
        void shouldParseTheFalcoctlAndFalcoConfigWhenUsingTheDefaults() {
            RenderedManifests manifests = falco.render();

            Map<String, Object> falcoctl = manifests.falcoctlConfig().orElseThrow();
            assertThat(RenderedManifests.valueAt(falcoctl, "indexes", 0, "url"))
                    .isEqualTo("https://falcosecurity.github.io/falcoctl/index.yaml");
            assertThat(RenderedManifests.valueAt(falcoctl, "artifact", "install", "refs"))
                    .isEqualTo(List.of("falco-rules:5", "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1"));
            assertThat(manifests.get("ConfigMap", "falco-falcoctl").at("data", "falcoctl.yaml"))
                    .isNotNull();
            assertThat(manifests.falcoConfig().orElseThrow()).containsKeys("rules_files", "plugins", "load_plugins");
        }

        @Test
        void shouldFindEveryImageWhenEverySubchartAndCollectorIsEnabled() {
            RenderedManifests manifests = everythingEnabled().render();

            assertThat(manifests.imageReferences())
                    .containsExactlyInAnyOrder(
                            "docker.io/falcosecurity/falco:0.44.0",
                            "docker.io/falcosecurity/falcoctl:0.13.0",
                            "docker.io/falcosecurity/falco-driver-loader:0.44.0",
                            "docker.io/falcosecurity/falcosidekick:2.32.0",
                            "docker.io/falcosecurity/falcosidekick-ui:2.2.0",
                            "docker.io/redis/redis-stack:7.2.0-v11",
                            "docker.io/falcosecurity/k8s-metacollector:0.1.1",
                            "falco.docker.scarf.sh/falcosecurity/falco-talon:0.3.0");
            assertThat(manifests.images())
                    .filteredOn(i -> i.image().startsWith("docker.io/redis/redis-stack"))
                    .extracting(i -> i.manifest().identity() + " " + i.path())
                    .containsExactlyInAnyOrder(
                            "Deployment/falco/falco-falcosidekick-ui spec.template.spec.initContainers[0].image",
                            "StatefulSet/falco/falco-falcosidekick-ui-redis spec.template.spec.containers[0].image");
            assertThat(manifests.imageLines()).hasSize(manifests.images().size());
        }

        /**
         * Like {@code helm template}, helm-java returns the release manifest without hooks, so falcosidekick's
         * {@code helm test} pod (image {@code appropriate/curl}) never shows up in a render.
         */
        @Test
        void shouldLeaveOutHelmTestHooksWhenEverythingIsEnabled() {
            RenderedManifests manifests = everythingEnabled().render();

            assertThat(manifests.find("Pod", "falco-falcosidekick-test-connection"))
                    .isEmpty();
            assertThat(manifests.containsText("appropriate/curl")).isFalse();
            assertThat(manifests.containsText("helm.sh/hook")).isFalse();
        }

        @Test
        void shouldRenderFalcoTalonsLookupAgainstTheStubWhenResponseActionsAreEnabled() {
            StubKubernetesApi stub = StubKubernetesApi.ensureRunning();
            int before = stub.requests().size();

            RenderedManifests manifests =
                    falco.set("responseActions.enabled", true).render();

            assertThat(manifests
                            .get("Deployment", "falco-talon")
                            .at("spec", "template", "spec", "containers", 0, "image"))
                    .isEqualTo("falco.docker.scarf.sh/falcosecurity/falco-talon:0.3.0");
            assertThat(stub.requests().subList(before, stub.requests().size()))
                    .contains("GET /api/v1")
                    .anyMatch(request -> request.startsWith("GET /api/v1/namespaces/falco/secrets/"));
        }

        @Test
        void shouldUseOnlyTheUsersRegistryWhenRenderingWithCustomValues() {
            RenderedManifests manifests =
                    falco.valuesFile(TestCharts.upstreamCustomValues()).render();

            assertThat(manifests.imageReferences()).containsExactly("192.168.5.96:30003/falco/falco:offline-arm64");
            assertThat(manifests.get("Service", "falco-k8saudit-webhook").at("spec", "ports", 0, "port"))
                    .isEqualTo(9765);
            assertThat(manifests.falcoctlConfig()).isEmpty();
        }

        private HelmRenderer everythingEnabled() {
            return falco.set("falcosidekick.enabled", true)
                    .set("falcosidekick.webui.enabled", true)
                    .set("collectors.kubernetes.enabled", true)
                    .set("responseActions.enabled", true);
        }
    }
}
