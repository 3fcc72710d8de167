package io.falcooffline.core.oci.layout;

import io.falcooffline.core.oci.OciStore;
import java.nio.file.Path;

/** Opens the offline bundle's OCI layout store for tests outside this package, as the pipeline opens it. */
public final class BundleStores {

    private BundleStores() {}

    /** {@link OciLayoutStore#openForWriting}. */
    public static OciStore openForWriting(Path directory) {
        return OciLayoutStore.openForWriting(directory);
    }
}
