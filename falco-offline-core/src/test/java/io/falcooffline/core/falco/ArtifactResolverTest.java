package io.falcooffline.core.falco;

import static io.falcooffline.core.testing.SyntheticArtifacts.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.WantedArtifact.Role;
import io.falcooffline.core.mirror.oci.OciStore;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.reference.FalcoctlIndex;
import io.falcooffline.core.testing.SyntheticArtifacts;
import io.falcooffline.core.testing.SyntheticArtifacts.Dependency;
import io.falcooffline.core.testing.SyntheticArtifacts.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactResolverTest {

    private static final List<Platform> ARM_AND_AMD =
            List.of(Platform.parse("linux/arm64"), Platform.parse("linux/amd64"));

    @TempDir
    static Path directory;

    private static FalcoUpstream upstream;
    private static OciStore store;
    private static FalcoctlIndex index;

    @BeforeAll
    static void publish() throws Exception {
        upstream = FalcoUpstream.start(directory);
        store = upstream.client();
        // Bad artifacts, each under its own index name.
        SyntheticArtifacts.plugin(
                        "amd64only",
                        "0.1.0",
                        List.of(new Requirement("plugin_api_version", "3.0.0")),
                        List.of(SyntheticArtifacts.Platform.LINUX_AMD64))
                .pushTo(store, FalcoUpstream.PLUGINS + "amd64only", "0.1.0");
        SyntheticArtifacts.ociImage("notfalco", FalcoUpstream.PLATFORMS).pushTo(store, "acme/notfalco", "1.0.0");
        SyntheticArtifacts.rulesfile(
                        "cycle-a",
                        "1.0.0",
                        "cycle-a.tar.gz",
                        "cycle_a.yaml",
                        utf8("- rule: a\n"),
                        List.of(new Dependency("cycle-b", "1.0.0")),
                        List.of(),
                        null)
                .pushTo(store, "acme/cycle-a", "1.0.0");
        SyntheticArtifacts.rulesfile(
                        "cycle-b",
                        "1.0.0",
                        "cycle-b.tar.gz",
                        "cycle_b.yaml",
                        utf8("- rule: b\n"),
                        List.of(new Dependency("cycle-a", "1.0.0")),
                        List.of(),
                        null)
                .pushTo(store, "acme/cycle-b", "1.0.0");
        String extra = FalcoUpstream.indexYaml()
                + "- name: amd64only\n  type: plugin\n  registry: ghcr.io\n  repository: " + FalcoUpstream.PLUGINS
                + "amd64only\n"
                + "- name: notfalco\n  type: rulesfile\n  registry: ghcr.io\n  repository: acme/notfalco\n"
                + "- name: cycle-a\n  type: rulesfile\n  registry: ghcr.io\n  repository: acme/cycle-a\n"
                + "- name: cycle-b\n  type: rulesfile\n  registry: ghcr.io\n  repository: acme/cycle-b\n";
        Files.writeString(directory.resolve("extra.yaml"), extra);
        index = FalcoctlIndex.parse(extra, "test index");
    }

    @AfterAll
    static void stop() {
        store.close();
        upstream.close();
    }

    private static ArtifactResolver resolver(String pins) {
        return new ArtifactResolver(
                index,
                "test index",
                upstream.sources(store),
                ArtifactPins.parse(pins),
                FalcoVersions.of("0.44.0"),
                ARM_AND_AMD);
    }

    private static Map<String, ResolvedArtifact> resolve(String pins, WantedArtifact... wanted) {
        return resolver(pins).resolve(List.of(wanted), Set.of()).stream()
                .collect(Collectors.toMap(ResolvedArtifact::name, Function.identity()));
    }

    private static WantedArtifact install(String reference) {
        return new WantedArtifact(reference, Role.INSTALL, "falcoctl.config.artifact.install.refs");
    }

    @Test
    void floatingTagsAreMirroredWithTheExactVersionTheyPointAt() {
        Map<String, ResolvedArtifact> set =
                resolve("", install("falco-rules:5"), install("ghcr.io/falcosecurity/plugins/plugin/container:0.7.1"));

        ResolvedArtifact rules = set.get("falco-rules");
        assertThat(rules.tags()).containsExactly("5", "5.1.0");
        assertThat(rules.repository().toString()).isEqualTo("ghcr.io/" + FalcoUpstream.FALCO_RULES);
        assertThat(rules.files()).containsExactly("falco_rules.yaml");
        assertThat(rules.digest()).startsWith("sha256:");
        ResolvedArtifact container = set.get("container");
        assertThat(container.tags()).containsExactly("0.7.1");
        assertThat(container.kind()).isEqualTo(ReferenceKind.PLUGIN);
        assertThat(container.platforms()).containsExactly("linux/amd64", "linux/arm64");
        assertThat(container.files()).containsExactly("libcontainer.so");
    }

    @Test
    void dependenciesFromTheConfigBlobAreAddedAtTheNewestVersionThatSatisfiesThem() {
        Map<String, ResolvedArtifact> set = resolve("", install("k8saudit-rules:0.16"), install("k8saudit:0.16"));

        assertThat(set).containsOnlyKeys("k8saudit-rules", "k8saudit", "json");
        // json 0.7.4 satisfies the rules' json 0.7.0 (same major, newer), so falcoctl looks nothing up.
        assertThat(set.get("json").tags()).containsExactly("0.7.4");
        assertThat(set.get("json").origins()).containsExactly("dependency of k8saudit-rules 0.16.1");
        assertThat(set.get("k8saudit").tags()).containsExactly("0.16", "0.16.1");
    }

    @Test
    void rulesThatNeedANewerPluginThanThePinnedOneAreRefusedNamingBothAndAVersionThatWorks() {
        assertThatThrownBy(() -> resolve("k8saudit:0.16.1,k8saudit-rules:0.18.0", install("k8saudit-rules:0.16")))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("k8saudit-rules 0.18.0 needs k8saudit 0.18.0, but 0.16.1 is pinned")
                .hasMessageContaining("k8saudit-rules 0.16.1 works with it")
                .hasMessageContaining("`artifacts`");
    }

    @Test
    void pinnedCompatibleVersionsAreAccepted() {
        Map<String, ResolvedArtifact> set =
                resolve("k8saudit:0.16.1,json:0.7.4,k8saudit-rules:0.16.1", install("k8saudit-rules:0.16"));

        assertThat(set.get("k8saudit-rules").version()).isEqualTo("0.16.1");
        assertThat(set.get("k8saudit").version()).isEqualTo("0.16.1");
        assertThat(set.get("k8saudit").pinned()).isTrue();
        assertThat(set.get("json").version()).isEqualTo("0.7.4");
    }

    @Test
    void aLoadedPluginWithoutVersionGetsTheNewestTagFalcoCanLoad() {
        Map<String, ResolvedArtifact> set =
                resolve("", new WantedArtifact("k8saudit", Role.LOADED_PLUGIN, "falco.load_plugins k8saudit"));

        // 1.0.0 needs plugin API 4.0.0; Falco 0.44.0 has 3.12.0.
        assertThat(set.get("k8saudit").version()).isEqualTo("0.18.0");
    }

    @Test
    void aRulesFileResolvesToTheArtifactWhoseLayerHoldsIt() {
        Map<String, ResolvedArtifact> set = resolver("k8saudit-rules:0.16.1")
                .resolve(
                        List.of(new WantedArtifact(
                                "/etc/falco/k8s_audit_rules.yaml", Role.RULES_FILE, "falco.rules_files")),
                        Set.of())
                .stream()
                .collect(Collectors.toMap(ResolvedArtifact::name, Function.identity()));

        assertThat(set.get("k8saudit-rules").files()).containsExactly("k8s_audit_rules.yaml");
        assertThat(set).containsKeys("k8saudit", "json");
    }

    @Test
    void aPluginIncompatibleWithTheChartsFalcoIsRefusedWithAVersionThatWorks() {
        assertThatThrownBy(() -> resolve("", install("k8saudit:1.0")))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("k8saudit 1.0.0 needs plugin API 4.0.0, but Falco 0.44.0 has 3.12.0")
                .hasMessageContaining("k8saudit 0.18.0 works with it");
    }

    @Test
    void badArtifactsAreErrorsNamingThem() {
        assertThatThrownBy(() -> resolve("", install("amd64only:0.1.0")))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("amd64only:0.1.0")
                .hasMessageContaining("no manifest for platform linux/arm64");
        assertThatThrownBy(() -> resolve("", install("notfalco:1.0.0")))
                .hasMessageContaining("notfalco:1.0.0")
                .hasMessageContaining("is not a Falco artifact");
        assertThatThrownBy(() -> resolve("", install("nosuch:1")))
                .hasMessageContaining("'nosuch:1'")
                .hasMessageContaining("not in the falcoctl index")
                .hasMessageContaining("`falcoctlIndex`");
        assertThatThrownBy(() -> resolve("", install("cycle-a:1.0.0")))
                .hasMessageContaining("Dependency cycle: cycle-a -> cycle-b -> cycle-a");
        assertThatThrownBy(() ->
                        resolve("", new WantedArtifact("nosuch", Role.LOADED_PLUGIN, "falco.load_plugins nosuch")))
                .hasMessageContaining("'nosuch' (falco.load_plugins nosuch)")
                .hasMessageContaining("`artifacts`");
    }

    @Test
    void aLayerWithoutTitleIsRefused() {
        SyntheticArtifacts.rulesfile(
                        "untitled-rules", "1.0.0", "", "untitled.yaml", utf8("- rule: u\n"), List.of(), List.of(), null)
                .pushTo(store, "acme/untitled", "1.0.0");
        ArtifactResolver resolver = new ArtifactResolver(
                FalcoctlIndex.parse(
                        "- name: untitled-rules\n  type: rulesfile\n  registry: ghcr.io\n  repository: acme/untitled\n",
                        "untitled index"),
                "untitled index",
                upstream.sources(store),
                ArtifactPins.none(),
                Optional.empty(),
                ARM_AND_AMD);

        assertThatThrownBy(() -> resolver.resolve(List.of(install("untitled-rules:1.0.0")), Set.of()))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("untitled-rules:1.0.0")
                .hasMessageContaining("org.opencontainers.image.title");
    }

    /**
     * falcoctl 0.13.0 refuses a layer title that leaves its download directory (oras-go 2.6.0
     * {@code content/file/file.go} resolveWritePath) and an entry whose name holds {@code ..} or whose type is not a
     * directory, file or link ({@code internal/utils/extract.go}); a link or pipe where a plugin library or rules file is
     * expected is refused as well.
     */
    @Test
    void layersFalcoctlRefusesAndEntriesThatAreNoFilesAreRefused() {
        byte[] library = utf8("\u007fELF");
        SyntheticArtifacts.rulesfile(
                        "title-escape",
                        "1.0.0",
                        "../escape.tar.gz",
                        "escape.yaml",
                        utf8("- rule: e\n"),
                        List.of(),
                        List.of(),
                        null)
                .pushTo(store, "acme/title-escape", "1.0.0");
        SyntheticArtifacts.pluginWithFiles(
                        "entry-escape",
                        "1.0.0",
                        SyntheticArtifacts.PLUGIN_PLATFORMS,
                        platform -> Map.of("../../evil.so", library))
                .pushTo(store, "acme/entry-escape", "1.0.0");
        Map<String, SyntheticArtifacts.RawEntry> odd = Map.of(
                "symlink",
                        new SyntheticArtifacts.RawEntry(
                                "libsymlink.so", TarConstants.LF_SYMLINK, "/lib/libc.so.6", new byte[0]),
                "hardlink",
                        new SyntheticArtifacts.RawEntry("libhardlink.so", TarConstants.LF_LINK, "real.so", new byte[0]),
                "fifo", new SyntheticArtifacts.RawEntry("libfifo.so", TarConstants.LF_FIFO, "", new byte[0]));
        StringBuilder yaml = new StringBuilder(
                "- name: title-escape\n  type: rulesfile\n  registry: ghcr.io\n  repository: acme/title-escape\n"
                        + "- name: entry-escape\n  type: plugin\n  registry: ghcr.io\n  repository: acme/entry-escape\n");
        odd.forEach((name, entry) -> {
            SyntheticArtifacts.pluginWithLayer(
                            name,
                            "1.0.0",
                            SyntheticArtifacts.PLUGIN_PLATFORMS,
                            platform -> SyntheticArtifacts.tarGzOf(
                                    List.of(SyntheticArtifacts.RawEntry.file("real.so", library), entry)))
                    .pushTo(store, "acme/" + name, "1.0.0");
            yaml.append("- name: ")
                    .append(name)
                    .append("\n  type: plugin\n  registry: ghcr.io\n  repository: acme/")
                    .append(name)
                    .append('\n');
        });
        ArtifactResolver resolver = new ArtifactResolver(
                FalcoctlIndex.parse(yaml.toString(), "odd index"),
                "odd index",
                upstream.sources(store),
                ArtifactPins.none(),
                Optional.empty(),
                ARM_AND_AMD);
        Map<String, String> expected = Map.of(
                "title-escape", "'../escape.tar.gz'",
                "entry-escape", "'../../evil.so'",
                "symlink", "'libsymlink.so' is a symbolic link",
                "hardlink", "'libhardlink.so' is a hard link",
                "fifo", "'libfifo.so' is a FIFO");
        expected.forEach((name, problem) -> assertThatThrownBy(
                        () -> resolver.resolve(List.of(install(name + ":1.0.0")), Set.of()))
                .as(name)
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining(name + ":1.0.0")
                .hasMessageContaining(problem));
    }
}
