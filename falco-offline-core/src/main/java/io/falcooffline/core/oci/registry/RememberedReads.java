package io.falcooffline.core.oci.registry;

import io.falcooffline.core.RegistryException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.oci.RangedBlobSource;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A registry store that remembers, for the length of one run, the manifests read of it and the answers to tag
 * look-ups: each is asked of the registry once however many parts of the run ask, and a read still in flight is
 * shared with whoever asks for the same. That lets the mirror read its artifacts ahead, while the chart is still
 * being verified, and find those reads done when it copies; and within a run a tag resolves once, so every part of
 * the run sees the same digest.
 *
 * <p>A failed read is not remembered: the next caller reads again and gets its own answer. Writing a manifest forgets
 * what was remembered under its tag and digest, so the run reads back what it wrote. Blobs pass through. What is kept
 * is bounded by what the run reads: the manifests of the artifacts it copies and their signature tags.
 */
final class RememberedReads implements OciStore, RangedBlobSource {

    private final OciStore store;
    private final Map<Read, CompletableFuture<Manifest>> manifests = new ConcurrentHashMap<>();
    private final Map<Read, CompletableFuture<Optional<Descriptor>>> lookups = new ConcurrentHashMap<>();

    RememberedReads(OciStore store) {
        this.store = store;
    }

    @Override
    public Optional<Descriptor> resolve(String repository, String reference) {
        return remembered(lookups, new Read(repository, reference), () -> store.resolve(repository, reference));
    }

    @Override
    public Manifest fetchManifest(String repository, String reference) {
        return remembered(manifests, new Read(repository, reference), () -> store.fetchManifest(repository, reference));
    }

    @Override
    public void pushManifest(String repository, String reference, Manifest manifest) {
        try {
            store.pushManifest(repository, reference, manifest);
        } finally {
            for (String name : List.of(reference, manifest.descriptor().digest())) {
                manifests.remove(new Read(repository, name));
                lookups.remove(new Read(repository, name));
            }
        }
    }

    @Override
    public InputStream fetchBlob(String repository, Descriptor blob) {
        return store.fetchBlob(repository, blob);
    }

    @Override
    public boolean hasBlob(String repository, Descriptor blob) {
        return store.hasBlob(repository, blob);
    }

    @Override
    public void pushBlob(String repository, Descriptor blob, InputStream content) {
        store.pushBlob(repository, blob, content);
    }

    @Override
    public boolean mountBlob(String repository, Descriptor blob, String fromRepository) {
        return store.mountBlob(repository, blob, fromRepository);
    }

    @Override
    public List<String> listTags(String repository) {
        return store.listTags(repository);
    }

    @Override
    public int fetchBlobInto(String repository, Descriptor blob, Sink sink, ParallelWork parallel) {
        return ((RangedBlobSource) store).fetchBlobInto(repository, blob, sink, parallel);
    }

    @Override
    public boolean rangesPayOff() {
        return store instanceof RangedBlobSource ranged && ranged.rangesPayOff();
    }

    @Override
    public long transientFailures() {
        return store.transientFailures();
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }

    /**
     * The remembered answer to {@code read}, else the one in flight, else {@code fetch}'s, remembered when it
     * succeeds.
     */
    private static <T> T remembered(Map<Read, CompletableFuture<T>> answers, Read read, Supplier<T> fetch) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> earlier = answers.putIfAbsent(read, mine);
        if (earlier != null) {
            try {
                return earlier.get();
            } catch (ExecutionException | CancellationException e) {
                // That read failed for whoever started it; this caller reads for itself and gets its own answer.
                return fetch.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(
                        0, "Interrupted while waiting for " + read.repository() + ":" + read.reference(), e);
            }
        }
        try {
            T answer = fetch.get();
            mine.complete(answer);
            return answer;
        } catch (RuntimeException | Error e) {
            answers.remove(read, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** A manifest or tag asked for: by digest or by tag, in a repository. */
    private record Read(String repository, String reference) {}
}
