package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.FalcoVersions.FalcoVersion;
import io.falcooffline.core.mirror.FalcoctlDependencies;
import io.falcooffline.core.mirror.FalcoctlDependencies.Config;
import io.falcooffline.core.mirror.FalcoctlDependencies.Requirement;
import io.falcooffline.core.mirror.SemanticVersion;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.reference.FalcoctlIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves the artifacts the values want as falcoctl 0.13.0 does ({@code pkg/index/index/index.go}
 * {@code ResolveReference}, {@code cmd/artifact/install/deps.go}, {@code pkg/oci/puller/puller.go}), at build time
 * against the upstream registries: short names through the index, dependencies from each artifact's config blob
 * (same major, at least the required version, or an alternative), keyed by config name with the highest version
 * kept. Beyond falcoctl, a floating tag is recorded with the exact version it points at, an artifact asked for
 * without a version gets the newest tag compatible with the chart's Falco, and everything is checked against that
 * Falco before anything is written.
 */
public final class ArtifactResolver {

    static final String PLUGIN_API = "plugin_api_version";
    static final String ENGINE = "engine_version_semver";

    private static final Pattern EXACT_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+");
    private static final int MAX_CANDIDATE_TAGS = 16;
    private static final int MAX_ARTIFACTS = 64;
    private static final int MAX_RULES_CANDIDATES = 64;

    private final FalcoctlIndex index;
    private final String indexDescription;
    private final SourceStores stores;
    private final ArtifactPins pins;
    private final Optional<FalcoVersion> falco;
    private final List<Platform> platforms;
    private final ArtifactFetcher fetcher;

    /**
     * @param index the falcoctl index short names resolve through
     * @param indexDescription where the index came from, for messages
     * @param stores where upstream artifacts are read
     * @param pins the {@code artifacts} parameter
     * @param falco the chart's Falco release; empty when unknown (then nothing is checked against it)
     * @param platforms the platforms every plugin must offer; empty for any
     */
    public ArtifactResolver(
            FalcoctlIndex index,
            String indexDescription,
            SourceStores stores,
            ArtifactPins pins,
            Optional<FalcoVersion> falco,
            List<Platform> platforms) {
        this.index = index;
        this.indexDescription = indexDescription;
        this.stores = stores;
        this.pins = pins;
        this.falco = falco;
        this.platforms = List.copyOf(platforms);
        this.fetcher = new ArtifactFetcher(stores, this.platforms);
    }

    /** What an artifact's root holds, read once. */
    record Fetched(
            OciReference repository,
            String tag,
            String digest,
            Config config,
            ReferenceKind kind,
            List<String> platforms,
            List<String> files) {}

    /** An artifact being resolved. */
    private static final class Entry {
        Fetched fetched;
        final Set<WantedArtifact.Role> roles = EnumSet.noneOf(WantedArtifact.Role.class);
        final List<String> origins = new ArrayList<>();
        boolean pinned;

        SemanticVersion version() {
            return SemanticVersion.parse(fetched.config.version()).orElseThrow();
        }
    }

    /**
     * Resolves the wanted artifacts and their dependencies.
     *
     * @param wanted what the values ask for
     * @param providedRules rules files the chart or the user provide without an artifact (absolute paths)
     * @return the set, keyed and ordered by config name
     * @throws FalcoArtifactException naming the artifact and the parameter that fixes it
     */
    public List<ResolvedArtifact> resolve(List<WantedArtifact> wanted, Set<String> providedRules) {
        Map<String, Entry> chosen = new LinkedHashMap<>();
        List<WantedArtifact> rulesFiles = new ArrayList<>();
        List<WantedArtifact> byName = new ArrayList<>();
        for (WantedArtifact artifact : wanted) {
            switch (artifact.role()) {
                case RULES_FILE -> rulesFiles.add(artifact);
                case LOADED_PLUGIN -> byName.add(artifact);
                default -> add(chosen, fetchReference(artifact), artifact);
            }
        }
        for (String name : pins.names()) {
            boolean present = chosen.containsKey(name)
                    || byName.stream().anyMatch(w -> w.reference().equals(name));
            if (!present) {
                byName.add(new WantedArtifact(name, WantedArtifact.Role.ADDED, ArtifactPins.PARAMETER));
            }
        }
        for (WantedArtifact artifact : byName) {
            if (!chosen.containsKey(artifact.reference())) {
                add(chosen, fetchByName(artifact.reference(), artifact, chosen), artifact);
            } else {
                chosen.get(artifact.reference()).origins.add(artifact.origin());
            }
        }
        for (WantedArtifact artifact : rulesFiles) {
            resolveRulesFile(artifact, chosen, providedRules);
        }
        addDependencies(chosen);
        checkCycles(chosen);
        checkFalco(chosen);
        List<ResolvedArtifact> resolved = new ArrayList<>();
        for (Entry entry : chosen.values()) {
            Fetched fetched = entry.fetched;
            List<String> tags = new ArrayList<>(List.of(fetched.tag));
            if (!fetched.tag.equals(fetched.config.version()) && !fetched.tag.startsWith("sha256:")) {
                tags.add(fetched.config.version());
            }
            resolved.add(new ResolvedArtifact(
                    fetched.config.name(),
                    fetched.kind,
                    fetched.repository,
                    tags,
                    fetched.digest,
                    fetched.config.version(),
                    fetched.platforms,
                    fetched.files,
                    fetched.config,
                    entry.roles,
                    entry.origins,
                    entry.pinned));
        }
        return List.copyOf(resolved);
    }

