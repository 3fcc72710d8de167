package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorException;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.Manifest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;

/**
 * The manifests one {@link MirrorEngine} stores by digest, each once per target repository, and whether it put each
 * where it was absent. Artifacts store their manifests on threads of their own as their blobs are placed, and two
 * artifacts of one content (a floating tag and the exact one it names) complete together: a registry may refuse the
 * second of two simultaneous puts of one manifest (distribution answered DIGEST_INVALID and MANIFEST_BLOB_UNKNOWN), so
 * the second waits for the first and puts nothing.
 */
final class StoredManifests {

    private final Map<Key, FutureTask<Boolean>> stores = new ConcurrentHashMap<>();

    /**
     * Puts a manifest by digest unless it was stored there already or the target holds it.
     *
     * @param knownAbsent the target lacked one of the artifact's blobs, so it cannot hold the manifest: put it
     *     without asking first
     */
    void storeOnce(Location target, Manifest manifest, boolean knownAbsent) {
        FutureTask<Boolean> mine = new FutureTask<>(() -> putByDigest(target, manifest, knownAbsent));
        FutureTask<Boolean> first =
                stores.putIfAbsent(new Key(target, manifest.descriptor().digest()), mine);
        if (first == null) {
            mine.run();
        }
        awaited(first == null ? mine : first);
    }

    /** Whether the manifest was put there where it was absent: no tag there can name it yet. */
    boolean putWhereAbsent(Location target, Manifest manifest) {
        FutureTask<Boolean> store =
                stores.get(new Key(target, manifest.descriptor().digest()));
        return store != null && awaited(store);
    }

    /** Whether the store put the manifest; its failure if it failed. */
    private static boolean awaited(FutureTask<Boolean> store) {
        return ExecutionFailures.await(
                store, e -> new MirrorException("", "Mirroring was interrupted while storing manifests.", e));
    }

    private static boolean putByDigest(Location target, Manifest manifest, boolean knownAbsent) {
        String digest = manifest.descriptor().digest();
        if (knownAbsent || target.store().resolve(target.repository(), digest).isEmpty()) {
            target.store().pushManifest(target.repository(), digest, manifest);
            return true;
        }
        return false;
    }

    /** A manifest by digest in a repository. */
    private record Key(Location target, String digest) {}
}
