package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.falco.ArtifactResolver.Fetched;
import io.falcooffline.core.falco.ArtifactSlot.Freedom;
import io.falcooffline.core.falco.FalcoctlDependencies.Config;
import io.falcooffline.core.falco.FalcoctlDependencies.Requirement;
import io.falcooffline.core.version.SemanticVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the newest set of artifact versions that works: every dependency an artifact's config declares is met
 * inside the set as falcoctl 0.13.0's {@code ResolveDeps} checks it ({@code cmd/artifact/install/deps.go}: the same
 * major and at least the required version, else an alternative already in the set; anything else is an index
 * lookup of {@code name:version}, which an air-gapped node cannot make), and every artifact suits the chart's Falco.
 *
 * <p>A depth-first search with backtracking over the slots, pins first, then refs, then the artifacts wanted by
 * name, rules files before plugins (rules depend on plugins), and dependencies as they appear; each slot tries its
 * versions newest first, so the first set found is the newest in that order. Before a version is read, the
 * versions already chosen must accept it; once read, it must suit Falco, hold the files asked of it, and each of
 * its dependencies must be met or still possible with what the source has. Bounded by {@link
 * #MAX_CANDIDATES_TRIED} versions read and tried in all and {@link #MAX_VERSIONS_PER_SLOT} per slot each time it is
 * decided; versions the set refuses by their tag alone are passed over without reading them.
 */
final class WorkingSetSearch {

    /** The most versions the whole search tries. */
    static final int MAX_CANDIDATES_TRIED = 256;
    /** The most versions one slot tries each time it is decided (the newest that the set already accepts). */
    static final int MAX_VERSIONS_PER_SLOT = 16;

    private static final int REASONS_SHOWN = 3;
    /** Nested reasons (a version skipped because nothing after it works) stay readable. */
    private static final int MAX_REASON_CHARS = 600;

    /** A version chosen for a slot, and why newer ones were not. */
    record Choice(ArtifactSlot slot, Fetched fetched, List<String> skipped) {}

    private record Outcome(Map<String, Choice> set, String reason) {}

    private record DeadEnd(Map<String, Choice> assigned, ArtifactSlot slot, String newest, List<String> reasons) {}

    private final ArtifactCatalog catalog;
    private final FalcoctlIndex index;
    private final Function<Config, Optional<String>> falcoProblem;
    private final int maxCandidatesTried;
    private int tried;
    private DeadEnd closest;

    /**
     * @param catalog where versions are listed and read
     * @param index where a dependency's repository is found
     * @param falcoProblem why an artifact does not suit the chart's Falco ({@code needs plugin API ...}), if it does not
     */
    WorkingSetSearch(ArtifactCatalog catalog, FalcoctlIndex index, Function<Config, Optional<String>> falcoProblem) {
        this(catalog, index, falcoProblem, MAX_CANDIDATES_TRIED);
    }

    WorkingSetSearch(
            ArtifactCatalog catalog,
            FalcoctlIndex index,
            Function<Config, Optional<String>> falcoProblem,
            int maxCandidatesTried) {
        this.catalog = catalog;
        this.index = index;
        this.falcoProblem = falcoProblem;
        this.maxCandidatesTried = maxCandidatesTried;
    }

    /**
     * The newest working set.
     *
     * @param slots every artifact wanted, in any order
     * @return a choice for every slot and for every dependency added, in the order decided
     * @throws FalcoArtifactException when no set works, naming the closest one, what blocks it and how to fix it
     */
    Map<String, Choice> search(List<ArtifactSlot> slots) {
        List<ArtifactSlot> order = slots.stream()
                .sorted(Comparator.comparingInt(ArtifactSlot::searchRank))
                .toList();
        Outcome outcome = assign(order, 0, new LinkedHashMap<>());
        if (outcome.set() != null) {
            return outcome.set();
        }
        throw noWorkingSet("No set of falcoctl artifact versions works");
    }

    private Outcome assign(List<ArtifactSlot> order, int at, Map<String, Choice> assigned) {
        if (at == order.size()) {
            return verified(assigned);
        }
        ArtifactSlot slot = order.get(at);
        List<String> skipped = new ArrayList<>();
        String newest = null;
        int triedHere = 0;
        for (String tag : versions(slot)) {
            boolean asked = slot.requested != null && tag.equals(slot.requested.tag());
            Optional<SemanticVersion> tagged =
                    asked ? Optional.of(ArtifactSlot.version(slot.requested)) : SemanticVersion.parse(tag);
            Optional<String> refused = tagged.flatMap(version -> acceptedBy(slot, version, assigned, order));
            if (newest == null) {
                newest = slot.name + " " + tagged.map(Object::toString).orElse(tag);
            }
            if (refused.isPresent()) {
                skipped.add(slot.name + " " + tagged.get() + " skipped: " + refused.get());
                continue;
            }
            if (triedHere++ >= MAX_VERSIONS_PER_SLOT) {
                break;
            }
            if (++tried > maxCandidatesTried) {
                throw noWorkingSet("Looking for a working set of falcoctl artifacts stopped after " + maxCandidatesTried
                        + " versions tried");
            }
            Fetched fetched;
            try {
                fetched = asked ? slot.requested : catalog.fetch(slot.repository.withTag(tag), slot.name + ":" + tag);
            } catch (FalcoOfflineException e) {
                String message = e.getMessage();
                skipped.add(slot.name + " " + tag + " skipped: "
                        + (message.endsWith(".") ? message.substring(0, message.length() - 1) : message));
                continue;
            }
            List<ArtifactSlot> added = new ArrayList<>();
            Optional<String> problem = usable(slot, fetched)
                    .or(() -> acceptedBy(slot, ArtifactSlot.version(fetched), assigned, order))
                    .or(() -> dependenciesPossible(fetched, assigned, order, at, added));
            if (problem.isPresent()) {
                skipped.add(ArtifactSlot.describe(fetched) + " skipped: " + problem.get());
                continue;
            }
            Map<String, Choice> next = new LinkedHashMap<>(assigned);
            next.put(slot.name, new Choice(slot, fetched, List.copyOf(skipped)));
            List<ArtifactSlot> nextOrder = order;
            if (!added.isEmpty()) {
                nextOrder = new ArrayList<>(order);
                nextOrder.addAll(added);
            }
            Outcome outcome = assign(nextOrder, at + 1, next);
            if (outcome.set() != null) {
                return outcome;
            }
            skipped.add(ArtifactSlot.describe(fetched) + " skipped: " + outcome.reason());
        }
        if (closest == null || assigned.size() > closest.assigned().size()) {
            closest = new DeadEnd(
                    new LinkedHashMap<>(assigned), slot, newest == null ? slot.name : newest, List.copyOf(skipped));
        }
        return new Outcome(
                null,
                "then no version of " + slot.name + " works ("
                        + (skipped.isEmpty() ? "the source has no X.Y.Z tag" : shown(skipped)) + ")");
    }

    /** The tags a slot tries, newest first: the asked-for one, then newer ones of its major; or any. */
    private List<String> versions(ArtifactSlot slot) {
        if (slot.freedom == Freedom.PINNED) {
            return List.of(slot.requested.tag());
        }
        List<String> tags = catalog.exactTagsNewestFirst(slot.repository);
        if (slot.freedom != Freedom.REQUESTED) {
            return tags;
        }
        SemanticVersion asked = ArtifactSlot.version(slot.requested);
        List<String> versions = new ArrayList<>(List.of(slot.requested.tag()));
        tags.stream()
                .filter(tag -> {
                    SemanticVersion version = SemanticVersion.parse(tag).orElseThrow();
                    return version.major() == asked.major() && version.compareTo(asked) > 0;
                })
                .forEach(versions::add);
        return versions;
    }

    /** Why this version does not suit Falco or the files asked of it, if it does not. */
    private Optional<String> usable(ArtifactSlot slot, Fetched fetched) {
        if (!fetched.config().name().equals(slot.name)) {
            return Optional.of("its config names it " + fetched.config().name());
        }
        Optional<String> falco = falcoProblem.apply(fetched.config());
        if (falco.isPresent()) {
            return falco;
        }
        for (String file : slot.requiredFiles) {
            if (!fetched.files().contains(file)) {
                return Optional.of("it does not hold " + file);
            }
        }
        return Optional.empty();
    }

    /** Why the artifacts already chosen refuse this version of a slot, if they do. */
    private static Optional<String> acceptedBy(
            ArtifactSlot slot, SemanticVersion version, Map<String, Choice> assigned, List<ArtifactSlot> order) {
        for (Choice choice : assigned.values()) {
            Config dependent = choice.fetched().config();
            for (Requirement dependency : dependent.dependencies()) {
                Optional<SemanticVersion> required = SemanticVersion.parse(dependency.version());
                if (required.isEmpty()) {
                    continue;
                }
                if (dependency.name().equals(slot.name)) {
                    if (version.major() != required.get().major()) {
                        return Optional.of(ArtifactSlot.describe(choice.fetched()) + " needs " + slot.name + " "
                                + dependency.version() + ", and falcoctl refuses another major version");
                    }
                    if (version.compareTo(required.get()) < 0 && !alternativeMet(dependency, assigned)) {
                        return Optional.of(ArtifactSlot.describe(choice.fetched()) + " needs " + slot.name + " >= "
                                + dependency.version());
                    }
                } else if (!inSet(dependency.name(), assigned, order)) {
                    for (Requirement alternative : dependency.alternatives()) {
                        Optional<SemanticVersion> wanted = SemanticVersion.parse(alternative.version());
                        if (alternative.name().equals(slot.name)
                                && wanted.isPresent()
                                && !version.satisfies(wanted.get())) {
                            return Optional.of(ArtifactSlot.describe(choice.fetched()) + " accepts " + slot.name
                                    + " " + alternative.version() + " (same major, at least) instead of "
                                    + dependency.name());
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why the dependencies of a version cannot all be met, if they cannot: by what is chosen, by a slot still to
     * decide, or by a dependency the source has a version of (added to {@code added}).
     */
    private Optional<String> dependenciesPossible(
            Fetched fetched, Map<String, Choice> assigned, List<ArtifactSlot> order, int at, List<ArtifactSlot> added) {
        for (Requirement dependency : fetched.config().dependencies()) {
            Optional<SemanticVersion> required = SemanticVersion.parse(dependency.version());
            if (required.isEmpty()) {
                return Optional.of("it depends on " + dependency.name() + " at '" + dependency.version()
                        + "', which is not a version falcoctl reads");
            }
            if (dependency.name().equals(fetched.config().name())) {
                continue;
            }
            Choice chosen = assigned.get(dependency.name());
            if (chosen != null) {
                SemanticVersion have = ArtifactSlot.version(chosen.fetched());
                if (have.major() != required.get().major()) {
                    return Optional.of("needs " + dependency.name() + " " + dependency.version() + ", but "
                            + ArtifactSlot.describe(chosen.fetched()) + " is "
                            + chosen.slot().provenance()
                            + " and falcoctl refuses another major version");
                }
                if (have.compareTo(required.get()) < 0 && !alternativeMet(dependency, assigned)) {
                    return Optional.of("needs " + dependency.name() + " >= " + dependency.version() + ", but "
                            + ArtifactSlot.describe(chosen.fetched()) + " is "
                            + chosen.slot().provenance());
                }
                continue;
            }
            if (alternativeMet(dependency, assigned) || alternativePending(dependency, order, at)) {
                continue;
            }
            Optional<ArtifactSlot> pending = order.subList(at + 1, order.size()).stream()
                    .filter(slot -> slot.name.equals(dependency.name()))
                    .findFirst();
            if (pending.isPresent()) {
                if (!possible(pending.get(), required.get())) {
                    return Optional.of(unavailable(pending.get(), dependency));
                }
                continue;
            }
            Optional<FalcoctlIndex.Entry> entry = index.find(dependency.name());
            if (entry.isEmpty()) {
                return Optional.of("needs " + dependency.name() + " " + dependency.version()
                        + ", which the falcoctl index does not list");
            }
            ArtifactSlot slot = new ArtifactSlot(
                    dependency.name(),
                    Freedom.DEPENDENCY,
                    entry.get().at("").withTag(null),
                    entry.get().type(),
                    null);
            if (!possible(slot, required.get())) {
                return Optional.of(unavailable(slot, dependency));
            }
            if (added.stream().noneMatch(other -> other.name.equals(slot.name))) {
                added.add(slot);
            }
        }
        return Optional.empty();
    }

    /** Whether the source has a version of a slot still to decide that meets a requirement. */
    private boolean possible(ArtifactSlot slot, SemanticVersion required) {
        if (slot.freedom == Freedom.PINNED) {
            return ArtifactSlot.version(slot.requested).satisfies(required);
        }
        if (slot.freedom == Freedom.REQUESTED
                && ArtifactSlot.version(slot.requested).satisfies(required)) {
            return true;
        }
        return catalog.newestOfMajor(slot.repository, required.major())
                .filter(newest -> newest.compareTo(required) >= 0)
                .isPresent();
    }

    private String unavailable(ArtifactSlot slot, Requirement dependency) {
        String needs = "needs " + dependency.name() + " >= " + dependency.version() + ", ";
        if (slot.freedom == Freedom.PINNED) {
            return needs + "but " + ArtifactSlot.describe(slot.requested) + " is pinned by `artifacts`";
        }
        SemanticVersion required = SemanticVersion.parse(dependency.version()).orElseThrow();
        Optional<SemanticVersion> newest = catalog.newestOfMajor(slot.repository, required.major());
        if (newest.isPresent()) {
            return needs + "source has up to " + newest.get();
        }
        List<SemanticVersion> all = catalog.versionsNewestFirst(slot.repository);
        return needs
                + (all.isEmpty()
                        ? "source has no version of it (" + slot.repository + ")"
                        : "source has none of major " + required.major() + " (newest " + all.get(0) + ")");
    }

    private static boolean inSet(String name, Map<String, Choice> assigned, List<ArtifactSlot> order) {
        return assigned.containsKey(name) || order.stream().anyMatch(slot -> slot.name.equals(name));
    }

    /** falcoctl's rule: the first alternative in the set is accepted when it has the same major and is new enough. */
    private static boolean alternativeMet(Requirement dependency, Map<String, Choice> assigned) {
        for (Requirement alternative : dependency.alternatives()) {
            Choice chosen = assigned.get(alternative.name());
            if (chosen != null) {
                return SemanticVersion.parse(alternative.version())
                        .map(wanted -> ArtifactSlot.version(chosen.fetched()).satisfies(wanted))
                        .orElse(false);
            }
        }
        return false;
    }

    private static boolean alternativePending(Requirement dependency, List<ArtifactSlot> order, int at) {
        return dependency.alternatives().stream()
                .anyMatch(alternative -> order.subList(at + 1, order.size()).stream()
                        .anyMatch(slot -> slot.name.equals(alternative.name())));
    }

    /** A complete set, checked once more as falcoctl checks the install list. */
    private Outcome verified(Map<String, Choice> set) {
        List<String> conflicts = new ArrayList<>();
        List<FalcoctlDependencies.Unmet> unmet = FalcoctlDependencies.unmet(
                set.values().stream().map(choice -> choice.fetched().config()).toList(), conflicts);
        if (conflicts.isEmpty() && unmet.isEmpty()) {
            return new Outcome(set, null);
        }
        String reason = !conflicts.isEmpty()
                ? conflicts.get(0)
                : unmet.get(0).requiredBy() + " needs " + unmet.get(0).falcoctlReference()
                        + ", which falcoctl would look up in an index";
        return new Outcome(null, "then the set fails falcoctl's dependency check: " + reason);
    }

    private FalcoArtifactException noWorkingSet(String lead) {
        if (closest == null) {
            return new FalcoArtifactException(
                    "artifacts", lead + ". Pin versions that work together with `artifacts` (e.g. k8saudit:0.16.1).");
        }
        List<String> combination = new ArrayList<>();
        closest.assigned().values().forEach(choice -> combination.add(ArtifactSlot.describe(choice.fetched())));
        combination.add(closest.newest());
        List<String> blockers = new ArrayList<>(closest.reasons());
        String blocked = blockers.isEmpty()
                ? "the source has no X.Y.Z tag of " + closest.slot().name + " (" + closest.slot().repository + ")"
                : shown(blockers);
        List<String> origins = new ArrayList<>(closest.slot().origins);
        closest.assigned().values().stream()
                .filter(choice -> choice.slot().freedom != Freedom.DEPENDENCY)
                .forEach(choice -> origins.addAll(choice.slot().origins));
        return new FalcoArtifactException(
                closest.slot().name,
                lead + " with the chart's Falco. The closest combination is " + String.join(" + ", combination)
                        + ", and no version of " + closest.slot().name + " fits it: " + blocked + ". To fix it, publish"
                        + " the missing versions in the source registry, change the versions asked for in "
                        + String.join(
                                ", ",
                                origins.stream()
                                        .distinct()
                                        .map(origin ->
                                                origin.equals(ArtifactPins.PARAMETER) ? "`" + origin + "`" : origin)
                                        .toList())
                        + ", or pin versions that work together with `artifacts` (name:version,...).");
    }

    /** The first reasons, the count of the others, and at most {@link #MAX_REASON_CHARS} characters in all. */
    private static String shown(List<String> reasons) {
        String shown = String.join("; ", reasons.subList(0, Math.min(REASONS_SHOWN, reasons.size())));
        if (reasons.size() > REASONS_SHOWN) {
            shown += "; and " + (reasons.size() - REASONS_SHOWN) + " more";
        }
        return shown.length() > MAX_REASON_CHARS ? shown.substring(0, MAX_REASON_CHARS) + "..." : shown;
    }
}
