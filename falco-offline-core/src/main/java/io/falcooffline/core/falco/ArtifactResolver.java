package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.FalcoVersions.FalcoVersion;
import io.falcooffline.core.falco.FalcoctlDependencies.Config;
import io.falcooffline.core.falco.FalcoctlDependencies.Requirement;
import io.falcooffline.core.falco.WorkingSetSearch.Choice;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.version.SemanticVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the artifacts the values want as falcoctl 0.13.0 does ({@code pkg/index/index/index.go}
 * {@code ResolveReference}, {@code cmd/artifact/install/deps.go} {@code ResolveDeps},
 * {@code pkg/oci/puller/puller.go}), at build time against the upstream registries: short names through the index,
 * refs keyed by config name with the highest version kept ({@code install.go} {@code prepareArtifactList}), and
 * dependencies from each artifact's config blob (same major, at least the required version, or an alternative).
 * Beyond falcoctl, a floating tag is recorded with the exact version it points at, and the versions nobody fixed
 * (artifacts wanted by name, dependencies, refs a dependency raises) are chosen together: {@link WorkingSetSearch}
 * finds the newest combination in which every dependency is in the source and everything suits the chart's Falco
 * ({@code plugin_api_version} and {@code engine_version_semver}, as falcoctl's follower checks them in
 * {@code internal/follower/follower.go} {@code checkRequirements}). Pins ({@code artifacts}) are kept as given.
 */
public final class ArtifactResolver {

    static final String PLUGIN_API = "plugin_api_version";
    static final String ENGINE = "engine_version_semver";

    private static final int MAX_ARTIFACTS = 64;
    private static final int MAX_RULES_CANDIDATES = 64;
    private static final int MAX_SUGGESTION_TAGS = 16;
    private static final int MAX_SKIPS_RECORDED = 8;

    private final FalcoctlIndex index;
    private final String indexDescription;
    private final ArtifactPins pins;
    private final Optional<FalcoVersion> falco;
    private final ArtifactCatalog catalog;

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
        this.pins = pins;
        this.falco = falco;
        this.catalog = new ArtifactCatalog(stores, List.copyOf(platforms));
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

    /**
     * Resolves the wanted artifacts and their dependencies.
     *
     * @param wanted what the values ask for
     * @param providedRules rules files the chart or the user provide without an artifact (absolute paths)
     * @return the set, keyed by config name: the refs, the artifacts wanted by name, then the dependencies
     * @throws FalcoArtifactException naming the artifact and the parameter that fixes it
     */
    public List<ResolvedArtifact> resolve(List<WantedArtifact> wanted, Set<String> providedRules) {
        Map<String, ArtifactSlot> slots = new LinkedHashMap<>();
        List<WantedArtifact> rulesFiles = new ArrayList<>();
        List<WantedArtifact> byName = new ArrayList<>();
        for (WantedArtifact artifact : wanted) {
            switch (artifact.role()) {
                case RULES_FILE -> rulesFiles.add(artifact);
                case LOADED_PLUGIN -> byName.add(artifact);
                default -> addRequested(slots, fetchReference(artifact), artifact);
            }
        }
        for (String name : pins.names()) {
            boolean present = slots.containsKey(name)
                    || byName.stream().anyMatch(w -> w.reference().equals(name));
            if (!present) {
                byName.add(new WantedArtifact(name, WantedArtifact.Role.ADDED, ArtifactPins.PARAMETER));
            }
        }
        for (WantedArtifact artifact : byName) {
            slots.computeIfAbsent(artifact.reference(), name -> slotByName(name, artifact))
                    .wantedFor(artifact);
            bound(slots, artifact);
        }
        for (WantedArtifact artifact : rulesFiles) {
            resolveRulesFile(artifact, slots, providedRules);
        }
        checkPinsAgree(slots);
        checkFalco(slots);
        Map<String, Choice> set =
                new WorkingSetSearch(catalog, index, this::falcoProblem).search(List.copyOf(slots.values()));
        checkCycles(set);
        List<ResolvedArtifact> resolved = new ArrayList<>();
        for (ArtifactSlot slot : slots.values()) {
            resolved.add(resolved(set.get(slot.name), slot.origins));
        }
        for (Choice choice : set.values()) {
            if (!slots.containsKey(choice.slot().name)) {
                resolved.add(resolved(choice, dependents(choice.slot().name, set)));
            }
        }
        return List.copyOf(resolved);
    }

