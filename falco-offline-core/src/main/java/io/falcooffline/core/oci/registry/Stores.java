package io.falcooffline.core.oci.registry;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry clients of a run, one per host, and where each source reference is actually fetched from once
 * {@code registryMirrors} are applied.
 */
public final class Stores implements AutoCloseable {

    /** Opens a store for a registry host. */
    @FunctionalInterface
    public interface Opener {
        OciStore open(String host);
    }

    /** Opens registry clients with a run's access settings. */
    public static Opener registryClients(RegistryAccess access, ProgressListener listener) {
        return host -> new RegistryClient(access.clientOptions(host), listener);
    }

    private final Opener opener;
    private final Map<String, String> registryMirrors;
    private final Map<String, OciStore> open = new LinkedHashMap<>();
    private final List<OciStore> extra = new ArrayList<>();

    /**
     * @param opener opens a registry client for a host
     * @param registryMirrors upstream registry to {@code host[:port][/path]} of its mirror
     */
    public Stores(Opener opener, Map<String, String> registryMirrors) {
        this.opener = opener;
        this.registryMirrors = registryMirrors;
    }

    /**
     * The client for a registry host, opened on first use, which remembers the manifests and tag look-ups of the run
     * ({@link RememberedReads}): the stores of one run read each once, and share a read in flight.
     */
    public synchronized OciStore registry(String host) {
        return open.computeIfAbsent(RegistryAccess.hostKey(host), key -> new RememberedReads(opener.open(key)));
    }

    /** Closes this store with the others. */
    public synchronized <T extends OciStore> T own(T store) {
        extra.add(store);
        return store;
    }

    /**
     * Where a source reference is read: its own registry, or the mirror configured for that registry with the
     * mirror's path put before the repository ({@code docker.io/falcosecurity/falco} with
     * {@code docker.io=nexus.corp:8443/dockerhub} reads {@code dockerhub/falcosecurity/falco} on
     * {@code nexus.corp:8443}).
     */
    public Location source(OciReference reference) {
        String registry = OciReference.canonicalRegistry(reference.registry());
        String repository = OciReference.normalizeRepository(registry, reference.repository());
        String mirror = registryMirrors.get(registry);
        if (mirror == null) {
            return new Location(registry(registry), repository);
        }
        int slash = mirror.indexOf('/');
        if (slash < 0) {
            return new Location(registry(mirror), repository);
        }
        return new Location(registry(mirror.substring(0, slash)), mirror.substring(slash + 1) + "/" + repository);
    }

    /** The repository of a target reference in its registry. */
    public Location target(OciReference reference) {
        return new Location(registry(reference.registry()), reference.repository());
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        List<OciStore> all = new ArrayList<>(open.values());
        all.addAll(extra);
        for (OciStore store : all) {
            try {
                store.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        open.clear();
        extra.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
