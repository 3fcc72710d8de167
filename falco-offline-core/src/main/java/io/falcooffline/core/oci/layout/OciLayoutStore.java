package io.falcooffline.core.oci.layout;

import io.falcooffline.core.ArtifactNotFoundException;
import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.io.JsonErrors;
import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.FileFilledBlobs;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OCI image layout (the offline bundle) as an {@link OciStore}. One layout holds many repositories: the
 * {@code repository} arguments are full names ({@code 192.168.5.96:30003/falco/falco}) and every tag is an
 * {@code index.json} entry whose {@code org.opencontainers.image.ref.name} is {@code <repository>:<tag>}, which is
 * also how {@code skopeo copy oci:<dir>:<repository>:<tag>} addresses it. Blobs are shared by all repositories.
 *
 * <p>Writes survive being killed at any point: a blob is streamed to {@code ingest/}, verified while streaming,
 * synced and renamed into {@code blobs/}, so {@code blobs/} never holds a partial or wrong blob; {@code index.json}
 * is replaced by an atomic rename. Opening a layout for writing deletes what a killed run left in {@code ingest/},
 * and every existing blob a run relies on is re-hashed once; a damaged one is deleted and fetched again.
 */
public final class OciLayoutStore implements OciStore, FileFilledBlobs {

    static final String INDEX_FILE = "index.json";
    static final String LAYOUT_FILE = "oci-layout";
    static final String INGEST_DIRECTORY = "ingest";
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** Marks a directory as a bundle this library wrote, which a later run may replace the content of. */
    static final String MARKER_FILE = "falco-offline.bundle";

    private static final byte[] MARKER_CONTENT =
            "An offline bundle written by falco-offline; load it with falco-offline:push.\n"
                    .getBytes(StandardCharsets.UTF_8);

    private static final byte[] LAYOUT_CONTENT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_INDEX_FILE_BYTES = 64 * 1024 * 1024;

    private final LayoutFiles files;
    private final Path directory;
    private final boolean writable;
    /** index.json entries with a ref name, by ref name; kept sorted so the file is the same for the same tags. */
    private final TreeMap<String, ObjectNode> namedEntries = new TreeMap<>();
    /** index.json entries without a ref name, written by other tools: kept as they are. */
    private final List<ObjectNode> otherEntries = new ArrayList<>();

    private final Set<String> verifiedBlobs = ConcurrentHashMap.newKeySet();

    private OciLayoutStore(LayoutFiles files, Path directory, boolean writable) {
        this.files = files;
        this.directory = directory;
        this.writable = writable;
    }

