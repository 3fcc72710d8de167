package io.falcooffline.core.plan;

import io.falcooffline.core.reference.ReferenceKind;
import io.falcooffline.core.reference.ReferenceLocation;
import java.util.List;

/**
 * One external reference of the chart and what happens to it.
 *
 * @param kind what it points at
 * @param source the full source reference ({@code docker.io/falcosecurity/falco:0.44.0}), or the URL of an index
 * @param target the full reference on the internal registry, or the source when not redirected
 * @param disposition what the rewrite does with it
 * @param locations every place in the chart that uses it
 * @param inUse whether the chart, with the values in force, pulls it; references of disabled subcharts and features
 *     are rewritten but need not be mirrored
 */
public record PlannedReference(
        ReferenceKind kind,
        String source,
        String target,
        Disposition disposition,
        List<ReferenceLocation> locations,
        boolean inUse) {

    public PlannedReference {
        locations = List.copyOf(locations);
    }

    /** A reference the chart pulls. */
    public PlannedReference(
            ReferenceKind kind,
            String source,
            String target,
            Disposition disposition,
            List<ReferenceLocation> locations) {
        this(kind, source, target, disposition, locations, true);
    }
}
