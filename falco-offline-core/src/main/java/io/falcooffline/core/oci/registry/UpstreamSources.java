package io.falcooffline.core.oci.registry;

import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.ArtifactGraph;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.OciReference;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads upstream artifacts the way a mirror run does (registry mirrors, plain-HTTP hosts, CA and credentials), for
 * stages that must look at artifacts before anything is copied.
 */
public final class UpstreamSources implements AutoCloseable {

    private final Stores stores;

    /**
     * @param access how to reach registries
     * @param registryMirrors upstream registry to {@code host[:port][/path]} of its mirror
     */
    public UpstreamSources(RegistryAccess access, Map<String, String> registryMirrors, ProgressListener listener) {
        this.stores = new Stores(Stores.registryClients(access, listener), registryMirrors);
    }

    /** The store a reference is read from. */
    public OciStore store(OciReference reference) {
        return stores.source(reference).store();
    }

    /** The repository a reference is read from in {@link #store}. */
    public String repository(OciReference reference) {
        return stores.source(reference).repository();
    }

    /**
     * The digests of an image as a mirror run copies it.
     *
     * @param source the digest its tag resolved to at the source
     * @param target the digest of what the mirror writes: the source's, or that of its index narrowed to the
     *     platforms, which is the same for the same source index and platforms
     */
    public record MirroredDigests(String source, String target) {}

    /**
     * Reads a reference's root and the manifests under it, as a mirror run does, and says which digests it copies.
     *
     * @param platforms the platforms the mirror keeps of an index; empty when nothing is narrowed
     * @throws io.falcooffline.core.FalcoOfflineException when the reference cannot be read
     */
    public MirroredDigests digests(OciReference reference, List<Platform> platforms) {
        ArtifactGraph graph = ArtifactGraph.fetch(
                store(reference),
                repository(reference),
                reference.digest() != null
                        ? reference.digest()
                        : reference.effectiveTag().orElseThrow(),
                platforms,
                reference.toString());
        return new MirroredDigests(
                graph.sourceRoot().digest(), graph.root().descriptor().digest());
    }

    /** Whether a registry is reached over plain HTTP, given the {@code insecureRegistries} hosts. */
    public static boolean plainHttp(Set<String> insecureRegistries, String registry) {
        return insecureRegistries.contains(RegistryAccess.hostKey(registry));
    }

    @Override
    public void close() {
        stores.close();
    }
}
