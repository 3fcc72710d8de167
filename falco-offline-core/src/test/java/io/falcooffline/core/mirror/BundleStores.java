package io.falcooffline.core.mirror;

import io.falcooffline.core.mirror.oci.OciStore;
import java.nio.file.Path;

/** Opens the offline bundle's OCI layout store for tests outside this package, as the pipeline opens it. */
public final class BundleStores {

    private BundleStores() {}

    /** {@link OciLayoutStore#openForWriting}. */
    public static OciStore openForWriting(Path directory) {
        return OciLayoutStore.openForWriting(directory);
    }
}
