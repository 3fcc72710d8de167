package io.falcooffline.core.reference;

import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import java.util.List;

/**
 * One place where a chart refers to something outside the cluster.
 *
 * @param kind what it points at
 * @param form how it is written, which decides how it is rewritten
 * @param written the reference as the chart spells it (for an image block, composed the way the chart's template
 *     composes it)
 * @param source the full reference, or null for an index URL
 * @param location where it was found, for people
 * @param valuesPath the path of the value (for a block, of the block) in the values of {@code location.chart()};
 *     empty for a template literal
 * @param inUse whether the chart, with the values in force, actually pulls it (a disabled subchart or feature does
 *     not)
 */
public record FoundReference(
        ReferenceKind kind,
        Form form,
        String written,
        OciReference source,
        ReferenceLocation location,
        List<Object> valuesPath,
        boolean inUse) {

    /** How a reference is written in the chart. */
    public enum Form {
        /** A mapping with {@code registry}, {@code repository}, {@code tag} and maybe {@code digest} keys. */
        IMAGE_BLOCK_WITH_REGISTRY,
        /** A mapping whose {@code repository} holds the registry too (no {@code registry} key). */
        IMAGE_BLOCK_WITHOUT_REGISTRY,
        /** One string holding the whole reference. */
        REFERENCE_STRING,
        /** A short name a chart's convention resolves to a full reference (falcoctl's {@code falco-rules:5}). */
        SHORT_NAME,
        /** The URL of an index of references (falcoctl's index), never redirected. */
        INDEX_URL,
        /** A literal reference written in a template file. */
        TEMPLATE_LITERAL
    }

    public FoundReference {
        valuesPath = List.copyOf(valuesPath);
    }
}
