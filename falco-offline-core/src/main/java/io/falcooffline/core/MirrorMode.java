package io.falcooffline.core;

/** Where mirrored artifacts go. */
public enum MirrorMode {
    /** Nothing is copied: the chart is rewritten and the artifacts are expected to be mirrored by other means. */
    NONE,
    /**
     * Every artifact is written to an offline bundle, an OCI image layout directory (optionally one {@code .tar}),
     * for a machine without access to the internal registry. {@code falco-offline:push} loads it inside.
     */
    BUNDLE,
    /** Every artifact is copied straight to the internal registry. */
    PUSH
}