    private void add(Map<String, Entry> chosen, Fetched fetched, WantedArtifact why) {
        Entry existing = chosen.get(fetched.config.name());
        if (existing == null) {
            if (chosen.size() >= MAX_ARTIFACTS) {
                throw new FalcoArtifactException(
                        why.reference(), "The values ask for more than " + MAX_ARTIFACTS + " falcoctl artifacts.");
            }
            existing = new Entry();
            existing.fetched = fetched;
            existing.pinned = pins.versionOf(fetched.config.name())
                    .filter(version -> !version.isEmpty())
                    .isPresent();
            chosen.put(fetched.config.name(), existing);
        } else if (!existing.pinned && newer(fetched, existing.fetched)) {
            // falcoctl keys its install list by config name and keeps the highest version.
            existing.fetched = fetched;
        }
        existing.roles.add(why.role());
        existing.origins.add(why.origin());
    }

    private static boolean newer(Fetched candidate, Fetched current) {
        return SemanticVersion.parse(candidate.config.version())
                .flatMap(c -> SemanticVersion.parse(current.config.version()).map(v -> c.compareTo(v) > 0))
                .orElse(false);
    }

    /** A reference from falcoctl's refs or the chart's helpers, with a pin applied. */
    private Fetched fetchReference(WantedArtifact wanted) {
        String text = wanted.reference();
        OciReference reference;
        if (ArtifactPins.isFullReference(text)) {
            reference = OciReference.parse(text);
            if (reference.tag() == null && reference.digest() == null) {
                reference = reference.withTag("latest");
            }
        } else {
            String name = shortName(text);
            FalcoctlIndex.Entry entry = index.find(name)
                    .orElseThrow(() -> new FalcoArtifactException(
                            text,
                            "falcoctl reference '" + text + "' (" + wanted.origin() + ") is not in the falcoctl index ("
                                    + indexDescription + "). Give an index that has it with `falcoctlIndex`, write it"
                                    + " as a full reference, or remove it; `artifacts` pins only names the index"
                                    + " knows."));
            reference = entry.at(text.substring(name.length()));
        }
        Fetched fetched = fetch(reference, text + " (" + wanted.origin() + ")");
        Optional<String> pin = pins.versionOf(fetched.config.name()).filter(version -> !version.isEmpty());
        if (pin.isPresent() && !pin.get().equals(fetched.tag) && !pin.get().equals(fetched.config.version())) {
            return fetch(
                    fetched.repository.withTag(pin.get()), fetched.config.name() + ":" + pin.get() + " (`artifacts`)");
        }
        return fetched;
    }

    /** A plugin loaded by name or an artifact the parameter adds: the pinned or newest compatible version. */
    private Fetched fetchByName(String name, WantedArtifact wanted, Map<String, Entry> chosen) {
        FalcoctlIndex.Entry entry = index.find(name)
                .orElseThrow(() -> new FalcoArtifactException(
                        name,
                        "'" + name + "' (" + wanted.origin() + ") is not in the falcoctl index (" + indexDescription
                                + "), so no artifact provides it. Give an index that has it with `falcoctlIndex`, or"
                                + " correct the name in " + wanted.origin() + " or `artifacts`."));
        Optional<String> pin = pins.versionOf(name).filter(version -> !version.isEmpty());
        OciReference repository = entry.at("").withTag(null);
        if (pin.isPresent()) {
            return fetch(repository.withTag(pin.get()), name + ":" + pin.get() + " (`artifacts`)");
        }
        return newestCompatible(repository, name, wanted.origin(), chosen);
    }

