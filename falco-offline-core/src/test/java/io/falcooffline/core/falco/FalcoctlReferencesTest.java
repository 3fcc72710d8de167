package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.reference.FoundReference;
import io.falcooffline.core.reference.FoundReference.Form;
import io.falcooffline.core.reference.ReferenceFinder;
import io.falcooffline.core.reference.ReferenceMapper;
import io.falcooffline.core.yaml.SafeYaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Falco chart's references beyond image blocks and strings, found by the generic finder through its seam. */
class FalcoctlReferencesTest {

    private static final String HARBOR = "192.168.5.96:30003";

    private final FalcoctlReferences conventions = new FalcoctlReferences(FalcoctlIndex.builtIn());
    private final ReferenceFinder finder = new ReferenceFinder(conventions);

    private List<FoundReference> find(String valuesYaml) {
        Map<String, Object> values = SafeYaml.loadMap(valuesYaml, "values.yaml");
        return finder.findInValues("demo", "1.2.3", values, "values.yaml", true);
    }

    @Test
    void shouldFindImageStringsAndPluginRefs() {
        List<FoundReference> found = find("""
                falco: {}
                test:
                  image: busybox:1.36
                collectors:
                  containerEngine:
                    pluginRef: "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1"
                """);

        assertThat(found)
                .extracting(
                        FoundReference::kind, reference -> reference.source().toString())
                .containsExactly(
                        tuple(ReferenceKind.IMAGE, "docker.io/library/busybox:1.36"),
                        tuple(ReferenceKind.PLUGIN, "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1"));
    }

    @Test
    void shouldResolveFalcoctlRefsAndReportIndexUrls() {
        List<FoundReference> found = find("""
                falcoctl:
                  artifact:
                    install: {enabled: true}
                    follow: {enabled: false}
                  config:
                    indexes:
                      - name: falcosecurity
                        url: https://falcosecurity.github.io/falcoctl/index.yaml
                    artifact:
                      install:
                        refs: [falco-rules:5, "ghcr.io/acme/rules/custom:1", mystery:1]
                      follow:
                        refs: [falco-rules:5]
                """);

        assertThat(found)
                .extracting(
                        FoundReference::kind,
                        FoundReference::form,
                        FoundReference::written,
                        reference -> reference.location().yamlPath(),
                        FoundReference::inUse)
                .containsExactly(
                        tuple(
                                ReferenceKind.INDEX,
                                Form.INDEX_URL,
                                "https://falcosecurity.github.io/falcoctl/index.yaml",
                                "falcoctl.config.indexes[0].url",
                                true),
                        tuple(
                                ReferenceKind.RULESFILE,
                                Form.SHORT_NAME,
                                "falco-rules:5",
                                "falcoctl.config.artifact.install.refs[0]",
                                true),
                        tuple(
                                ReferenceKind.ARTIFACT,
                                Form.REFERENCE_STRING,
                                "ghcr.io/acme/rules/custom:1",
                                "falcoctl.config.artifact.install.refs[1]",
                                true),
                        tuple(
                                ReferenceKind.ARTIFACT,
                                Form.SHORT_NAME,
                                "mystery:1",
                                "falcoctl.config.artifact.install.refs[2]",
                                true),
                        tuple(
                                ReferenceKind.RULESFILE,
                                Form.SHORT_NAME,
                                "falco-rules:5",
                                "falcoctl.config.artifact.follow.refs[0]",
                                false));
        assertThat(found.get(3).source()).isNull();
    }

    @Test
    void shouldPullTheFalcoctlImageOnlyWhileFalcoctlInstallsOrFollows() {
        String values = """
                falcoctl:
                  image: {registry: docker.io, repository: falcosecurity/falcoctl, tag: "0.13.0"}
                  artifact:
                    install: {enabled: %s}
                    follow: {enabled: false}
                """;

        assertThat(find(values.formatted("true")))
                .extracting(FoundReference::written, FoundReference::inUse)
                .containsExactly(tuple("docker.io/falcosecurity/falcoctl:0.13.0", true));
        assertThat(find(values.formatted("false")))
                .extracting(FoundReference::written, FoundReference::inUse)
                .containsExactly(tuple("docker.io/falcosecurity/falcoctl:0.13.0", false));
    }

    @Test
    void shouldReadNoFalcoctlKeysInAChartThatIsNotFalcos() {
        List<FoundReference> found = find("""
                collectors:
                  containerEngine:
                    pluginRef: "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1"
                tools:
                  image: busybox:1.36
                """);

        assertThat(found)
                .as("without falco or falcoctl at the top of its values, a chart has only the generic references")
                .extracting(FoundReference::kind, FoundReference::written)
                .containsExactly(tuple(ReferenceKind.IMAGE, "busybox:1.36"));
    }

    @Test
    void shouldFlattenFalcoctlArtifactsToTheirIndexNames() {
        ReferenceMapper mapper = new ReferenceMapper(HARBOR, "falco", RepositoryLayout.FLATTEN, Map.of(), conventions);

        assertThat(mapper.map(OciReference.parse("ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16")))
                .hasToString(HARBOR + "/falco/k8saudit:0.16");
        assertThat(mapper.map(OciReference.parse("ghcr.io/falcosecurity/plugins/ruleset/k8saudit:0.16")))
                .hasToString(HARBOR + "/falco/k8saudit-rules:0.16");
    }
}
