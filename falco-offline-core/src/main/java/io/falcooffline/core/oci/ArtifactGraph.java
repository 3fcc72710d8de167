package io.falcooffline.core.oci;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.io.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything one artifact consists of: its root manifest or index, the manifests under it, and the blobs they name,
 * read from a source store. Manifests are small and held in memory; blobs are only described.
 *
 * <p>When platforms are given, an index keeps only the manifests for them (and the attestations of those). The
 * narrowed index is the original JSON with entries removed, serialised compactly, so the same source index and
 * platforms always give the same bytes and digest. An index that keeps every entry stays byte for byte the same.
 */
public final class ArtifactGraph {

    private static final int MAX_DEPTH = 4;
    private static final String REFERENCE_TYPE = "vnd.docker.reference.type";
    private static final String REFERENCE_DIGEST = "vnd.docker.reference.digest";

    private final Descriptor sourceRoot;
    private final Manifest root;
    private final List<Manifest> children;
    private final List<Descriptor> blobs;
    private final List<String> platforms;
    private final List<Descriptor> configs;

    private ArtifactGraph(
            Descriptor sourceRoot,
            Manifest root,
            List<Manifest> children,
            List<Descriptor> blobs,
            List<String> platforms,
            List<Descriptor> configs) {
        this.sourceRoot = sourceRoot;
        this.root = root;
        this.children = List.copyOf(children);
        this.blobs = List.copyOf(blobs);
        this.platforms = List.copyOf(platforms);
        this.configs = List.copyOf(configs);
    }

    /**
     * Reads an artifact's graph.
     *
     * @param store where to read
     * @param repository the repository in that store
     * @param reference a tag or digest
     * @param selected the platforms to keep of an index; empty keeps all
     * @param what the artifact's name, for messages
     */
    public static ArtifactGraph fetch(
            OciStore store, String repository, String reference, List<Platform> selected, String what) {
        return fetch(store, repository, reference, selected, what, ParallelWork.IN_TURN);
    }

    /**
     * Reads an artifact's graph, fetching the manifests an index lists at the same time: across the internet each
     * costs a round trip, and a two-platform image has two.
     *
     * @param lookups how the manifests of one index are fetched together
     */
    public static ArtifactGraph fetch(
            OciStore store,
            String repository,
            String reference,
            List<Platform> selected,
            String what,
            ParallelWork lookups) {
        Manifest source = store.fetchManifest(repository, reference);
        Collector collector = new Collector(store, repository, what, lookups);
        Manifest root = source;
        List<String> kept = List.of();
        if (MediaTypes.isIndex(source.descriptor().mediaType()) && !selected.isEmpty()) {
            Selection selection = select(source, selected, what);
            root = selection.index();
            kept = selection.platforms();
        } else if (MediaTypes.isIndex(source.descriptor().mediaType())) {
            kept = platformsOf(parse(source, what));
        }
        collector.visit(root, 0);
        return new ArtifactGraph(
                source.descriptor(),
                root,
                collector.manifests,
                new ArrayList<>(collector.blobs.values()),
                kept,
                collector.configs);
    }

    /** The root as the source store holds it. */
    public Descriptor sourceRoot() {
        return sourceRoot;
    }

    /** The root as it goes to the target: the source root, or the narrowed index. */
    public Manifest root() {
        return root;
    }

    /** Whether the root was narrowed to fewer platforms, so its digest differs from the source's. */
    public boolean narrowed() {
        return !root.descriptor().digest().equals(sourceRoot.digest());
    }

    /** The manifests under the root, each after everything it refers to. */
    public List<Manifest> children() {
        return children;
    }

    /** Every blob of the artifact, once each. */
    public List<Descriptor> blobs() {
        return blobs;
    }

    /** The platforms of the index's manifests after selection; empty for a single manifest. */
    public List<String> platforms() {
        return platforms;
    }

    /** The config blobs whose media type is one of falcoctl's artifact configs. */
    public List<Descriptor> falcoConfigs() {
        return configs;
    }

    /** The bytes of the whole artifact: manifests and blobs. */
    public long size() {
        long size = root.descriptor().size();
        for (Manifest child : children) {
            size += child.descriptor().size();
        }
        for (Descriptor blob : blobs) {
            size += blob.size();
        }
        return size;
    }

    private record Selection(Manifest index, List<String> platforms) {}

