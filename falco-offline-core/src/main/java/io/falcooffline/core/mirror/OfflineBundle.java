package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.layout.BundleArchive;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The offline bundle a mirror run writes: an OCI layout opened for writing with no lock until the run is complete, so
 * that a failed run leaves nothing {@code push} would load; then the run's artifacts only, the lock, the registry
 * record and the chart's files, and the archive when asked for.
 */
final class OfflineBundle {

    private final OciLayoutStore layout;
    private final Path directory;
    private final boolean asTar;

    private OfflineBundle(OciLayoutStore layout, Path directory, boolean asTar) {
        this.layout = layout;
        this.directory = directory;
        this.asTar = asTar;
    }

    /**
     * Takes {@code layout}, the bundle of {@code options} opened for writing, as this run's bundle: removes its lock,
     * so that a run that fails from here on leaves nothing {@code push} would load.
     */
    static OfflineBundle open(OciLayoutStore layout, MirrorOptions options) {
        // A later stage that adds to a finished bundle (the published chart) opens it without removing the lock.
        layout.removeExtraFile(BundlePusher.LOCK_FILE);
        return new OfflineBundle(layout, options.bundle().orElseThrow(), options.bundleAsTar());
    }

    OciLayoutStore layout() {
        return layout;
    }

    /**
     * Keeps only what this run wrote, then writes the lock and the other files beside it, and packs the archive.
     *
     * @param refNames the tags of images written without a copy job (the built ones), {@code name:tag}
     * @param digests every digest those images wrote
     * @param files the lock, the registry record, the chart and the plan
     * @return the archive, when {@code bundleAsTar} asks for one
     */
    Optional<Path> complete(
            List<StagedArtifact> staged,
            Set<String> refNames,
            Set<String> digests,
            List<MirrorRequest.BundleFile> files,
            ProgressListener listener) {
        Set<String> keptRefs = new HashSet<>(refNames);
        Set<String> keptDigests = new HashSet<>(digests);
        for (StagedArtifact artifact : staged) {
            if (artifact.job().targetTag() != null) {
                keptRefs.add(artifact.job().targetName().name() + ":"
                        + artifact.job().targetTag());
            }
            keptDigests.add(artifact.graph().root().descriptor().digest());
            artifact.graph().children().stream().map(Manifest::descriptor).forEach(d -> keptDigests.add(d.digest()));
            artifact.graph().blobs().forEach(blob -> keptDigests.add(blob.digest()));
        }
        layout.retainOnly(keptRefs, keptDigests);
        files.forEach(file -> layout.writeExtraFile(file.name(), file.content()));
        if (!asTar) {
            return Optional.empty();
        }
        Path archive = archive();
        try {
            BundleArchive.pack(directory, archive);
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot write the bundle archive " + archive + ": " + e.getMessage()
                            + ". Check that its directory is writable and the disk has space, then run again.",
                    e);
        }
        listener.info("Packed the bundle into " + archive + ".");
        return Optional.of(archive);
    }

    /** After a failed run: drops what the run wrote and any archive, which would be incomplete. */
    void discard() {
        layout.discardResults();
        try {
            Files.deleteIfExists(archive());
        } catch (IOException ignored) {
            // The failure that led here is the one worth reporting.
        }
    }

    private Path archive() {
        return directory.resolveSibling(directory.getFileName() + ".tar");
    }
}
