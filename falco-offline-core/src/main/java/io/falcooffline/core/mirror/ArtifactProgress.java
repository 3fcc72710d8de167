package io.falcooffline.core.mirror;

import io.falcooffline.core.io.Sizes;
import java.util.Locale;

/** What happened to one artifact's blobs so far in a copy, and the line that reports it once all are placed. */
final class ArtifactProgress {

    /** What placing one blob came to. */
    enum Kind {
        TRANSFERRED,
        SKIPPED,
        MOUNTED
    }

    /** One blob placed: how, and the bytes it moved. */
    record Outcome(Kind kind, long bytes) {}

    private int remaining;
    private long firstStart;
    private long lastEnd;
    private long bytes;
    private int transferred;
    private int skipped;
    private int mounted;

    /** @param blobs how many blobs the artifact needs */
    ArtifactProgress(int blobs) {
        this.remaining = blobs;
    }

    synchronized void started() {
        if (firstStart == 0) {
            firstStart = System.nanoTime();
        }
    }

    /** Counts a placed blob; true when it was the artifact's last. */
    synchronized boolean record(Outcome outcome) {
        lastEnd = System.nanoTime();
        switch (outcome.kind()) {
            case TRANSFERRED -> {
                transferred++;
                bytes += outcome.bytes();
            }
            case SKIPPED -> skipped++;
            case MOUNTED -> mounted++;
        }
        return --remaining == 0;
    }

    /** Whether a blob was transferred or mounted: the target lacked it, so it lacked the manifests over it too. */
    synchronized boolean placedNewBlobs() {
        return transferred + mounted > 0;
    }

    /** The line that reports the copy of {@code artifact}: what moved at what rate, what was there or mounted. */
    synchronized String line(StagedArtifact artifact) {
        CopyJob job = artifact.job();
        StringBuilder line = new StringBuilder()
                .append(job.sourceName())
                .append(" -> ")
                .append(job.targetName())
                .append(": ");
        if (transferred == 0) {
            line.append("nothing to transfer");
        } else {
            double seconds = Math.max((lastEnd - firstStart) / 1e9, 0.001);
            line.append(transferred)
                    .append(transferred == 1 ? " blob, " : " blobs, ")
                    .append(Sizes.format(bytes))
                    .append(String.format(
                            Locale.ROOT, " in %.1f s (%s/s)", seconds, Sizes.format((long) (bytes / seconds))));
        }
        if (skipped > 0) {
            line.append(", ").append(skipped).append(" already there");
        }
        if (mounted > 0) {
            line.append(", ").append(mounted).append(" mounted");
        }
        if (!artifact.graph().platforms().isEmpty()) {
            line.append(" [")
                    .append(String.join(", ", artifact.graph().platforms()))
                    .append(']');
        }
        return line.toString();
    }
}
