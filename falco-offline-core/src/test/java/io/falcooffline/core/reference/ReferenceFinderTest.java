package io.falcooffline.core.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.reference.FoundReference.Form;
import io.falcooffline.core.yaml.SafeYaml;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReferenceFinderTest {

    private final ReferenceFinder finder = new ReferenceFinder(ReferenceConventions.NONE);

    private List<FoundReference> find(String valuesYaml) {
        Map<String, Object> values = SafeYaml.loadMap(valuesYaml, "values.yaml");
        return finder.findInValues("demo", "1.2.3", values, "values.yaml", true);
    }

    @Test
    void shouldComposeImageBlocksLikeTheTemplatesDo() {
        List<FoundReference> found = find("""
                image:
                  registry: docker.io
                  repository: falcosecurity/falco
                  tag: ""
                sidecar:
                  image:
                    repository: quay.io/acme/sidecar
                    tag: 2.0
                pinned:
                  image:
                    registry: ghcr.io
                    repository: acme/pinned
                    tag: v1
                    digest: sha256:%s
                """.formatted("c".repeat(64)));

        assertThat(found)
                .extracting(
                        FoundReference::form, reference -> reference.source().toString(), FoundReference::valuesPath)
                .containsExactly(
                        tuple(Form.IMAGE_BLOCK_WITH_REGISTRY, "docker.io/falcosecurity/falco:1.2.3", List.of("image")),
                        tuple(
                                Form.IMAGE_BLOCK_WITHOUT_REGISTRY,
                                "quay.io/acme/sidecar:2.0",
                                List.of("sidecar", "image")),
                        tuple(
                                Form.IMAGE_BLOCK_WITH_REGISTRY,
                                "ghcr.io/acme/pinned:v1@sha256:" + "c".repeat(64),
                                List.of("pinned", "image")));
    }

    @Test
    void shouldLeaveRepositoryKeysThatAreNotImagesAlone() {
        List<FoundReference> found = find("""
                helm:
                  repository: https://falcosecurity.github.io/charts
                git:
                  repository: acme/config
                  branch: main
                """);

        assertThat(found).isEmpty();
    }

    @Test
    void shouldKnowNoChartsConventionsOfItsOwn() {
        List<FoundReference> found = find("""
                falco: {}
                falcoctl:
                  config:
                    indexes: [{name: falcosecurity, url: "https://falcosecurity.github.io/falcoctl/index.yaml"}]
                    artifact:
                      install: {refs: [falco-rules:5]}
                collectors:
                  containerEngine:
                    pluginRef: "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1"
                test:
                  image: busybox:1.36
                """);

        assertThat(found)
                .as("falcoctl refs, index URLs and plugin refs are the Falco chart's conventions, not the finder's")
                .extracting(FoundReference::kind, FoundReference::written)
                .containsExactly(tuple(ReferenceKind.IMAGE, "busybox:1.36"));
    }

    @Test
    void shouldMarkImagesUnderDisabledSectionsAsNotInUse() {
        List<FoundReference> found = find("""
                driver:
                  enabled: false
                  loader:
                    initContainer:
                      image: {registry: docker.io, repository: falcosecurity/falco-driver-loader, tag: ""}
                webui:
                  enabled: true
                  image: {registry: docker.io, repository: falcosecurity/falcosidekick-ui, tag: "2.2.0"}
                """);

        assertThat(found)
                .extracting(FoundReference::written, FoundReference::inUse)
                .containsExactly(
                        tuple("docker.io/falcosecurity/falco-driver-loader:1.2.3", false),
                        tuple("docker.io/falcosecurity/falcosidekick-ui:2.2.0", true));
    }

    @Test
    void shouldFindPlainImageLiteralsInTemplatesOnly() {
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("templates/test.yaml", """
                spec:
                  containers:
                    - name: curl
                      image: appropriate/curl # pinned upstream
                    - name: app
                      image: "{{ .Values.image.repository }}"
                    - image: 'busybox:1.36'
                """.getBytes(StandardCharsets.UTF_8));
        files.put("README.md", "image: should/not-count\n".getBytes(StandardCharsets.UTF_8));

        List<FoundReference> found = finder.findInTemplates("demo", files, true);

        assertThat(found)
                .extracting(
                        FoundReference::written,
                        reference -> reference.location().line())
                .containsExactly(tuple("appropriate/curl", 4), tuple("busybox:1.36", 7));
    }

    @Test
    void shouldRewriteTemplateLineKeepingIndentQuotesAndComment() {
        assertThat(ReferenceFinder.rewriteTemplateLine("      image: appropriate/curl # pinned", "r:5/x/curl"))
                .isEqualTo("      image: r:5/x/curl # pinned");
        assertThat(ReferenceFinder.rewriteTemplateLine("    - image: 'busybox:1.36'\r", "r/busybox:1.36"))
                .isEqualTo("    - image: 'r/busybox:1.36'\r");
    }
}
