package io.falcooffline.core.falco;

import static io.falcooffline.core.testing.SyntheticArtifacts.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.WantedArtifact.Role;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.SyntheticArtifacts;
import io.falcooffline.core.testing.SyntheticArtifacts.Dependency;
import io.falcooffline.core.testing.SyntheticArtifacts.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    private static FalcoctlIndex partialIndex;
    private static FalcoctlIndex blockedIndex;
    private static FalcoctlIndex armlessIndex;

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
        partialIndex = FalcoctlIndex.parse(Files.readString(upstream.partialIndexFile()), "partial index");
        // A source with nothing that works together: the rules only at 0.18.0, the plugin only at 0.16.1.
        SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0").pushTo(store, "blocked/k8saudit", "0.16.1");
        SyntheticArtifacts.plugin("json", "0.7.4", "3.11.0").pushTo(store, "blocked/json", "0.7.4");
        SyntheticArtifacts.rulesfile(
                        "k8saudit-rules",
                        "0.18.0",
                        "k8saudit-rules-0.18.0.tar.gz",
                        "k8s_audit_rules.yaml",
                        utf8("- rule: r\n"),
                        List.of(new Dependency("json", "0.7.0"), new Dependency("k8saudit", "0.18.0")),
                        List.of(),
                        null)
                .pushTo(store, "blocked/k8saudit-rules", "0.18.0");
        blockedIndex = FalcoctlIndex.parse(
                "- name: k8saudit\n  type: plugin\n  registry: ghcr.io\n  repository: blocked/k8saudit\n"
                        + "- name: json\n  type: plugin\n  registry: ghcr.io\n  repository: blocked/json\n"
                        + "- name: k8saudit-rules\n  type: rulesfile\n  registry: ghcr.io\n"
                        + "  repository: blocked/k8saudit-rules\n",
                "blocked index");
        // k8saudit 0.18.0 published for amd64 only: the rules that need it look possible until it is read.
        SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0").pushTo(store, "armless/k8saudit", "0.16.1");
        SyntheticArtifacts.plugin(
                        "k8saudit",
                        "0.18.0",
                        List.of(new Requirement("plugin_api_version", "3.11.0")),
                        List.of(SyntheticArtifacts.Platform.LINUX_AMD64))
                .pushTo(store, "armless/k8saudit", "0.18.0");
        armlessIndex = FalcoctlIndex.parse(
                "- name: k8saudit\n  type: plugin\n  registry: ghcr.io\n  repository: armless/k8saudit\n"
                        + "- name: json\n  type: plugin\n  registry: ghcr.io\n  repository: "
                        + FalcoUpstream.PARTIAL + FalcoUpstream.PLUGINS + "json\n"
                        + "- name: k8saudit-rules\n  type: rulesfile\n  registry: ghcr.io\n  repository: "
                        + FalcoUpstream.PARTIAL + FalcoUpstream.RULESETS + "k8saudit\n",
                "armless index");
    }

    @AfterAll
    static void stop() {
        store.close();
        upstream.close();
    }

    private static ArtifactResolver resolver(String pins) {
        return resolver(index, pins);
    }

    private static ArtifactResolver resolver(FalcoctlIndex source, String pins) {
        return new ArtifactResolver(
                source,
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

    /** What {@code custom_values.yaml} wants with {@code delivery=baked}: its two plugins and the k8saudit rules. */
    private static Map<String, ResolvedArtifact> resolveCustomValues(FalcoctlIndex source, String pins) {
        return resolver(source, pins)
                .resolve(
                        List.of(
                                new WantedArtifact("k8saudit", Role.LOADED_PLUGIN, "falco.load_plugins k8saudit"),
                                new WantedArtifact("json", Role.LOADED_PLUGIN, "falco.load_plugins json"),
                                new WantedArtifact(
                                        "/etc/falco/k8s_audit_rules.yaml",
                                        Role.RULES_FILE,
                                        "falco.rules_files /etc/falco/k8s_audit_rules.yaml")),
                        Set.of())
                .stream()
                .collect(Collectors.toMap(ResolvedArtifact::name, Function.identity()));
    }

    private static WantedArtifact install(String reference) {
        return new WantedArtifact(reference, Role.INSTALL, "falcoctl.config.artifact.install.refs");
    }

    @Test
    void anUnreachableRegistryIsNotAMissingVersionAndFailsFastNamingTheWayAround() {
        try (RegistryClient unreachable =
                new RegistryClient(RegistryClientOptions.builder("registry.upstream.test:5000")
                        .plainHttp(true)
                        .build())) {
            ArtifactResolver resolver = new ArtifactResolver(
                    index,
                    "test index",
                    reference -> new SourceStores.Located(unreachable, reference.repository()),
                    ArtifactPins.parse(""),
                    FalcoVersions.of("0.44.0"),
                    ARM_AND_AMD);
            long start = System.nanoTime();

            assertThatThrownBy(() -> resolver.resolve(List.of(install("falco-rules:5")), Set.of()))
                    .isInstanceOf(FalcoArtifactException.class)
                    .hasMessageContaining("Cannot reach registry.upstream.test:5000 directly")
                    .hasMessageContaining("does not resolve")
                    .hasMessageContaining("registryMirrors")
                    .hasMessageContaining("mirror=false")
                    .hasMessageNotContaining("pin a version");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
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

        assertThat(set.get("k8saudit").version()).isEqualTo("0.18.0");
        assertThat(set.get("k8saudit").skipped())
                .containsExactly("k8saudit 1.0.0 skipped: needs plugin API 4.0.0, but Falco 0.44.0 has 3.12.0");
    }

    @Test
    void rulesNeedingAPluginVersionTheSourceLacksGiveWayToTheNewestSetThatWorks() {
        Map<String, ResolvedArtifact> set = resolveCustomValues(partialIndex, "");

        assertThat(set.get("k8saudit-rules").version()).isEqualTo("0.16.1");
        assertThat(set.get("k8saudit-rules").skipped())
                .containsExactly("k8saudit-rules 0.18.0 skipped: needs k8saudit >= 0.18.0, source has up to 0.16.1");
        assertThat(set.get("k8saudit").version()).isEqualTo("0.16.1");
        assertThat(set.get("k8saudit").skipped())
                .containsExactly("k8saudit 1.0.0 skipped: k8saudit-rules 0.16.1 needs k8saudit 0.7.0, and falcoctl"
                        + " refuses another major version");
        assertThat(set.get("json").version()).isEqualTo("0.7.4");
        assertThat(set.get("json").skipped()).isEmpty();
        assertThat(set.values()).noneMatch(ResolvedArtifact::pinned);
        assertThat(set.get("k8saudit-rules").tags()).containsExactly("0.16.1");
    }

    @Test
    void aDependencyThatFailsOnceReadSendsTheSearchBackToOlderRules() {
        Map<String, ResolvedArtifact> set = resolveCustomValues(armlessIndex, "");

        assertThat(set.get("k8saudit-rules").version()).isEqualTo("0.16.1");
        assertThat(set.get("k8saudit").version()).isEqualTo("0.16.1");
        assertThat(set.get("k8saudit-rules").skipped())
                .singleElement(STRING)
                .startsWith("k8saudit-rules 0.18.0 skipped: then no version of k8saudit works (k8saudit 0.18.0 skipped:"
                        + " k8saudit:0.18.0 has no manifest for platform linux/arm64")
                .contains("no manifest for platform linux/arm64")
                .contains("k8saudit 0.16.1 skipped: k8saudit-rules 0.18.0 needs k8saudit >= 0.18.0");
        assertThat(set.get("k8saudit").skipped())
                .singleElement(STRING)
                .startsWith("k8saudit 0.18.0 skipped: k8saudit:0.18.0 has no manifest for platform linux/arm64");
    }

    @Test
    void whereTheSourceHasEverythingTheNewestRulesAndPluginsAreChosen() {
        Map<String, ResolvedArtifact> set = resolveCustomValues(index, "");

        assertThat(set.get("k8saudit-rules").version()).isEqualTo("0.18.0");
        assertThat(set.get("k8saudit").version()).isEqualTo("0.18.0");
        assertThat(set.get("json").version()).isEqualTo("0.7.4");
    }

    @Test
    void pinsWinOverTheNewestSet() {
        Map<String, ResolvedArtifact> set = resolveCustomValues(index, "k8saudit-rules:0.16.1,json:0.7.0");

        assertThat(set.get("k8saudit-rules").version()).isEqualTo("0.16.1");
        assertThat(set.get("k8saudit-rules").pinned()).isTrue();
        assertThat(set.get("json").version()).isEqualTo("0.7.0");
        assertThat(set.get("json").pinned()).isTrue();
        // Unpinned, k8saudit is still the newest Falco 0.44.0 loads.
        assertThat(set.get("k8saudit").version()).isEqualTo("0.18.0");
        assertThat(set.get("k8saudit").pinned()).isFalse();
    }

    @Test
    void aPinTheSourceCannotSatisfyFailsNamingWhatBlocksItAndTheFix() {
        assertThatThrownBy(() -> resolveCustomValues(partialIndex, "k8saudit-rules:0.18.0"))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("No set of falcoctl artifact versions works")
                .hasMessageContaining("The closest combination is k8saudit-rules 0.18.0")
                .hasMessageContaining("needs k8saudit >= 0.18.0, source has up to 0.16.1")
                .hasMessageContaining("To fix it, publish the missing versions in the source registry")
                .hasMessageContaining("`artifacts`");
    }

    @Test
    void withoutAnyWorkingSetTheErrorNamesTheClosestCombinationAndWhatBlocksIt() {
        assertThatThrownBy(() -> resolveCustomValues(blockedIndex, ""))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("The closest combination is k8saudit-rules 0.18.0")
                .hasMessageContaining(
                        "no version of k8saudit-rules fits it: k8saudit-rules 0.18.0 skipped: needs k8saudit >= 0.18.0,"
                                + " source has up to 0.16.1")
                .hasMessageContaining("falco.rules_files /etc/falco/k8s_audit_rules.yaml");
    }

    @Test
    void aRefIsRaisedWithinItsMajorWhenADependencyNeedsItAsFalcoctlDoes() {
        Map<String, ResolvedArtifact> set = resolve("", install("k8saudit-rules:0.18"), install("k8saudit:0.16"));

        assertThat(set.get("k8saudit").version()).isEqualTo("0.18.0");
        assertThat(set.get("k8saudit").tags()).containsExactly("0.18.0");
        assertThat(set.get("k8saudit").skipped())
                .containsExactly("k8saudit 0.16.1 skipped: k8saudit-rules 0.18.0 needs k8saudit >= 0.18.0");
    }

    @Test
    void aRefThatNoVersionOfItsDependencyInTheSourceSatisfiesFailsNamingTheRef() {
        assertThatThrownBy(() -> resolver(partialIndex, "").resolve(List.of(install("k8saudit-rules:0.18")), Set.of()))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("needs k8saudit >= 0.18.0, source has up to 0.16.1")
                .hasMessageContaining("falcoctl.config.artifact.install.refs");
    }

    @Test
    void theSearchStopsAtItsBoundNamingItAndTheFix() {
        SourceStores sources = upstream.sources(store);
        ArtifactCatalog catalog = new ArtifactCatalog(sources, ARM_AND_AMD);
        ArtifactSlot plugin = slot("k8saudit", ReferenceKind.PLUGIN);
        ArtifactSlot json = slot("json", ReferenceKind.PLUGIN);
        ArtifactResolver falco = resolver(partialIndex, "");
        // k8saudit 1.0.0 (refused by Falco) and 0.16.1 are two versions tried; json would be the third.
        WorkingSetSearch search = new WorkingSetSearch(catalog, partialIndex, falco::falcoProblem, 2);

        assertThatThrownBy(() -> search.search(List.of(plugin, json)))
                .isInstanceOf(FalcoArtifactException.class)
                .hasMessageContaining("stopped after 2 versions tried")
                .hasMessageContaining("`artifacts`");
        assertThat(new WorkingSetSearch(catalog, partialIndex, falco::falcoProblem, 3)
                        .search(List.of(plugin, json))
                        .keySet())
                .containsExactly("k8saudit", "json");
    }

    private static ArtifactSlot slot(String name, ReferenceKind type) {
        return new ArtifactSlot(
                name,
                ArtifactSlot.Freedom.FREE,
                partialIndex.find(name).orElseThrow().at("").withTag(null),
                type,
                null);
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
