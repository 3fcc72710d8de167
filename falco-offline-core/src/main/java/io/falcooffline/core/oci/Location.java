package io.falcooffline.core.oci;

/**
 * A repository in a store.
 *
 * @param store the registry or bundle
 * @param repository the repository path as that store addresses it
 */
public record Location(OciStore store, String repository) {

    @Override
    public String toString() {
        return repository + " in " + store.describe();
    }
}
