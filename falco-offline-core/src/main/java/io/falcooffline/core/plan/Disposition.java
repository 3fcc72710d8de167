package io.falcooffline.core.plan;

/** What the rewrite does with a reference. */
public enum Disposition {
    /** The chart now points at the target; the source must be mirrored there. */
    REDIRECTED,
    /** The reference already points at the internal registry; nothing to copy, it must exist there. */
    ALREADY_INTERNAL,
    /** The chart still points at the source: listed as a warning, and an error in strict mode. */
    NOT_REDIRECTED
}
