package io.falcooffline.core.plan;

/**
 * Where a source reference goes on the internal registry, by the repository layout, prefix and overrides of the run
 * that made a {@link Plan}. The mirror uses it for artifacts the chart does not name itself (falcoctl dependencies),
 * so they land beside the ones it does.
 */
@FunctionalInterface
public interface TargetMapping {

    /** The target of {@code source}; a source already on the internal registry is returned as it is. */
    OciReference targetOf(OciReference source);
}
