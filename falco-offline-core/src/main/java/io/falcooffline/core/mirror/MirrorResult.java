package io.falcooffline.core.mirror;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a mirror or push run did.
 *
 * @param mode where artifacts went
 * @param destination the registry or bundle written to, for messages
 * @param lock every artifact with its source and target digests
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
        MirrorLock lock,
        long bytesTransferred,
        int blobsTransferred,
        int blobsSkipped,
        int blobsMounted,
        Optional<Path> bundle,
        Optional<Path> bundleArchive,
        Optional<Path> lockFile) {

    /** The result of a run that copied nothing. */
    static MirrorResult nothing(String registry) {
        return new MirrorResult(
                MirrorMode.NONE,
                "",
                new MirrorLock(registry, List.of()),
                0,
                0,
                0,
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** The lock's entries. */
    public List<LockEntry> entries() {
        return lock.entries();
    }
}
