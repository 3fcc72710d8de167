package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.ArtifactResolver.Fetched;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.version.SemanticVersion;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the source holds of the falcoctl artifacts, as the resolver reads it: the exact version tags of a repository,
 * newest first, and artifact roots, each read once. Every read is bounded: the tags of a repository, the artifact
 * roots of one resolution.
 */
final class ArtifactCatalog {

    /** The most tags read from one repository. */
    static final int MAX_TAGS_PER_REPOSITORY = 10_000;
    /** The most artifact roots one resolution reads. */
    static final int MAX_ROOTS_READ = 256;

    private static final Pattern EXACT_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+");

    private final SourceStores stores;
    private final ArtifactFetcher fetcher;
    private final Map<String, List<String>> tagsByRepository = new HashMap<>();
    private final Map<String, Fetched> fetchedByReference = new HashMap<>();
    private final Map<String, FalcoOfflineException> failedByReference = new HashMap<>();

    ArtifactCatalog(SourceStores stores, List<Platform> platforms) {
        this.stores = stores;
        this.fetcher = new ArtifactFetcher(stores, platforms);
    }

    /**
     * Reads an artifact root, or returns the copy read before; a failure is remembered too.
     *
     * @throws FalcoArtifactException when it cannot be read or used, or the read budget is spent
     */
    Fetched fetch(OciReference reference, String what) {
        String key = reference.toString();
        Fetched known = fetchedByReference.get(key);
        if (known != null) {
            return known;
        }
        FalcoOfflineException failed = failedByReference.get(key);
        if (failed != null) {
            throw failed;
        }
        if (fetchedByReference.size() + failedByReference.size() >= MAX_ROOTS_READ) {
            throw new FalcoArtifactException(
                    what,
                    "Resolving the falcoctl artifacts read " + MAX_ROOTS_READ + " artifact roots without settling."
                            + " Pin versions with `artifacts` (e.g. k8saudit:0.16.1) to narrow the choice.");
        }
        try {
            Fetched fetched = fetcher.fetch(reference, what);
            fetchedByReference.put(key, fetched);
            return fetched;
        } catch (FalcoOfflineException e) {
            failedByReference.put(key, e);
            throw e;
        }
    }

    /** The {@code X.Y.Z} tags of a repository (any tag or none), newest first. */
    List<String> exactTagsNewestFirst(OciReference repository) {
        return tagsByRepository.computeIfAbsent(repository.withTag(null).toString(), key -> readExactTags(repository));
    }

    /** The versions of the exact tags, newest first. */
    List<SemanticVersion> versionsNewestFirst(OciReference repository) {
        return exactTagsNewestFirst(repository).stream()
                .map(tag -> SemanticVersion.parse(tag).orElseThrow())
                .toList();
    }

    /** The newest version the source has with the given major, if any. */
    Optional<SemanticVersion> newestOfMajor(OciReference repository, long major) {
        return versionsNewestFirst(repository).stream()
                .filter(version -> version.major() == major)
                .findFirst();
    }

    private List<String> readExactTags(OciReference repository) {
        SourceStores.Located located = stores.locate(repository.withTag("latest"));
        List<String> tags = located.store().listTags(located.repository());
        if (tags.size() > MAX_TAGS_PER_REPOSITORY) {
            throw new FalcoArtifactException(
                    repository.toString(),
                    repository + " lists " + tags.size() + " tags; at most " + MAX_TAGS_PER_REPOSITORY + " are read."
                            + " Pin the version of this artifact with `artifacts`.");
        }
        return tags.stream()
                .filter(tag -> EXACT_TAG.matcher(tag).matches())
                .distinct()
                .sorted(Comparator.comparing(
                                (String tag) -> SemanticVersion.parse(tag).orElseThrow())
                        .reversed())
                .toList();
    }
}