    private static ResolvedArtifact resolved(Choice choice, List<String> origins) {
        Fetched fetched = choice.fetched();
        ArtifactSlot slot = choice.slot();
        List<String> tags = new ArrayList<>(List.of(fetched.tag));
        if (!fetched.tag.equals(fetched.config.version()) && !fetched.tag.startsWith("sha256:")) {
            tags.add(fetched.config.version());
        }
        Set<WantedArtifact.Role> roles = slot.roles.isEmpty() ? Set.of(WantedArtifact.Role.INSTALL) : slot.roles;
        return new ResolvedArtifact(
                fetched.config.name(),
                fetched.kind,
                fetched.repository,
                tags,
                fetched.digest,
                fetched.config.version(),
                fetched.platforms,
                fetched.files,
                fetched.config,
                roles,
                origins,
                slot.freedom == ArtifactSlot.Freedom.PINNED,
                recorded(choice.skipped()));
    }

    /** The newest {@link #MAX_SKIPS_RECORDED} versions passed over, and how many more. */
    private static List<String> recorded(List<String> skipped) {
        if (skipped.size() <= MAX_SKIPS_RECORDED) {
            return skipped;
        }
        List<String> recorded = new ArrayList<>(skipped.subList(0, MAX_SKIPS_RECORDED));
        recorded.add("and " + (skipped.size() - MAX_SKIPS_RECORDED) + " older versions skipped");
        return recorded;
    }

    /** {@code dependency of k8saudit-rules 0.16.1} for each chosen artifact that depends on the name. */
    private static List<String> dependents(String name, Map<String, Choice> set) {
        List<String> origins = new ArrayList<>();
        for (Choice choice : set.values()) {
            boolean depends = choice.fetched().config.dependencies().stream()
                    .anyMatch(dependency -> dependency.name().equals(name));
            if (depends) {
                origins.add("dependency of " + ArtifactSlot.describe(choice.fetched()));
            }
        }
        return origins;
    }

    private static void bound(Map<String, ArtifactSlot> slots, WantedArtifact why) {
        if (slots.size() > MAX_ARTIFACTS) {
            throw new FalcoArtifactException(
                    why.reference(), "The values ask for more than " + MAX_ARTIFACTS + " falcoctl artifacts.");
        }
    }

    /** A ref: falcoctl keys its install list by config name and keeps the highest version. */
    private void addRequested(Map<String, ArtifactSlot> slots, Fetched fetched, WantedArtifact why) {
        String name = fetched.config.name();
        ArtifactSlot existing = slots.get(name);
        if (existing == null) {
            boolean pinned =
                    pins.versionOf(name).filter(version -> !version.isEmpty()).isPresent();
            existing = ArtifactSlot.of(fetched, pinned ? ArtifactSlot.Freedom.PINNED : ArtifactSlot.Freedom.REQUESTED);
            slots.put(name, existing);
            bound(slots, why);
        } else if (existing.freedom == ArtifactSlot.Freedom.REQUESTED
                && ArtifactSlot.version(fetched).compareTo(ArtifactSlot.version(existing.requested)) > 0) {
            existing.requested = fetched;
        }
        existing.wantedFor(why);
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
        Fetched fetched = catalog.fetch(reference, text + " (" + wanted.origin() + ")");
        Optional<String> pin = pins.versionOf(fetched.config.name()).filter(version -> !version.isEmpty());
        if (pin.isPresent() && !pin.get().equals(fetched.tag) && !pin.get().equals(fetched.config.version())) {
            return catalog.fetch(
                    fetched.repository.withTag(pin.get()), fetched.config.name() + ":" + pin.get() + " (`artifacts`)");
        }
        return fetched;
    }

    /** A plugin loaded by name or an artifact the parameter adds: pinned, or free for the search. */
    private ArtifactSlot slotByName(String name, WantedArtifact wanted) {
        FalcoctlIndex.Entry entry = index.find(name)
                .orElseThrow(() -> new FalcoArtifactException(
                        name,
                        "'" + name + "' (" + wanted.origin() + ") is not in the falcoctl index (" + indexDescription
                                + "), so no artifact provides it. Give an index that has it with `falcoctlIndex`, or"
                                + " correct the name in " + wanted.origin() + " or `artifacts`."));
        OciReference repository = entry.at("").withTag(null);
        Optional<String> pin = pins.versionOf(name).filter(version -> !version.isEmpty());
        if (pin.isPresent()) {
            Fetched fetched = catalog.fetch(repository.withTag(pin.get()), name + ":" + pin.get() + " (`artifacts`)");
            return ArtifactSlot.of(fetched, ArtifactSlot.Freedom.PINNED);
        }
        return new ArtifactSlot(name, ArtifactSlot.Freedom.FREE, repository, entry.type(), null);
    }

