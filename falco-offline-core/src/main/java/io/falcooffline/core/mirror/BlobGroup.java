package io.falcooffline.core.mirror;

import io.falcooffline.core.oci.Descriptor;
import java.util.ArrayDeque;

/**
 * The placements of one blob in one target, taken in turn by one thread at a time: the first moves the blob, the
 * others find or mount it. Placements of artifacts handed over later join while it runs, or start it again.
 */
final class BlobGroup {

    /** One blob one artifact needs, with the artifact's progress. */
    record Placement(StagedArtifact artifact, ArtifactProgress progress, Descriptor blob) {}

    private final Descriptor blob;
    private final ArrayDeque<Placement> waiting = new ArrayDeque<>();
    private boolean placing;
    private boolean countedOut;

    BlobGroup(Descriptor blob) {
        this.blob = blob;
    }

    Descriptor blob() {
        return blob;
    }

    /** Adds a placement; true when no thread is placing the group's blob, so one must start. */
    synchronized boolean add(Placement placement) {
        waiting.add(placement);
        if (placing) {
            return false;
        }
        placing = true;
        return true;
    }

    /** The next placement, or null when none is left (and the group is no longer being placed). */
    synchronized Placement next() {
        Placement next = waiting.poll();
        if (next == null) {
            placing = false;
        }
        return next;
    }

    /** True the first time the group's placements ended without moving its blob: its bytes will not move. */
    synchronized boolean firstPlacedWithoutMoving() {
        boolean first = !countedOut;
        countedOut = true;
        return first;
    }
}
