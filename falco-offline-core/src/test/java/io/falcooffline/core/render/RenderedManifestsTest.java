package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;

class RenderedManifestsTest {

    private static final String POD_AND_CONFIG = """
            ---
            # Source: demo/templates/pod.yaml
            apiVersion: v1
            kind: Pod
            metadata:
              name: demo
            spec:
              containers:
                - name: main
                  image: "registry.internal/demo:1"
              ephemeralContainers:
                - name: debug
                  image: registry.internal/debug:2
            ---
            # Source: demo/templates/configmap.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: demo-falcoctl
              namespace: tools
            data:
              falcoctl.yaml: |
                indexes:
                - name: internal
                  url: http://registry.internal/index.yaml
              jobs.yaml: |
                image: docker.io/library/alpine:3
            """;

    @Test
    void shouldSplitIntoObjectsWithTheirSourcesWhenParsingHelmOutput() {
        RenderedManifests manifests = RenderedManifests.parse(POD_AND_CONFIG, Duration.ofMillis(5));

        assertThat(manifests.documents())
                .extracting(Manifest::toString)
                .containsExactly(
                        "Pod//demo (demo/templates/pod.yaml)",
                        "ConfigMap/tools/demo-falcoctl (demo/templates/configmap.yaml)");
        assertThat(manifests.byIdentity()).containsOnlyKeys("Pod//demo", "ConfigMap/tools/demo-falcoctl");
        assertThat(manifests.renderTime()).isEqualTo(Duration.ofMillis(5));
        assertThat(manifests.text()).isEqualTo(POD_AND_CONFIG);
    }

    @Test
    void shouldFindContainerImagesAndEveryImageLineWhenTheyAreEmbeddedInText() {
        RenderedManifests manifests = RenderedManifests.parse(POD_AND_CONFIG, Duration.ZERO);

        assertThat(manifests.images())
                .extracting(ContainerImage::toString)
                .containsExactly(
                        "registry.internal/demo:1 (Pod//demo spec.containers[0].image)",
                        "registry.internal/debug:2 (Pod//demo spec.ephemeralContainers[0].image)");
        assertThat(manifests.imageLines())
                .containsExactly("registry.internal/demo:1", "registry.internal/debug:2", "docker.io/library/alpine:3");
    }

    @Test
    void shouldParseTheFalcoctlConfigWhenAConfigMapHoldsIt() {
        RenderedManifests manifests = RenderedManifests.parse(POD_AND_CONFIG, Duration.ZERO);

        assertThat(manifests.falcoctlConfig())
                .hasValue(Map.of(
                        "indexes", List.of(Map.of("name", "internal", "url", "http://registry.internal/index.yaml"))));
        assertThat(manifests.falcoConfig()).isEmpty();
        assertThat(RenderedManifests.valueAt(manifests.falcoctlConfig().orElseThrow(), "indexes", 0, "url"))
                .isEqualTo("http://registry.internal/index.yaml");
        assertThat(RenderedManifests.valueAt(manifests.falcoctlConfig().orElseThrow(), "indexes", 3, "url"))
                .isNull();
    }

    @Test
    void shouldRefuseWhenADocumentIsNotAnObject() {
        assertThatThrownBy(() -> RenderedManifests.parse("---\n# Source: x/templates/a.yaml\n- a\n", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an object with a `# Source:` line");
    }

    @Test
    void shouldRefuseWhenASeparatorLineSitsInsideAScalar() {
        String ambiguous = "---\n# Source: x/templates/a.yaml\nkind: ConfigMap\ndata:\n  a: \"one\n---\n  two\"\n";

        assertThatThrownBy(() -> RenderedManifests.parse(ambiguous, Duration.ZERO))
                .isInstanceOf(YAMLException.class);
    }

    @Test
    void shouldRefuseDuplicateKeysAndJavaTagsWhenParsing() {
        assertThatThrownBy(() -> RenderedManifests.parse(
                        "---\n# Source: x/templates/a.yaml\nkind: Pod\nkind: Service\n", Duration.ZERO))
                .hasMessageContaining("duplicate key kind");
        assertThatThrownBy(() -> RenderedManifests.parse(
                        "---\n# Source: x/templates/a.yaml\nkind: !!java.io.File [\"/\"]\n", Duration.ZERO))
                .hasMessageContaining("java.io.File");
    }
}