    /** Why an artifact does not suit the chart's Falco ({@code needs plugin API ...}), if it does not. */
    Optional<String> falcoProblem(Config config) {
        if (falco.isEmpty()) {
            return Optional.empty();
        }
        FalcoVersion release = falco.get();
        String api = config.requirements().get(PLUGIN_API);
        if (api != null) {
            Optional<SemanticVersion> required = SemanticVersion.parse(api);
            if (required.isEmpty() || !release.loadsPluginRequiring(required.get())) {
                return Optional.of(
                        "needs plugin API " + api + ", but Falco " + release.falco() + " has " + release.pluginApi());
            }
        }
        String engine = config.requirements().get(ENGINE);
        if (engine != null) {
            Optional<SemanticVersion> required = SemanticVersion.parse(engine);
            if (required.isEmpty() || !release.runsRulesRequiring(required.get())) {
                return Optional.of(
                        "needs rules engine " + engine + ", but Falco " + release.falco() + " has " + release.engine());
            }
        }
        return Optional.empty();
    }

    /** Two pins that cannot work together fail at once, naming both and a version that works with the other pins. */
    private void checkPinsAgree(Map<String, ArtifactSlot> slots) {
        for (ArtifactSlot slot : slots.values()) {
            if (slot.freedom != ArtifactSlot.Freedom.PINNED) {
                continue;
            }
            for (Requirement dependency : slot.requested.config.dependencies()) {
                Optional<String> problem = unsatisfiedByPin(slot.requested.config, dependency, slots);
                if (problem.isPresent()) {
                    throw refusal(slot, problem.get(), slots);
                }
            }
        }
    }

    /** A dependency on a pinned artifact whose pinned version does not satisfy it. */
    private static Optional<String> unsatisfiedByPin(
            Config config, Requirement dependency, Map<String, ArtifactSlot> slots) {
        ArtifactSlot pinned = slots.get(dependency.name());
        if (pinned == null || pinned.freedom != ArtifactSlot.Freedom.PINNED) {
            return Optional.empty();
        }
        Optional<SemanticVersion> required = SemanticVersion.parse(dependency.version());
        if (required.isPresent() && ArtifactSlot.version(pinned.requested).satisfies(required.get())) {
            return Optional.empty();
        }
        for (Requirement alternative : dependency.alternatives()) {
            ArtifactSlot other = slots.get(alternative.name());
            Optional<SemanticVersion> wanted = SemanticVersion.parse(alternative.version());
            if (other != null
                    && other.freedom == ArtifactSlot.Freedom.PINNED
                    && wanted.isPresent()
                    && ArtifactSlot.version(other.requested).satisfies(wanted.get())) {
                return Optional.empty();
            }
        }
        return Optional.of(config.name() + " " + config.version() + " needs " + dependency.name() + " "
                + dependency.version() + ", but " + pinned.requested.config.version() + " is pinned");
    }

    private FalcoArtifactException refusal(ArtifactSlot dependent, String problem, Map<String, ArtifactSlot> slots) {
        String name = dependent.name;
        Map<String, ArtifactSlot> others = new LinkedHashMap<>(slots);
        others.remove(name);
        String suggestion = "";
        for (String tag : suggestionTags(dependent)) {
            Fetched candidate = catalog.fetch(dependent.repository.withTag(tag), name + ":" + tag);
            boolean works = falcoProblem(candidate.config).isEmpty()
                    && candidate.config.dependencies().stream()
                            .allMatch(dependency -> unsatisfiedByPin(candidate.config, dependency, others)
                                    .isEmpty());
            if (works) {
                suggestion = "; " + name + " " + candidate.config.version() + " works with it";
                break;
            }
        }
        return new FalcoArtifactException(
                name,
                "Incompatible artifacts: " + problem + suggestion + ". Change the versions in `artifacts` or in "
                        + String.join(", ", dependent.origins) + ".");
    }