    private Fetched newestCompatible(OciReference repository, String name, String origin, Map<String, Entry> chosen) {
        List<String> candidates = exactTagsNewestFirst(repository);
        List<String> refused = new ArrayList<>();
        for (String tag : candidates.subList(0, Math.min(candidates.size(), MAX_CANDIDATE_TAGS))) {
            Fetched fetched = fetch(repository.withTag(tag), name + ":" + tag);
            Optional<String> problem = incompatibility(fetched, chosen);
            if (problem.isEmpty()) {
                return fetched;
            }
            refused.add(problem.get());
        }
        throw new FalcoArtifactException(
                name,
                "No version of " + name + " (" + origin + ") in " + repository + " works here"
                        + (refused.isEmpty() ? ": the repository has no X.Y.Z tags" : ": " + String.join("; ", refused))
                        + ". Pin a version with `artifacts` (e.g. " + name + ":X.Y.Z).");
    }

    private List<String> exactTagsNewestFirst(OciReference repository) {
        SourceStores.Located located = stores.locate(repository.withTag("latest"));
        return located.store().listTags(located.repository()).stream()
                .filter(tag -> EXACT_TAG.matcher(tag).matches())
                .sorted(Comparator.comparing(
                                (String tag) -> SemanticVersion.parse(tag).orElseThrow())
                        .reversed())
                .toList();
    }

