package io.falcooffline.core.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One external reference of the chart and what happens to it. Image and artifact references are carried typed
 * ({@link #sourceReference()}, {@link #targetReference()}), so that nothing downstream parses them again; an index
 * URL, or a falcoctl name that resolves to no repository, has only its text.
 */
public final class PlannedReference {

    private final ReferenceKind kind;
    private final String source;
    private final String target;
    private final OciReference sourceReference;
    private final OciReference targetReference;
    private final Disposition disposition;
    private final List<ReferenceLocation> locations;
    private final boolean inUse;

    private PlannedReference(
            ReferenceKind kind,
            String source,
            String target,
            OciReference sourceReference,
            OciReference targetReference,
            Disposition disposition,
            List<ReferenceLocation> locations,
            boolean inUse) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.sourceReference = sourceReference;
        this.targetReference = targetReference;
        this.disposition = Objects.requireNonNull(disposition, "disposition");
        this.locations = List.copyOf(locations);
        this.inUse = inUse;
    }

    /** An image or artifact reference, with where it now points. */
    public static PlannedReference of(
            ReferenceKind kind,
            OciReference source,
            OciReference target,
            Disposition disposition,
            List<ReferenceLocation> locations,
            boolean inUse) {
        return new PlannedReference(
                kind, source.toString(), target.toString(), source, target, disposition, locations, inUse);
    }

    /** A reference that is only text (an index URL, an unresolvable falcoctl name): it is left as written. */
    public static PlannedReference unresolved(
            ReferenceKind kind, String written, List<ReferenceLocation> locations, boolean inUse) {
        return new PlannedReference(kind, written, written, null, null, Disposition.NOT_REDIRECTED, locations, inUse);
    }

    /**
     * A reference given as text, as read back from a plan file: parsed when it is an image or artifact reference.
     */
    public PlannedReference(
            ReferenceKind kind,
            String source,
            String target,
            Disposition disposition,
            List<ReferenceLocation> locations,
            boolean inUse) {
        this(
                kind,
                source,
                target,
                parsedOrNull(kind, source),
                parsedOrNull(kind, target),
                disposition,
                locations,
                inUse);
    }

    /** A reference the chart pulls, given as text. */
    public PlannedReference(
            ReferenceKind kind,
            String source,
            String target,
            Disposition disposition,
            List<ReferenceLocation> locations) {
        this(kind, source, target, disposition, locations, true);
    }

    private static OciReference parsedOrNull(ReferenceKind kind, String text) {
        return kind != ReferenceKind.INDEX && OciReference.isValid(text) ? OciReference.parse(text) : null;
    }

    /** What it points at. */
    public ReferenceKind kind() {
        return kind;
    }

    /** The full source reference ({@code docker.io/falcosecurity/falco:0.44.0}), or the URL of an index. */
    public String source() {
        return source;
    }

    /** The full reference on the internal registry, or the source when not redirected. */
    public String target() {
        return target;
    }

    /** The source as a reference; empty for an index URL or a name that resolves to no repository. */
    public Optional<OciReference> sourceReference() {
        return Optional.ofNullable(sourceReference);
    }

    /** The target as a reference; empty when {@link #sourceReference()} is. */
    public Optional<OciReference> targetReference() {
        return Optional.ofNullable(targetReference);
    }

    /** What the rewrite does with it. */
    public Disposition disposition() {
        return disposition;
    }

    /** Every place in the chart that uses it. */
    public List<ReferenceLocation> locations() {
        return locations;
    }

    /**
     * Whether the chart, with the values in force, pulls it; references of disabled subcharts and features are
     * rewritten but need not be mirrored.
     */
    public boolean inUse() {
        return inUse;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PlannedReference that
                && kind == that.kind
                && source.equals(that.source)
                && target.equals(that.target)
                && disposition == that.disposition
                && locations.equals(that.locations)
                && inUse == that.inUse;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, source, target, disposition, locations, inUse);
    }

    @Override
    public String toString() {
        return "PlannedReference[kind=" + kind + ", source=" + source + ", target=" + target + ", disposition="
                + disposition + ", locations=" + locations + ", inUse=" + inUse + "]";
    }
}