    /** A pinned or requested version the chart's Falco cannot use fails at once, naming a version that works. */
    private void checkFalco(Map<String, ArtifactSlot> slots) {
        for (ArtifactSlot slot : slots.values()) {
            if (slot.requested == null) {
                continue;
            }
            Optional<String> problem = falcoProblem(slot.requested.config);
            if (problem.isEmpty()) {
                continue;
            }
            String suggestion = "";
            for (String tag : suggestionTags(slot)) {
                Fetched candidate = catalog.fetch(slot.repository.withTag(tag), slot.name + ":" + tag);
                if (falcoProblem(candidate.config).isEmpty()) {
                    suggestion = "; " + slot.name + " " + candidate.config.version() + " works with it";
                    break;
                }
            }
            throw new FalcoArtifactException(
                    slot.name,
                    "Incompatible with the chart's Falco: " + ArtifactSlot.describe(slot.requested) + " "
                            + problem.get() + suggestion + ". Change the version in "
                            + String.join(", ", slot.origins) + " or pin one with `artifacts`.");
        }
    }

    private List<String> suggestionTags(ArtifactSlot slot) {
        return catalog.exactTagsNewestFirst(slot.repository).stream()
                .filter(tag -> !tag.equals(slot.requested.config.version()))
                .limit(MAX_SUGGESTION_TAGS)
                .toList();
    }

    private static void checkCycles(Map<String, Choice> set) {
        for (String start : set.keySet()) {
            List<String> path = new ArrayList<>(List.of(start));
            findCycle(start, path, set);
        }
    }

    private static void findCycle(String name, List<String> path, Map<String, Choice> set) {
        Choice choice = set.get(name);
        if (choice == null) {
            return;
        }
        for (Requirement dependency : choice.fetched().config.dependencies()) {
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
                findCycle(dependency.name(), path, set);
                path.remove(path.size() - 1);
            }
        }
    }

    /**
     * Finds the rulesfile artifact whose layer holds a rules file, unless something already provides it: the search
     * then chooses its version among those that hold the file.
     */
    private void resolveRulesFile(WantedArtifact wanted, Map<String, ArtifactSlot> slots, Set<String> providedRules) {
        String path = wanted.reference();
        String file = path.substring(FalcoValues.RULES_DIRECTORY.length() + 1);
        boolean provided = slots.values().stream()
                .anyMatch(slot -> slot.requested != null
                        && slot.requested.kind == ReferenceKind.RULESFILE
                        && slot.requested.files.contains(file));
        if (providedRules.contains(path) || provided) {
            return;
        }
        List<FalcoctlIndex.Entry> candidates = index.entries().stream()
                .filter(entry -> entry.type() == ReferenceKind.RULESFILE)
                .sorted(Comparator.comparing(FalcoctlIndex.Entry::name))
                .limit(MAX_RULES_CANDIDATES)
                .toList();
        for (FalcoctlIndex.Entry candidate : candidates) {
            ArtifactSlot slot;
            Optional<Fetched> probe;
            try {
                slot = slots.containsKey(candidate.name())
                        ? slots.get(candidate.name())
                        : slotByName(candidate.name(), wanted);
                probe = slot.requested != null ? Optional.of(slot.requested) : newestReadable(slot);
            } catch (FalcoOfflineException e) {
                // An index entry that is not published where the build can read it cannot provide the file.
                continue;
            }
            if (probe.isPresent() && probe.get().files.contains(file)) {
                slot.requiredFiles.add(file);
                slot.wantedFor(wanted);
                slots.putIfAbsent(slot.name, slot);
                bound(slots, wanted);
                return;
            }
        }
    }

    private Optional<Fetched> newestReadable(ArtifactSlot slot) {
        for (String tag : catalog.exactTagsNewestFirst(slot.repository).stream()
                .limit(MAX_SUGGESTION_TAGS)
                .toList()) {
            try {
                return Optional.of(catalog.fetch(slot.repository.withTag(tag), slot.name + ":" + tag));
            } catch (FalcoOfflineException e) {
                // Try the next older version.
            }
        }
        return Optional.empty();
    }

    static String shortName(String text) {
        int at = text.indexOf('@');
        int colon = text.indexOf(':');
        int end = at >= 0 && (colon < 0 || at < colon) ? at : colon;
        return end < 0 ? text : text.substring(0, end);
    }
}