    /** Why an artifact cannot be used with this Falco and the plugins already chosen, if it cannot. */
    private Optional<String> incompatibility(Fetched fetched, Map<String, Entry> chosen) {
        Optional<String> falcoProblem = falcoIncompatibility(fetched);
        if (falcoProblem.isPresent()) {
            return falcoProblem;
        }
        for (Requirement dependency : fetched.config.dependencies()) {
            Optional<String> problem = unsatisfiedByPin(fetched.config, dependency, chosen);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private Optional<String> falcoIncompatibility(Fetched fetched) {
        if (falco.isEmpty()) {
            return Optional.empty();
        }
        FalcoVersion release = falco.get();
        String api = fetched.config.requirements().get(PLUGIN_API);
        if (api != null) {
            Optional<SemanticVersion> required = SemanticVersion.parse(api);
            if (required.isEmpty() || !release.loadsPluginRequiring(required.get())) {
                return Optional.of(fetched.config.name() + " " + fetched.config.version() + " needs plugin API " + api
                        + ", but Falco " + release.falco() + " has " + release.pluginApi());
            }
        }
        String engine = fetched.config.requirements().get(ENGINE);
        if (engine != null) {
            Optional<SemanticVersion> required = SemanticVersion.parse(engine);
            if (required.isEmpty() || !release.runsRulesRequiring(required.get())) {
                return Optional.of(fetched.config.name() + " " + fetched.config.version() + " needs rules engine "
                        + engine + ", but Falco " + release.falco() + " has " + release.engine());
            }
        }
        return Optional.empty();
    }

    /** A dependency on a pinned artifact whose pinned version does not satisfy it. */
    private static Optional<String> unsatisfiedByPin(Config config, Requirement dependency, Map<String, Entry> chosen) {
        Entry pinned = chosen.get(dependency.name());
        if (pinned == null || !pinned.pinned) {
            return Optional.empty();
        }
        Optional<SemanticVersion> required = SemanticVersion.parse(dependency.version());
        if (required.isPresent() && pinned.version().satisfies(required.get())) {
            return Optional.empty();
        }
        if (alternativeChosen(dependency, chosen)) {
            return Optional.empty();
        }
        return Optional.of(config.name() + " " + config.version() + " needs " + dependency.name() + " "
                + dependency.version() + ", but " + pinned.fetched.config.version() + " is pinned");
    }

    private static boolean alternativeChosen(Requirement dependency, Map<String, Entry> chosen) {
        for (Requirement alternative : dependency.alternatives()) {
            Entry entry = chosen.get(alternative.name());
            Optional<SemanticVersion> required = SemanticVersion.parse(alternative.version());
            if (entry != null && required.isPresent() && entry.version().satisfies(required.get())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds what falcoctl's {@code ResolveDeps} would look up in the index ({@code name:<exact version>}), so that it
     * can be listed and mirrored instead; a pinned artifact that does not satisfy a dependency is refused.
     */
    private void addDependencies(Map<String, Entry> chosen) {
        for (int round = 0; round < MAX_ARTIFACTS; round++) {
            for (Entry entry : List.copyOf(chosen.values())) {
                for (Requirement dependency : entry.fetched.config.dependencies()) {
                    Optional<String> problem = unsatisfiedByPin(entry.fetched.config, dependency, chosen);
                    if (problem.isPresent()) {
                        throw refusal(entry, problem.get(), chosen);
                    }
                }
            }
            List<String> conflicts = new ArrayList<>();
            List<FalcoctlDependencies.Unmet> unmet = FalcoctlDependencies.unmet(configs(chosen), conflicts);
            if (!conflicts.isEmpty()) {
                throw new FalcoArtifactException(
                        conflicts.get(0), String.join(" ", conflicts) + " Pin versions that agree with `artifacts`.");
            }
            if (unmet.isEmpty()) {
                return;
            }
            for (FalcoctlDependencies.Unmet missing : unmet) {
                String reference = missing.falcoctlReference();
                String origin = "dependency of " + missing.requiredBy();
                FalcoctlIndex.Entry indexEntry = index.find(
                                missing.requirement().name())
                        .orElseThrow(() -> new FalcoArtifactException(
                                reference,
                                missing.requiredBy() + " depends on " + reference + ", which is not in the falcoctl"
                                        + " index (" + indexDescription + "). Give an index that has it with"
                                        + " `falcoctlIndex`, or add an artifact that satisfies it with `artifacts`."));
                Fetched fetched = newestSatisfying(indexEntry, missing, chosen)
                        .orElseGet(() -> fetch(
                                indexEntry.at(":" + missing.requirement().version()), reference + " (" + origin + ")"));
                add(chosen, fetched, new WantedArtifact(reference, WantedArtifact.Role.INSTALL, origin));
            }
        }
        throw new FalcoArtifactException(
                "dependencies", "Dependencies do not settle after " + MAX_ARTIFACTS + " rounds.");
    }

    /**
     * The newest published version that satisfies a dependency (same major, at least the required version) and
     * works with this Falco; listed explicitly, it spares falcoctl the index lookup.
     */
    private Optional<Fetched> newestSatisfying(
            FalcoctlIndex.Entry entry, FalcoctlDependencies.Unmet missing, Map<String, Entry> chosen) {
        Optional<SemanticVersion> required =
                SemanticVersion.parse(missing.requirement().version());
        if (required.isEmpty()) {
            return Optional.empty();
        }
        OciReference repository = entry.at("").withTag(null);
        List<String> candidates = exactTagsNewestFirst(repository).stream()
                .filter(tag -> SemanticVersion.parse(tag).orElseThrow().satisfies(required.get()))
                .limit(MAX_CANDIDATE_TAGS)
                .toList();
        for (String tag : candidates) {
            Fetched fetched = fetch(repository.withTag(tag), entry.name() + ":" + tag);
            if (incompatibility(fetched, chosen).isEmpty()) {
                return Optional.of(fetched);
            }
        }
        return Optional.empty();
    }

    private FalcoArtifactException refusal(Entry dependent, String problem, Map<String, Entry> chosen) {
        String name = dependent.fetched.config.name();
        OciReference repository = dependent.fetched.repository;
        String suggestion = "";
        Map<String, Entry> others = new LinkedHashMap<>(chosen);
        others.remove(name);
        for (String tag : exactTagsNewestFirst(repository).stream()
                .limit(MAX_CANDIDATE_TAGS)
                .toList()) {
            if (tag.equals(dependent.fetched.config.version())) {
                continue;
            }
            Fetched candidate = fetch(repository.withTag(tag), name + ":" + tag);
            if (incompatibility(candidate, others).isEmpty()) {
                suggestion = "; " + name + " " + candidate.config.version() + " works with it";
                break;
            }
        }
        return new FalcoArtifactException(
                name,
                "Incompatible artifacts: " + problem + suggestion + ". Change the versions in `artifacts` or in "
                        + String.join(", ", dependent.origins) + ".");
    }

    private static List<Config> configs(Map<String, Entry> chosen) {
        return chosen.values().stream().map(entry -> entry.fetched.config).toList();
    }

    private void checkCycles(Map<String, Entry> chosen) {
        for (String start : chosen.keySet()) {
            List<String> path = new ArrayList<>(List.of(start));
            findCycle(start, path, chosen);
        }
    }

    private static void findCycle(String name, List<String> path, Map<String, Entry> chosen) {
        Entry entry = chosen.get(name);
        if (entry == null) {
            return;
        }
        for (Requirement dependency : entry.fetched.config.dependencies()) {
            if (path.get(0).equals(dependency.name())) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(dependency.name());
                throw new FalcoArtifactException(
                        path.get(0),
                        "Dependency cycle: " + String.join(" -> ", cycle) + ". falcoctl cannot order these"
                                + " artifacts; pin versions without the cycle with `artifacts`.");
            }
            if (!path.contains(dependency.name()) && path.size() < MAX_ARTIFACTS) {
                path.add(dependency.name());
                findCycle(dependency.name(), path, chosen);
                path.remove(path.size() - 1);
            }
        }
    }

    private void checkFalco(Map<String, Entry> chosen) {
        for (Entry entry : chosen.values()) {
            Optional<String> problem = falcoIncompatibility(entry.fetched);
            if (problem.isEmpty()) {
                continue;
            }
            String name = entry.fetched.config.name();
            String suggestion = "";
            for (String tag : exactTagsNewestFirst(entry.fetched.repository).stream()
                    .limit(MAX_CANDIDATE_TAGS)
                    .toList()) {
                Fetched candidate = fetch(entry.fetched.repository.withTag(tag), name + ":" + tag);
                if (falcoIncompatibility(candidate).isEmpty()) {
                    suggestion = "; " + name + " " + candidate.config.version() + " works with it";
                    break;
                }
            }
            throw new FalcoArtifactException(
                    name,
                    "Incompatible with the chart's Falco: " + problem.get() + suggestion + ". Change the version in "
                            + String.join(", ", entry.origins) + " or pin one with `artifacts`.");
        }
    }

    /** Finds the rulesfile artifact whose layer holds a rules file, unless something already provides it. */
    private void resolveRulesFile(WantedArtifact wanted, Map<String, Entry> chosen, Set<String> providedRules) {
        String path = wanted.reference();
        String file = path.substring(FalcoPodValues.RULES_DIRECTORY.length() + 1);
        if (providedRules.contains(path) || providedBy(chosen, file).isPresent()) {
            return;
        }
        List<FalcoctlIndex.Entry> candidates = index.entries().stream()
                .filter(entry -> entry.type() == ReferenceKind.RULESFILE)
                .limit(MAX_RULES_CANDIDATES)
                .toList();
        for (FalcoctlIndex.Entry candidate : candidates) {
            OciReference repository = candidate.at("").withTag(null);
            Optional<String> pin = pins.versionOf(candidate.name()).filter(version -> !version.isEmpty());
            Fetched fetched;
            try {
                fetched = pin.isPresent()
                        ? fetch(repository.withTag(pin.get()), candidate.name() + ":" + pin.get())
                        : newestCompatible(repository, candidate.name(), wanted.origin(), chosen);
            } catch (FalcoOfflineException e) {
                // An index entry that is not published where the build can read it cannot provide the file.
                continue;
            }
            if (fetched.files.contains(file)) {
                add(chosen, fetched, wanted);
                return;
            }
        }
    }

    private static Optional<Entry> providedBy(Map<String, Entry> chosen, String file) {
        return chosen.values().stream()
                .filter(entry -> entry.fetched.kind == ReferenceKind.RULESFILE && entry.fetched.files.contains(file))
                .findFirst();
    }

    private Fetched fetch(OciReference reference, String what) {
        return fetcher.fetch(reference, what);
    }

    static String shortName(String text) {
        int at = text.indexOf('@');
        int colon = text.indexOf(':');
        int end = at >= 0 && (colon < 0 || at < colon) ? at : colon;
        return end < 0 ? text : text.substring(0, end);
    }
}
