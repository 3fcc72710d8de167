package io.falcooffline.core;

import io.falcooffline.core.plan.LockEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a mirror or push run did.
 *
 * @param mode where artifacts went
 * @param destination the registry or bundle written to, for messages
 * @param registry the internal registry the lock entries point at
 * @param entries every artifact copied or built, with its source and target digests, as the lock file records them
 *     (the lock file also records the chart's provenance, a {@code CHART} entry)
 * @param bytesTransferred blob bytes actually moved; 0 when the target already had everything
 * @param blobsTransferred blobs moved
 * @param blobsSkipped blobs the target already had
 * @param blobsMounted blobs the target registry linked from another of its repositories
 * @param bundle the bundle directory, in {@link MirrorMode#BUNDLE} mode
 * @param bundleArchive the bundle {@code .tar}, when one was written
 * @param lockFile the lock file written, if any
 */
public record MirrorResult(
        MirrorMode mode,
        String destination,
        String registry,
        List<LockEntry> entries,
        long bytesTransferred,
        int blobsTransferred,
        int blobsSkipped,
        int blobsMounted,
        Optional<Path> bundle,
        Optional<Path> bundleArchive,
        Optional<Path> lockFile) {

    /** The result of a run that copied nothing. */
    public MirrorResult {
        entries = List.copyOf(entries);
    }
}
