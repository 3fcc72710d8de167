package io.falcooffline.core.falco;

import io.falcooffline.core.falco.ArtifactResolver.Fetched;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.version.SemanticVersion;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One artifact of the set being resolved: its name, where it is published, and how its version may be chosen. */
final class ArtifactSlot {

    /** How the version of an artifact may be chosen. */
    enum Freedom {
        /** The {@code artifacts} parameter fixed it. */
        PINNED,
        /**
         * A ref (install, follow, a chart helper) asked for it: that version, or a newer one of the same major when
         * another artifact depends on one, as falcoctl's {@code ResolveDeps} raises it.
         */
        REQUESTED,
        /** Wanted by name (a loaded plugin, a rules file, an unversioned {@code artifacts} entry): any version. */
        FREE,
        /** Only another artifact's dependency: any version of the required major, at least the required one. */
        DEPENDENCY
    }

    final String name;
    final Freedom freedom;
    final OciReference repository;
    final ReferenceKind type;
    /** The version as asked for ({@link Freedom#PINNED}, {@link Freedom#REQUESTED}); null otherwise. */
    Fetched requested;

    final Set<String> requiredFiles = new LinkedHashSet<>();
    final Set<WantedArtifact.Role> roles = EnumSet.noneOf(WantedArtifact.Role.class);
    final List<String> origins = new ArrayList<>();

    ArtifactSlot(String name, Freedom freedom, OciReference repository, ReferenceKind type, Fetched requested) {
        this.name = name;
        this.freedom = freedom;
        this.repository = repository.withTag(null);
        this.type = type;
        this.requested = requested;
    }

    static ArtifactSlot of(Fetched fetched, Freedom freedom) {
        return new ArtifactSlot(fetched.config().name(), freedom, fetched.repository(), fetched.kind(), fetched);
    }

    void wantedFor(WantedArtifact wanted) {
        roles.add(wanted.role());
        origins.add(wanted.origin());
    }

    /** Whether the search decides this slot before another: pins, then refs, then names; rules before plugins. */
    int searchRank() {
        return freedom.ordinal() * 2 + (type == ReferenceKind.RULESFILE ? 0 : 1);
    }

    /** How the version came to be, for messages: {@code pinned by `artifacts`}, {@code asked for by ...}. */
    String provenance() {
        return switch (freedom) {
            case PINNED -> "pinned by `artifacts`";
            case REQUESTED -> "asked for by " + String.join(", ", origins);
            case FREE -> "chosen for " + String.join(", ", origins);
            case DEPENDENCY -> "chosen as a dependency";
        };
    }

    static SemanticVersion version(Fetched fetched) {
        return SemanticVersion.parse(fetched.config().version()).orElseThrow();
    }

    static String describe(Fetched fetched) {
        return fetched.config().name() + " " + fetched.config().version();
    }
}
