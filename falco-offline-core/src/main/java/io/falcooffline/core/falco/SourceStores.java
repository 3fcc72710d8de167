package io.falcooffline.core.falco;

import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.OciReference;

/** Where the build reads an upstream artifact: the store and the repository in it (registry mirrors applied). */
@FunctionalInterface
public interface SourceStores {

    /** A repository of a store. */
    record Located(OciStore store, String repository) {}

    /** Where to read the artifact a reference names. */
    Located locate(OciReference reference);
}
