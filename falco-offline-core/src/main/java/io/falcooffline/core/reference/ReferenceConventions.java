package io.falcooffline.core.reference;

import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one kind of chart writes as references beyond the generic rules: {@link ReferenceFinder} knows image blocks,
 * image strings and template literals, {@link ReferenceMapper} knows repository paths, and neither knows any chart.
 * The package that owns a chart's knowledge implements this (the Falco chart's falcoctl refs and index URLs:
 * {@code core.falco.FalcoctlReferences}) and the orchestrator hands it to both; {@link #NONE} adds nothing.
 */
public interface ReferenceConventions {

    /** The generic rules alone. */
    ReferenceConventions NONE = new ReferenceConventions() {};

    /**
     * A reference a convention finds in a chart's values.
     *
     * @param kind what it points at
     * @param form how it is written
     * @param written as the chart spells it
     * @param source the full reference, or null when it has none (an index URL, a short name no index knows)
     * @param valuesPath where it is in the chart's values
     * @param pulled whether the chart pulls it with these values; the finder also checks the {@code enabled: false}
     *     flags on the way to it
     */
    record Found(
            ReferenceKind kind,
            FoundReference.Form form,
            String written,
            OciReference source,
            List<Object> valuesPath,
            boolean pulled) {

        public Found {
            valuesPath = List.copyOf(valuesPath);
        }
    }

    /**
     * The references a value of a chart's values is by this convention, or empty when the generic rules apply to it.
     * Called for every value, before the generic rules; a present, empty list claims the value as holding none.
     *
     * @param chartValues the values in force for the chart
     * @param path the value's path in them
     * @param value the value
     */
    default Optional<List<Found>> referencesAt(Map<String, Object> chartValues, List<Object> path, Object value) {
        return Optional.empty();
    }

    /**
     * Whether the chart pulls the image the generic rules found at this path, beyond the {@code enabled: false}
     * flags on the way to it, which the finder checks itself.
     */
    default boolean pullsImageAt(Map<String, Object> chartValues, List<Object> path) {
        return true;
    }

    /** The repository name a source takes in the {@code flatten} layout when the convention names it. */
    default Optional<String> flatName(OciReference source) {
        return Optional.empty();
    }
}
