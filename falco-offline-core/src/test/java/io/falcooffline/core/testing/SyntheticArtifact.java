package io.falcooffline.core.testing;

import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Optional;

/**
 * A complete artifact graph made by {@link SyntheticArtifacts}: the root manifest or index, the manifests it points
 * at, and every blob, all with their exact bytes.
 *
 * @param root what a tag points at: an index (plugins, images) or a manifest (rulesfiles)
 * @param children the platform manifests an index lists, in order; empty for a single manifest
 * @param blobs the config and layer blobs of all manifests, without duplicates
 */
public record SyntheticArtifact(Manifest root, List<Manifest> children, List<Blob> blobs) {

    /** Makes the lists unmodifiable. */
    public SyntheticArtifact {
        children = List.copyOf(children);
        blobs = List.copyOf(blobs);
    }

    /**
     * A blob and its bytes.
     *
     * @param descriptor its descriptor as the manifest lists it
     * @param bytes its content
     */
    public record Blob(Descriptor descriptor, byte[] bytes) {
        /** Copies the bytes. */
        public Blob {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /** The digest of the root. */
    public String digest() {
        return root.descriptor().digest();
    }

    /** The bytes of a blob of this artifact. */
    public Optional<byte[]> blob(String digest) {
        return blobs.stream()
                .filter(b -> b.descriptor().digest().equals(digest))
                .map(Blob::bytes)
                .findFirst();
    }

    /**
     * Pushes the graph bottom-up: blobs, then child manifests by digest, then the root under each tag (or by digest
     * when no tag is given).
     *
     * @param store the target
     * @param repository the repository
     * @param tags the tags to point at the root
     */
    public void pushTo(OciStore store, String repository, String... tags) {
        for (Blob blob : blobs) {
            if (!store.hasBlob(repository, blob.descriptor())) {
                store.pushBlob(repository, blob.descriptor(), new ByteArrayInputStream(blob.bytes));
            }
        }
        for (Manifest child : children) {
            store.pushManifest(repository, child.descriptor().digest(), child);
        }
        if (tags.length == 0) {
            store.pushManifest(repository, digest(), root);
        }
        for (String tag : tags) {
            store.pushManifest(repository, tag, root);
        }
    }
}
