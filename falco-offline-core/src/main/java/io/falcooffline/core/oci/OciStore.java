package io.falcooffline.core.oci;

import io.falcooffline.core.ArtifactNotFoundException;
import io.falcooffline.core.DigestMismatchException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A repository-addressed store of OCI content: a registry, or an OCI image layout (a bundle).
 *
 * <p>Every read is verified against its digest; every write refuses content that does not match its descriptor.
 * Failures are {@link io.falcooffline.core.FalcoOfflineException}s whose messages name the store, the repository
 * and the artifact.
 */
public interface OciStore extends AutoCloseable {

    /**
     * Resolves a tag or digest to the descriptor of the manifest or index it names.
     *
     * @param repository the repository, e.g. {@code falcosecurity/plugins/plugin/k8saudit}
     * @param reference a tag or a digest
     * @return the descriptor, or empty when the store has no such manifest
     */
    Optional<Descriptor> resolve(String repository, String reference);

    /**
     * Fetches a manifest or index exactly as stored, verified against its digest: the requested digest when
     * {@code reference} is a digest, otherwise the digest of the fetched bytes, which must also match a digest the
     * store reports.
     *
     * @param repository the repository
     * @param reference a tag or a digest
     * @return the manifest
     * @throws ArtifactNotFoundException when the store has no such manifest
     * @throws DigestMismatchException when the bytes do not hash to the expected digest
     */
    Manifest fetchManifest(String repository, String reference);

    /**
     * Opens a stream of a blob's bytes. The stream fails with {@link DigestMismatchException} at end of data if the
     * bytes do not hash to the descriptor's digest or their length differs from its size.
     *
     * @param repository the repository
     * @param blob the blob's descriptor, usually taken from a verified manifest
     * @return the stream; the caller closes it
     * @throws ArtifactNotFoundException when the store has no such blob
     */
    InputStream fetchBlob(String repository, Descriptor blob);

    /**
     * Tells whether the store holds a blob.
     *
     * @param repository the repository
     * @param blob the blob's descriptor
     * @return true when the blob is present in {@code repository}
     */
    boolean hasBlob(String repository, Descriptor blob);

    /**
     * Stores a blob, verifying its bytes while streaming them. The store keeps no blob whose bytes do not match the
     * descriptor. Memory use does not grow with the blob's size.
     *
     * @param repository the repository
     * @param blob the blob's descriptor
     * @param content the bytes; read to the end, not closed
     * @throws DigestMismatchException when the bytes do not match {@code blob}
     */
    void pushBlob(String repository, Descriptor blob, InputStream content);

    /**
     * Tries to make a blob that is already in {@code fromRepository} of this store available in {@code repository}
     * without uploading it.
     *
     * @param repository the target repository
     * @param blob the blob's descriptor
     * @param fromRepository a repository of this store that holds the blob
     * @return true when mounted; false when the store asked for an upload instead or cannot mount
     */
    boolean mountBlob(String repository, Descriptor blob, String fromRepository);

    /**
     * Stores manifest bytes verbatim, with their exact media type, under a tag or under their digest.
     *
     * @param repository the repository
     * @param reference a tag, or the manifest's own digest
     * @param manifest the manifest; its blobs and child manifests must already be in the repository
     */
    void pushManifest(String repository, String reference, Manifest manifest);

    /**
     * Lists a repository's tags.
     *
     * @param repository the repository
     * @return the tags, in the order the store gives them; empty when the repository is unknown
     */
    List<String> listTags(String repository);

    /**
     * How many of this store's requests so far were answered with overload (429, 5xx) or broke before their answer
     * or in the middle of a body, and were retried or resumed: a sign for a caller that paces its transfers to slow
     * down.
     *
     * @return a count that only grows; 0 for a store that never retries
     */
    default long transientFailures() {
        return 0;
    }

    /**
     * Describes the store for messages, e.g. {@code registry 127.0.0.1:5001 (https)}.
     *
     * @return a short description, never containing credentials
     */
    String describe();

    /** Releases connections and files. */
    @Override
    void close();
}