    private static Selection select(Manifest index, List<Platform> selected, String what) {
        ObjectNode json = parse(index, what);
        JsonNode entries = json.path("manifests");
        Set<String> keptDigests = new LinkedHashSet<>();
        List<String> offered = new ArrayList<>();
        List<String> keptPlatforms = new ArrayList<>();
        for (JsonNode entry : entries) {
            JsonNode platform = entry.get("platform");
            if (platform == null || isAttestation(entry)) {
                continue;
            }
            Platform entryPlatform = new Platform(
                    platform.path("os").asString(""),
                    platform.path("architecture").asString(""),
                    platform.path("variant").asString(""));
            offered.add(entryPlatform.toString());
            boolean wanted = selected.stream()
                    .anyMatch(want ->
                            want.selects(entryPlatform.os(), entryPlatform.architecture(), entryPlatform.variant()));
            if (wanted) {
                keptDigests.add(entry.path("digest").asString());
                keptPlatforms.add(entryPlatform.toString());
            }
        }
        if (offered.isEmpty()) {
            return new Selection(index, List.of());
        }
        if (keptDigests.isEmpty()) {
            throw new FalcoOfflineException(what + " has no manifest for platforms " + selected + "; it offers "
                    + offered + ". Set `platforms` to ones it offers, or leave it empty to copy all.");
        }
        ArrayNode keptEntries = Json.MAPPER.createArrayNode();
        for (JsonNode entry : entries) {
            boolean platformless = entry.get("platform") == null && !isAttestation(entry);
            boolean keptManifest = keptDigests.contains(entry.path("digest").asString()) && !isAttestation(entry);
            boolean keptAttestation = isAttestation(entry)
                    && keptDigests.contains(
                            entry.path("annotations").path(REFERENCE_DIGEST).asString(""));
            if (platformless || keptManifest || keptAttestation) {
                keptEntries.add(entry);
            }
        }
        if (keptEntries.size() == entries.size()) {
            return new Selection(index, keptPlatforms);
        }
        json.set("manifests", keptEntries);
        byte[] narrowed = Json.MAPPER.writeValueAsBytes(json);
        return new Selection(Manifest.of(index.descriptor().mediaType(), narrowed), keptPlatforms);
    }

    private static boolean isAttestation(JsonNode entry) {
        return "attestation-manifest"
                .equals(entry.path("annotations").path(REFERENCE_TYPE).asString(""));
    }

    private static List<String> platformsOf(ObjectNode index) {
        List<String> platforms = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            JsonNode platform = entry.get("platform");
            if (platform != null && !isAttestation(entry)) {
                platforms.add(new Platform(
                                platform.path("os").asString(""),
                                platform.path("architecture").asString(""),
                                platform.path("variant").asString(""))
                        .toString());
            }
        }
        return platforms;
    }

    private static ObjectNode parse(Manifest manifest, String what) {
        try {
            JsonNode node = Json.MAPPER.readTree(manifest.bytes());
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw new FalcoOfflineException(what + ": " + manifest.descriptor().digest() + " ("
                + manifest.descriptor().mediaType() + ") is not a JSON manifest.");
    }

    /** Walks manifests depth first, collecting children before their parents and each blob once. */
    private static final class Collector {
        private final OciStore store;
        private final String repository;
        private final String what;
        private final List<Manifest> manifests = new ArrayList<>();
        private final Set<String> seenManifests = new LinkedHashSet<>();
        private final Map<String, Descriptor> blobs = new LinkedHashMap<>();
        private final List<Descriptor> configs = new ArrayList<>();
        private final ParallelWork lookups;

        Collector(OciStore store, String repository, String what, ParallelWork lookups) {
            this.store = store;
            this.repository = repository;
            this.what = what;
            this.lookups = lookups;
        }

        void visit(Manifest manifest, int depth) {
            if (depth > MAX_DEPTH) {
                throw new FalcoOfflineException(
                        what + " nests indexes deeper than " + MAX_DEPTH + " levels; it is not a supported artifact.");
            }
            String mediaType = manifest.descriptor().mediaType();
            ObjectNode json = parse(manifest, what);
            if (MediaTypes.isIndex(mediaType)) {
                List<String> unseen = new ArrayList<>();
                for (JsonNode entry : json.path("manifests")) {
                    Descriptor child = descriptor(entry);
                    if (seenManifests.add(child.digest())) {
                        unseen.add(child.digest());
                    }
                }
                for (Manifest fetched : fetchAll(unseen)) {
                    visit(fetched, depth + 1);
                    manifests.add(fetched);
                }
            } else if (MediaTypes.isManifest(mediaType)) {
                Descriptor config = descriptor(json.path("config"));
                blobs.putIfAbsent(config.digest(), config);
                if (config.mediaType().startsWith(MediaTypes.FALCO_CONFIG_PREFIX)) {
                    configs.add(config);
                }
                for (JsonNode layer : json.path("layers")) {
                    Descriptor blob = descriptor(layer);
                    blobs.putIfAbsent(blob.digest(), blob);
                }
            } else {
                throw new FalcoOfflineException(what + " is a " + mediaType
                        + ", which cannot be mirrored: only OCI and Docker v2 manifests and indexes can.");
            }
        }

        /** The manifests of {@code digests}, in their order, fetched together. */
        private List<Manifest> fetchAll(List<String> digests) {
            Manifest[] fetched = new Manifest[digests.size()];
            List<ParallelWork.Task> tasks = new ArrayList<>();
            for (int i = 0; i < digests.size(); i++) {
                int slot = i;
                tasks.add(() -> fetched[slot] = store.fetchManifest(repository, digests.get(slot)));
            }
            try {
                lookups.runAll(tasks);
            } catch (IOException e) {
                throw new FalcoOfflineException(what + ": reading its manifests was interrupted: " + e.getMessage());
            }
            return List.of(fetched);
        }

        private Descriptor descriptor(JsonNode node) {
            try {
                return Descriptor.of(node);
            } catch (IllegalArgumentException e) {
                throw new FalcoOfflineException(what + " has a malformed descriptor " + node + ": " + e.getMessage());
            }
        }
    }
}
