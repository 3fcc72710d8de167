package io.falcooffline.core.falco.bake;

import io.falcooffline.core.ArtifactNotFoundException;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.OciReference;
import java.util.Objects;

/**
 * A store the image is baked from or into, with the way it names repositories: a registry addresses
 * {@code 192.168.5.96:30003/falco/falco} as {@code falco/falco}, while the offline bundle (an OCI image layout holding
 * many repositories) keeps the full name.
 *
 * @param store the registry client or the bundle's layout store
 * @param naming how a reference maps to a repository of {@code store}
 */
public record BakeStore(OciStore store, Naming naming) {

    /** How a store names the repository of a reference. */
    public enum Naming {
        /** A registry: the repository path inside it, {@code falco/falco}. */
        REGISTRY,
        /** The offline bundle's OCI layout: the full name, {@code 192.168.5.96:30003/falco/falco}. */
        LAYOUT
    }

    public BakeStore {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(naming, "naming");
    }

    /** A registry, read or written through its {@link io.falcooffline.core.oci.registry.RegistryClient}. */
    public static BakeStore registry(OciStore store) {
        return new BakeStore(store, Naming.REGISTRY);
    }

    /** The offline bundle's OCI layout. */
    public static BakeStore layout(OciStore store) {
        return new BakeStore(store, Naming.LAYOUT);
    }

    /** The repository of {@code reference} in this store. */
    String repository(OciReference reference) {
        return naming == Naming.REGISTRY ? reference.repository() : reference.name();
    }

    /** The tag or digest to read {@code reference} by: its digest when pinned, else its tag. */
    static String version(OciReference reference) {
        return reference.digest() != null
                ? reference.digest()
                : reference.effectiveTag().orElseThrow();
    }

    /**
     * Fetches a manifest or index of {@code reference}'s repository.
     *
     * @param version a tag or digest
     * @param artifact names the artifact in messages
     * @param fix what to do when it is missing
     * @throws BakeException naming the artifact when the store has no such manifest
     */
    Manifest fetchManifest(OciReference reference, String version, String artifact, String fix) {
        try {
            return store.fetchManifest(repository(reference), version);
        } catch (ArtifactNotFoundException e) {
            throw new BakeException(
                    reference.toString(),
                    "Cannot bake " + artifact + ": " + describe(reference) + " has no " + version + ". " + fix,
                    e);
        }
    }

    /** Names {@code reference}'s repository in this store, for messages. */
    String describe(OciReference reference) {
        return repository(reference) + " in " + store.describe();
    }
}
