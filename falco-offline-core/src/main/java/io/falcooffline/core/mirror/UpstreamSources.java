package io.falcooffline.core.mirror;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.mirror.oci.OciStore;
import io.falcooffline.core.reference.OciReference;

/**
 * Reads upstream artifacts the way a mirror run does (registry mirrors, plain-HTTP hosts, CA and credentials of the
 * options), for stages that must look at artifacts before anything is copied.
 */
public final class UpstreamSources implements AutoCloseable {

    private final Stores stores;

    public UpstreamSources(MirrorOptions options, ProgressListener listener) {
        this.stores = new Stores(Stores.registryClients(options.access(), listener), options.registryMirrors());
    }

    /** The store a reference is read from. */
    public OciStore store(OciReference reference) {
        return stores.source(reference).store();
    }

    /** The repository a reference is read from in {@link #store}. */
    public String repository(OciReference reference) {
        return stores.source(reference).repository();
    }

    /** Whether the options reach a registry over plain HTTP ({@code insecureRegistries}). */
    public static boolean plainHttp(MirrorOptions options, String registry) {
        return options.insecureRegistries().contains(RegistryAccess.hostKey(registry));
    }

    @Override
    public void close() {
        stores.close();
    }
}
