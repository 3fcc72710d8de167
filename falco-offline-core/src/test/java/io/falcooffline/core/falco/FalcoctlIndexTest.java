package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidYamlException;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FalcoctlIndexTest {

    private final FalcoctlIndex index = FalcoctlIndex.builtIn();

    @ParameterizedTest
    @CsvSource({
        "falco-rules:5, ghcr.io/falcosecurity/rules/falco-rules:5",
        "k8saudit-rules:0.16, ghcr.io/falcosecurity/plugins/ruleset/k8saudit:0.16",
        "k8saudit:0.16, ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16",
        "json, ghcr.io/falcosecurity/plugins/plugin/json:latest",
        "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1, ghcr.io/falcosecurity/plugins/plugin/container:0.7.1",
        "ghcr.io/falcosecurity/plugins/plugin/k8smeta, ghcr.io/falcosecurity/plugins/plugin/k8smeta:latest"
    })
    void shouldResolveLikeFalcoctlInstall(String reference, String expected) {
        assertThat(index.resolve(reference)).map(OciReference::toString).contains(expected);
    }

    @Test
    void shouldResolveDigestSuffixOfShortName() {
        String digest = "sha256:" + "b".repeat(64);

        assertThat(index.resolve("json@" + digest))
                .map(OciReference::toString)
                .contains("ghcr.io/falcosecurity/plugins/plugin/json@" + digest);
    }

    @Test
    void shouldNotResolveShortNameMissingFromIndex() {
        assertThat(index.resolve("unknown-rules:1")).isEmpty();
    }

    @Test
    void shouldTellKindsFromIndexForShortAndFullReferences() {
        assertThat(index.kindOf("falco-rules:5", ReferenceKind.ARTIFACT)).isEqualTo(ReferenceKind.RULESFILE);
        assertThat(index.kindOf("ghcr.io/falcosecurity/plugins/plugin/container:0.7.1", ReferenceKind.ARTIFACT))
                .isEqualTo(ReferenceKind.PLUGIN);
        assertThat(index.kindOf("example.com/x/y:1", ReferenceKind.ARTIFACT)).isEqualTo(ReferenceKind.ARTIFACT);
    }

    @Test
    void shouldRejectDuplicateNamesInOneIndex() {
        String yaml = "- {name: a, type: plugin, registry: r.io, repository: x/a}\n"
                + "- {name: a, type: plugin, registry: r.io, repository: x/b}\n";

        assertThatThrownBy(() -> FalcoctlIndex.parse(yaml, "index.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("index.yaml")
                .hasMessageContaining("two entries named 'a'");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "file:///etc | passwd",
                "ftp://r.io | x/a",
                "r.io | ../../etc/passwd",
                "r.io | x/a@sha256:../../b",
                "r.io/x | y/../../a",
                "'r.io:99999999999' | x/a",
            })
    void shouldRejectAnEntryThatIsNoRegistryRepositoryNamingTheIndexAndEntry(String registry, String repository) {
        String yaml = "- {name: evil, type: plugin, registry: '" + registry + "', repository: '" + repository + "'}\n";

        assertThatThrownBy(() -> FalcoctlIndex.parse(yaml, "evil-index.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("evil-index.yaml")
                .hasMessageContaining("evil")
                .hasMessageContaining("registry host");
    }

    @Test
    @Tag("upstream")
    void shouldAgreeWithThePublicIndexOnEveryBuiltInEntry() throws Exception {
        Path file = Path.of(System.getProperty("falco-offline.fixtures"), "falcoctl", "index.yaml");
        FalcoctlIndex published = FalcoctlIndex.parse(Files.readString(file), file.toString());

        for (FalcoctlIndex.Entry entry : index.entries()) {
            assertThat(published.find(entry.name())).as(entry.name()).contains(entry);
        }
    }
}
