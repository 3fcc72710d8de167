package io.falcooffline.core.plan;

/** What a reference points at, which decides how it is mirrored. */
public enum ReferenceKind {
    /** A container image. */
    IMAGE,
    /** A falcoctl plugin artifact (an OCI index of per-platform manifests). */
    PLUGIN,
    /** A falcoctl rules file artifact. */
    RULESFILE,
    /** A falcoctl artifact whose type the index does not tell. */
    ARTIFACT,
    /** A falcoctl index URL (not OCI). */
    INDEX,
    /** A Helm chart (the chart itself, when mirrored as OCI). */
    CHART
}
