package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.io.JsonErrors;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.ReferenceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content of {@code falco-offline.lock.json}: every artifact a run mirrored, with source and target digests.
 * With a lock present, a run fetches every source at its locked digest, so the same lock gives the same target
 * digests even after upstream moved a floating tag such as {@code falco-rules:5}.
 *
 * @param registry the internal registry the artifacts were mirrored for, {@code host[:port]}
 * @param entries the artifacts, sorted by target then source
 */
public record MirrorLock(String registry, List<LockEntry> entries) {

    /** The format version written to and required in the file. */
    public static final int FORMAT_VERSION = 1;

    private static final Comparator<LockEntry> ORDER = Comparator.comparing(LockEntry::target)
            .thenComparing(LockEntry::source)
            .thenComparing(LockEntry::origin);

    public MirrorLock {
        entries = entries.stream().sorted(ORDER).toList();
    }

    /**
     * The entry recording where a source reference was fetched from: a reference of the plan or a dependency. A
     * source the lock records pinned ({@code tag@digest}, from a {@code pinDigests} run) is found by its tag too.
     */
    public Optional<LockEntry> findSource(String source) {
        List<LockEntry> fetched = entries.stream()
                .filter(entry ->
                        entry.origin() == LockEntry.Origin.PLAN || entry.origin() == LockEntry.Origin.DEPENDENCY)
                .filter(entry -> entry.sourceDigest() != null)
                .toList();
        return fetched.stream()
                .filter(entry -> entry.source().equals(source))
                .findFirst()
                .or(() -> fetched.stream()
                        .filter(entry -> withoutDigest(entry.source()).equals(source))
                        .findFirst());
    }

    private static String withoutDigest(String reference) {
        int at = reference.indexOf('@');
        return at < 0 ? reference : reference.substring(0, at);
    }

    /** This lock with its {@link LockEntry.Origin#CHART} entry replaced by the given one. */
    public MirrorLock withChart(LockEntry chart) {
        List<LockEntry> changed = new ArrayList<>(entries);
        changed.removeIf(entry -> entry.origin() == LockEntry.Origin.CHART);
        changed.add(chart);
        return new MirrorLock(registry, changed);
    }

    /** The entry of the rewritten chart, if recorded. */
    public Optional<LockEntry> chart() {
        return entries.stream()
                .filter(entry -> entry.origin() == LockEntry.Origin.CHART)
                .findFirst();
    }

    /**
     * Reads a lock file.
     *
     * @return the lock, or empty when the file does not exist
     * @throws FalcoOfflineException when the file is unreadable or not a lock, naming it
     */
    public static Optional<MirrorLock> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot read the lock file " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(parse(bytes, file.toString()));
    }

    /**
     * Parses lock file content.
     *
     * @param sourceName what the bytes are, for messages
     * @throws FalcoOfflineException when they are not a lock
     */
    public static MirrorLock parse(byte[] bytes, String sourceName) {
        try {
            JsonNode root = Json.MAPPER.readTree(bytes);
            int version = root.path("lockVersion").asInt(-1);
            if (version != FORMAT_VERSION) {
                throw new FalcoOfflineException(sourceName + " is not a falco-offline lock of format version "
                        + FORMAT_VERSION + " (found lockVersion " + version
                        + "); delete it to mirror from the current upstream tags and write a new one.");
            }
            List<LockEntry> entries = new ArrayList<>();
            for (JsonNode node : root.path("entries")) {
                List<String> platforms = new ArrayList<>();
                node.path("platforms").forEach(platform -> platforms.add(platform.asString()));
                entries.add(LockEntry.builder(
                                LockEntry.Origin.valueOf(required(node, "origin", sourceName)),
                                ReferenceKind.valueOf(required(node, "kind", sourceName)),
                                required(node, "source", sourceName),
                                required(node, "target", sourceName))
                        .sourceDigest(optional(node, "sourceDigest"))
                        .targetDigest(optional(node, "targetDigest"))
                        .mediaType(node.path("mediaType").asString(""))
                        .platforms(platforms)
                        .size(node.path("size").asLong(0))
                        .note(node.path("note").asString(""))
                        .build());
            }
            return new MirrorLock(required(root, "registry", sourceName), entries);
        } catch (JacksonException | IllegalArgumentException e) {
            // Jackson's own message names its parser internals; the original message is the useful part.
            String reason = e instanceof JacksonException json ? JsonErrors.describe(json) : e.getMessage();
            throw new FalcoOfflineException(
                    sourceName + " is not a valid falco-offline lock (" + reason
                            + "); restore it from version control or delete it to write a new one.",
                    e);
        }
    }

    /** The lock as pretty-printed JSON with a fixed field order, so equal locks are equal files. */
    public byte[] toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("lockVersion", FORMAT_VERSION);
        root.put("registry", registry);
        ArrayNode list = root.putArray("entries");
        for (LockEntry entry : entries) {
            ObjectNode node = list.addObject();
            node.put("origin", entry.origin().name());
            node.put("kind", entry.kind().name());
            node.put("source", entry.source());
            node.put("sourceDigest", entry.sourceDigest());
            node.put("target", entry.target());
            node.put("targetDigest", entry.targetDigest());
            node.put("mediaType", entry.mediaType());
            ArrayNode platforms = node.putArray("platforms");
            entry.platforms().forEach(platforms::add);
            node.put("size", entry.size());
            node.put("note", entry.note());
        }
        byte[] json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
        withNewline[json.length] = '\n';
        return withNewline;
    }

    /**
     * Writes the lock to a file atomically.
     *
     * @throws FalcoOfflineException when the file cannot be written, naming it
     */
    public void write(Path file) {
        AtomicFiles.write(file, toJson());
    }

    private static String required(JsonNode node, String field, String sourceName) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString() || value.asString().isEmpty()) {
            throw new IllegalArgumentException("an entry of " + sourceName + " has no '" + field + "'");
        }
        return value.asString();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
