package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.layout.BundleArchive;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Adds the rewritten chart, as a Helm OCI chart, to a bundle that {@link Mirror#run} wrote, and records it in the
 * bundle's lock, so that {@link Mirror#push} publishes it with the artifacts.
 */
public final class BundleChart {

    private static final int MAX_LOCK_BYTES = 16 * 1024 * 1024;

    private BundleChart() {}

    /**
     * Stores an artifact in the bundle under its target reference and records its lock entry.
     *
     * @param options the options of the bundle run, {@link MirrorOptions#withDefaults} applied
     * @param entry the chart's lock entry; its target names where {@code push} puts it
     * @param manifest the artifact's manifest
     * @param blobs the config and layer the manifest names, with their content
     * @return the lock as now recorded
     */
    public static MirrorLock add(
            MirrorOptions options,
            LockEntry entry,
            Manifest manifest,
            Map<Descriptor, byte[]> blobs,
            ProgressListener listener) {
        OciReference target = OciReference.parse(entry.target());
        MirrorLock lock = update(options, entry, bundle -> {
            String repository = target.name();
            blobs.forEach((descriptor, content) -> {
                if (!bundle.hasBlob(repository, descriptor)) {
                    bundle.pushBlob(repository, descriptor, new ByteArrayInputStream(content));
                }
            });
            bundle.pushManifest(repository, target.tag(), manifest);
        });
        listener.info("Stored the chart in " + options.bundle().orElseThrow() + " as " + entry.target()
                + "; push publishes it.");
        return lock;
    }

    /**
     * Records the chart's lock entry (its provenance) in the bundle's lock and the lock file, without storing the
     * chart as an artifact.
     */
    public static MirrorLock record(MirrorOptions options, LockEntry entry) {
        return update(options, entry, bundle -> {});
    }

    private static MirrorLock update(MirrorOptions options, LockEntry entry, Consumer<OciLayoutStore> store) {
        Path directory = options.bundle()
                .orElseThrow(() -> new IllegalArgumentException("No bundle directory: apply withDefaults"));
        MirrorLock lock;
        try (OciLayoutStore bundle = OciLayoutStore.openForWriting(directory)) {
            store.accept(bundle);
            MirrorLock recorded = bundle.readExtraFile(BundlePusher.LOCK_FILE, MAX_LOCK_BYTES)
                    .map(bytes -> MirrorLock.parse(bytes, directory + "!/" + BundlePusher.LOCK_FILE))
                    .orElseThrow(() -> new FalcoOfflineException(
                            directory + " has no " + BundlePusher.LOCK_FILE + "; write the bundle first."));
            lock = recorded.withChart(entry);
            bundle.writeExtraFile(BundlePusher.LOCK_FILE, lock.toJson());
        }
        options.lockFile().ifPresent(lock::write);
        if (options.bundleAsTar()) {
            Path archive = directory.resolveSibling(directory.getFileName() + ".tar");
            try {
                BundleArchive.pack(directory, archive);
            } catch (IOException e) {
                throw new FalcoOfflineException(
                        "Cannot write the bundle archive " + archive + ": " + e.getMessage(), e);
            }
        }
        return lock;
    }
}
