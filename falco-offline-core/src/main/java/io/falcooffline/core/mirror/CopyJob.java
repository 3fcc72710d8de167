package io.falcooffline.core.mirror;

import io.falcooffline.core.oci.Location;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;

/**
 * One artifact to copy.
 *
 * @param origin why it is copied
 * @param kind what it is
 * @param sourceName the source reference as the lock records it
 * @param source where to read it
 * @param sourceReference the tag or digest to read
 * @param targetName the target reference as the lock records it
 * @param target where to write it
 * @param targetTag the tag to set, or null to store it under its digest only
 * @param narrow whether an index is narrowed to the selected platforms
 * @param note what the lock notes about it
 */
record CopyJob(
        LockEntry.Origin origin,
        ReferenceKind kind,
        OciReference sourceName,
        Location source,
        String sourceReference,
        OciReference targetName,
        Location target,
        String targetTag,
        boolean narrow,
        String note) {}