    /**
     * Opens a bundle directory for writing, creating it when missing and clearing what a killed run left behind.
     *
     * @throws FalcoOfflineException when the directory is not a usable OCI layout
     */
    public static OciLayoutStore openForWriting(Path directory) {
        try {
            if (!Files.exists(directory.resolve(MARKER_FILE)) && !isEmptyOrMissing(directory)) {
                throw new InvalidRequestException(
                        "bundle",
                        "The bundle directory " + directory + " already holds files that falco-offline did not write"
                                + " (it has no " + MARKER_FILE + "); a bundle run replaces its content, so choose a "
                                + "new or empty directory.");
            }
            // A link on the way would let this run write, and its clean-up delete, files outside the bundle.
            Files.createDirectories(OutputPaths.inside(directory, "blobs/sha256", "blob directory"));
            OutputPaths.inside(directory, "blobs/sha256", "blob directory");
            OutputPaths.inside(directory, INGEST_DIRECTORY, "ingest directory");
            if (!Files.exists(directory.resolve(MARKER_FILE))) {
                AtomicFiles.write(OutputPaths.inside(directory, MARKER_FILE, "bundle marker"), MARKER_CONTENT);
            }
            if (!Files.exists(directory.resolve(LAYOUT_FILE))) {
                AtomicFiles.write(OutputPaths.inside(directory, LAYOUT_FILE, "bundle layout file"), LAYOUT_CONTENT);
            }
            deleteLeftovers(directory);
            OciLayoutStore store = new OciLayoutStore(LayoutFiles.directory(directory), directory, true);
            store.loadIndex();
            return store;
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot prepare the bundle directory " + directory + ": " + e.getMessage()
                            + ". Check that it is writable and on a local disk.",
                    e);
        }
    }

    private static boolean isEmptyOrMissing(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return true;
        }
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * Opens a bundle, a directory or a {@code .tar} archive of one, for reading.
     *
     * @throws FalcoOfflineException when it is not an OCI layout
     */
    public static OciLayoutStore openForReading(Path bundle) {
        try {
            LayoutFiles files;
            if (Files.isDirectory(bundle)) {
                files = LayoutFiles.directory(bundle);
            } else if (Files.isRegularFile(bundle)) {
                files = LayoutFiles.tar(bundle);
            } else {
                throw new FalcoOfflineException(
                        "The bundle " + bundle
                                + " does not exist: give the bundle directory or its .tar, as written by falco-offline:package.");
            }
            OciLayoutStore store = new OciLayoutStore(files, null, false);
            if (files.size(LAYOUT_FILE).isEmpty() || files.size(INDEX_FILE).isEmpty()) {
                files.close();
                throw new FalcoOfflineException(bundle + " is not an offline bundle: it lacks " + LAYOUT_FILE + " or "
                        + INDEX_FILE + ". Give the directory or .tar written by falco-offline:package.");
            }
            store.loadIndex();
            return store;
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot read the bundle " + bundle + ": " + e.getMessage(), e);
        }
    }

    private static void deleteLeftovers(Path directory) throws IOException {
        Path ingest = directory.resolve(INGEST_DIRECTORY);
        if (Files.isDirectory(ingest)) {
            try (Stream<Path> leftovers = Files.list(ingest)) {
                for (Path leftover : (Iterable<Path>) leftovers::iterator) {
                    Files.deleteIfExists(leftover);
                }
            }
        }
        try (Stream<Path> temps = Files.list(directory)) {
            for (Path temp : (Iterable<Path>) temps::iterator) {
                String name = temp.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private void loadIndex() throws IOException {
        if (files.size(INDEX_FILE).isEmpty()) {
            return;
        }
        JsonNode index;
        try {
            index = Json.MAPPER.readTree(files.readSmall(INDEX_FILE, MAX_INDEX_FILE_BYTES));
        } catch (JacksonException e) {
            throw new FalcoOfflineException(files.describe() + ": " + INDEX_FILE + " is not valid JSON ("
                    + JsonErrors.describe(e) + "). falco-offline only ever replaces it whole; restore it or write the "
                    + "bundle into a new directory.");
        }
        for (JsonNode entry : index.path("manifests")) {
            if (!(entry instanceof ObjectNode object)) {
                continue;
            }
            String refName = entry.path("annotations").path(REF_NAME).asString("");
            if (refName.isEmpty()) {
                otherEntries.add(object);
            } else {
                namedEntries.put(refName, object);
            }
        }
    }

    @Override
    public synchronized Optional<Descriptor> resolve(String repository, String reference) {
        if (Digests.isDigest(reference)) {
            return blobSize(reference).isPresent() ? Optional.of(sniff(reference)) : Optional.empty();
        }
        ObjectNode entry = namedEntries.get(repository + ":" + reference);
        if (entry == null) {
            return Optional.empty();
        }
        return Optional.of(new Descriptor(
                entry.path("mediaType").asString(""),
                entry.path("digest").asString(),
                entry.path("size").asLong()));
    }

    @Override
    public Manifest fetchManifest(String repository, String reference) {
        Descriptor descriptor = resolve(repository, reference)
                .orElseThrow(() -> new ArtifactNotFoundException(files.describe() + " has no " + repository
                        + (Digests.isDigest(reference) ? "@" : ":") + reference));
        return new Manifest(descriptor, readBlob(descriptor.digest()));
    }

    @Override
    public InputStream fetchBlob(String repository, Descriptor blob) {
        try {
            if (blobSize(blob.digest()).isEmpty()) {
                throw new ArtifactNotFoundException(files.describe() + " has no blob " + blob.digest());
            }
            return new VerifyingInputStream(files.open(blobPath(blob.digest())), blob, files.describe());
        } catch (IOException e) {
            throw failure("read or write", e);
        }
    }

    @Override
    public boolean hasBlob(String repository, Descriptor blob) {
        if (verifiedBlobs.contains(blob.digest())) {
            return true;
        }
        OptionalLong size = blobSize(blob.digest());
        if (size.isEmpty()) {
            return false;
        }
        if (size.getAsLong() == blob.size() && hashesTo(blob)) {
            verifiedBlobs.add(blob.digest());
            return true;
        }
        if (writable) {
            // A damaged blob would be trusted forever; drop it so this run fetches it again.
            try {
                Files.deleteIfExists(OutputPaths.inside(directory, blobPath(blob.digest()), "blob"));
            } catch (IOException e) {
                throw failure("read or write", e);
            }
        }
        return false;
    }

    @Override
    public void pushBlob(String repository, Descriptor blob, InputStream content) {
        ingest(
                blob,
                channel -> VerifyingInputStream.of(content, blob, "the copy into " + files.describe())
                        .transferTo(Channels.newOutputStream(channel)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The file is written in {@code ingest/}, then read back whole and hashed (from the page cache, as a rule),
     * synced and renamed into {@code blobs/} only when it matches.
     */
    @Override
    public void pushBlobFilled(Descriptor blob, Filler filler) {
        ingest(blob, channel -> {
            filler.fill(channel);
            channel.position(0);
            VerifyingInputStream verified = new VerifyingInputStream(
                    Channels.newInputStream(channel), blob, "the ranged copy into " + files.describe());
            verified.transferTo(OutputStream.nullOutputStream());
        });
    }

    /** Writes a blob into a file in {@code ingest/} and, once {@code write} verified it, moves it into place. */
    private void ingest(Descriptor blob, Filler write) {
        requireWritable();
        try {
            Path ingest = Files.createDirectories(directory.resolve(INGEST_DIRECTORY));
            Path temp = AtomicFiles.createTemporaryFile(ingest, blob.digest().replace(':', '-') + "_", ".part");
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    write.fill(channel);
                    channel.force(true);
                }
                Path target = OutputPaths.inside(directory, blobPath(blob.digest()), "blob");
                Files.createDirectories(target.getParent());
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                verifiedBlobs.add(blob.digest());
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw failure("write blob " + blob.digest() + " to", e);
        }
    }

    @Override
    public boolean mountBlob(String repository, Descriptor blob, String fromRepository) {
        // All repositories of a layout share one blob directory.
        return hasBlob(repository, blob);
    }

    @Override
    public void pushManifest(String repository, String reference, Manifest manifest) {
        requireWritable();
        Descriptor descriptor = manifest.descriptor();
        if (!hasBlob(repository, descriptor)) {
            pushBlob(repository, descriptor, new java.io.ByteArrayInputStream(manifest.bytes()));
        }
        if (Digests.isDigest(reference)) {
            if (!reference.equals(descriptor.digest())) {
                throw new DigestMismatchException(
                        reference, "Manifest " + descriptor.digest() + " cannot be stored as " + reference);
            }
            return;
        }
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("mediaType", descriptor.mediaType());
        entry.put("digest", descriptor.digest());
        entry.put("size", descriptor.size());
        entry.putObject("annotations").put(REF_NAME, repository + ":" + reference);
        synchronized (this) {
            namedEntries.put(repository + ":" + reference, entry);
            writeIndex();
        }
    }

    @Override
    public synchronized List<String> listTags(String repository) {
        String prefix = repository + ":";
        return namedEntries.keySet().stream()
                .filter(name -> name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0)
                .map(name -> name.substring(prefix.length()))
                .toList();
    }

    @Override
    public String describe() {
        return files.describe();
    }

    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException e) {
            throw failure("read or write", e);
        }
    }

    /** The tagged references of the layout, {@code <repository>:<tag>} to their descriptors, sorted. */
    public synchronized Map<String, Descriptor> taggedReferences() {
        Map<String, Descriptor> tagged = new TreeMap<>();
        namedEntries.forEach((name, entry) -> tagged.put(
                name,
                new Descriptor(
                        entry.path("mediaType").asString(""),
                        entry.path("digest").asString(),
                        entry.path("size").asLong())));
        return tagged;
    }

    /**
     * Makes the layout hold exactly one run's artifacts: drops every tag not in {@code refNames}, then deletes every
     * blob not in {@code digests}. A run killed in between leaves only unreferenced blobs, which the next run drops.
     */
    public synchronized void retainOnly(Set<String> refNames, Set<String> digests) {
        requireWritable();
        boolean changed = namedEntries.keySet().retainAll(refNames) | !otherEntries.isEmpty();
        otherEntries.clear();
        if (changed) {
            writeIndex();
        }
        try (Stream<Path> algorithms = Files.list(directory.resolve("blobs"))) {
            for (Path listed : (Iterable<Path>) algorithms::iterator) {
                Path algorithm = OutputPaths.inside(directory, "blobs/" + listed.getFileName(), "blob directory");
                try (Stream<Path> blobs = Files.list(algorithm)) {
                    for (Path blob : (Iterable<Path>) blobs::iterator) {
                        String digest = algorithm.getFileName() + ":" + blob.getFileName();
                        if (!digests.contains(digest)) {
                            Files.deleteIfExists(blob);
                            verifiedBlobs.remove(digest);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw failure("prune the blobs of", e);
        }
    }

    /** Removes a file beside the layout, if it is there. */
    public void removeExtraFile(String name) {
        requireWritable();
        try {
            Files.deleteIfExists(OutputPaths.inside(directory, name, "file beside the layout"));
        } catch (IOException e) {
            throw failure("remove " + name + " of", e);
        }
    }

    /** Stores a file beside the layout (the lock, the plan, the chart), replacing it atomically. */
    public void writeExtraFile(String name, byte[] content) {
        requireWritable();
        AtomicFiles.write(OutputPaths.inside(directory, name, "bundle file"), content);
    }

    /**
     * Removes what marks the bundle as finished (index, lock, chart, plan) after a failed run; verified blobs stay,
     * so that the next run resumes.
     */
    public synchronized void discardResults() {
        requireWritable();
        try (Stream<Path> top = Files.list(directory)) {
            for (Path path : (Iterable<Path>) top::iterator) {
                String name = path.getFileName().toString();
                if (!name.equals(LAYOUT_FILE)
                        && !name.equals(MARKER_FILE)
                        && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (IOException e) {
            // The failure that led here is the one worth reporting.
        }
        namedEntries.clear();
        otherEntries.clear();
    }

    /** Copies a file beside the layout, replacing it atomically. */
    void copyExtraFile(Path file) {
        requireWritable();
        AtomicFiles.write(
                OutputPaths.inside(directory, file.getFileName().toString(), "bundle file"),
                out -> Files.copy(file, out));
    }

    /** Reads a small file stored beside the layout (the lock, the plan), if present. */
    public Optional<byte[]> readExtraFile(String name, int maxBytes) {
        try {
            return files.size(name).isPresent() ? Optional.of(files.readSmall(name, maxBytes)) : Optional.empty();
        } catch (IOException e) {
            throw failure("read or write", e);
        }
    }

    /** The layout's directory when it is one. */
    Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    private void writeIndex() {
        ObjectNode index = Json.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        otherEntries.forEach(manifests::add);
        namedEntries.values().forEach(manifests::add);
        AtomicFiles.write(
                OutputPaths.inside(directory, INDEX_FILE, "bundle index"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
    }

    private byte[] readBlob(String digest) {
        try {
            return files.readSmall(blobPath(digest), Manifest.MAX_BYTES);
        } catch (IOException e) {
            throw failure("read or write", e);
        }
    }

    private Descriptor sniff(String digest) {
        byte[] bytes = readBlob(digest);
        String mediaType;
        try {
            JsonNode manifest = Json.MAPPER.readTree(bytes);
            mediaType = manifest.path("mediaType").asString("");
            if (mediaType.isEmpty()) {
                mediaType = manifest.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
            }
        } catch (JacksonException e) {
            throw new FalcoOfflineException(files.describe() + ": " + digest + " is not a manifest");
        }
        return new Descriptor(mediaType, digest, bytes.length);
    }

    private boolean hashesTo(Descriptor blob) {
        try (InputStream in = new VerifyingInputStream(files.open(blobPath(blob.digest())), blob, files.describe())) {
            in.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (DigestMismatchException e) {
            return false;
        } catch (IOException e) {
            throw failure("read or write", e);
        }
    }

    private OptionalLong blobSize(String digest) {
        try {
            return files.size(blobPath(digest));
        } catch (IOException e) {
            throw failure("read or write", e);
        }
    }

    /** A disk failure of the bundle, naming it and what to check; the bundle stays resumable. */
    private FalcoOfflineException failure(String action, IOException e) {
        return new FalcoOfflineException(
                "Cannot " + action + " the bundle " + files.describe() + ": "
                        + (e.getMessage() == null ? e.toString() : e.getMessage())
                        + ". Check that the bundle directory is writable and the disk has space, then run again.",
                e);
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException(files.describe() + " is open for reading only");
        }
    }

    public static String blobPath(String digest) {
        int colon = digest.indexOf(':');
        return "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
    }
}
