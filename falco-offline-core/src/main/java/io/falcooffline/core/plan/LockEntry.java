package io.falcooffline.core.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One mirrored artifact as the lock records it: where it came from, where it went, and the digests on both sides.
 *
 * @param origin why it was mirrored
 * @param kind what it is
 * @param source the full source reference as the plan names it, e.g.
 *     {@code ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16}
 * @param sourceDigest the digest the source reference resolved to; null when the artifact was not fetched (an
 *     already internal reference recorded by a bundle run)
 * @param target the full target reference, e.g. {@code 192.168.5.96:30003/falco/k8saudit:0.16}
 * @param targetDigest the digest of the target manifest or index; it differs from {@code sourceDigest} only when an
 *     index was narrowed to {@code platforms}; null like {@code sourceDigest}
 * @param mediaType the media type of the target manifest or index, or empty when unknown
 * @param platforms the platforms kept of an index, {@code os/architecture[/variant]}; empty for a single manifest
 * @param size the bytes of the target artifact: its manifests and all blobs they name
 * @param note for a dependency the requirement it satisfies, for a signature the artifact it signs; else empty
 * @see #builder(Origin, ReferenceKind, String, String)
 */
public record LockEntry(
        Origin origin,
        ReferenceKind kind,
        String source,
        String sourceDigest,
        String target,
        String targetDigest,
        String mediaType,
        List<String> platforms,
        long size,
        String note) {

    /** Why an artifact is in the lock. */
    public enum Origin {
        /** A reference of the plan. */
        PLAN,
        /**
         * A falcoctl dependency that no reference of the plan satisfied, fetched by its exact version tag. Locks
         * written by earlier versions have such entries; the falco stage now puts every dependency in the plan.
         */
        DEPENDENCY,
        /** A cosign signature, attestation or referrers tag of another entry. */
        SIGNATURE,
        /** A reference of the plan that already points at the internal registry: checked, not copied. */
        ALREADY_INTERNAL,
        /**
         * An image falco-offline derives from a mirrored base image ({@code source}): the Falco image of
         * {@code delivery=baked} with the falcoctl artifacts named in {@code note}, or the driver-loader image with
         * the prebuilt drivers {@code note} names ({@code driverKernels}).
         */
        BAKED,
        /**
         * The rewritten chart: {@code source} is what it was made from and {@code sourceDigest} that content's digest,
         * {@code note} the falco-offline version; {@code target} is the Helm OCI chart it is published as, with its
         * manifest digest, or the chart file name with no digest when it is not published.
         */
        CHART
    }

    public LockEntry {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        mediaType = mediaType == null ? "" : mediaType;
        platforms = List.copyOf(platforms);
        note = note == null ? "" : note;
    }

    /**
     * Starts an entry with what every entry has; digests, media type, platforms, size and note are unknown (null,
     * empty, 0) until set.
     *
     * @param origin why it is in the lock
     * @param kind what it is
     * @param source the full source reference
     * @param target the full target reference
     */
    public static Builder builder(Origin origin, ReferenceKind kind, String source, String target) {
        return new Builder(origin, kind, source, target);
    }

    /** A builder holding this entry's fields, to change some of them. */
    public Builder toBuilder() {
        return new Builder(origin, kind, source, target)
                .sourceDigest(sourceDigest)
                .targetDigest(targetDigest)
                .mediaType(mediaType)
                .platforms(platforms)
                .size(size)
                .note(note);
    }

    /** Builds a {@link LockEntry}; see the record's components for what each field means. */
    public static final class Builder {
        private final Origin origin;
        private final ReferenceKind kind;
        private final String source;
        private String target;
        private String sourceDigest;
        private String targetDigest;
        private String mediaType = "";
        private List<String> platforms = List.of();
        private long size;
        private String note = "";

        private Builder(Origin origin, ReferenceKind kind, String source, String target) {
            this.origin = origin;
            this.kind = kind;
            this.source = source;
            this.target = target;
        }

        /** Sets the full target reference. */
        public Builder target(String value) {
            this.target = value;
            return this;
        }

        /** Sets the digest the source resolved to; null when it was not fetched. */
        public Builder sourceDigest(String value) {
            this.sourceDigest = value;
            return this;
        }

        /** Sets the digest of the target manifest or index; null when unknown. */
        public Builder targetDigest(String value) {
            this.targetDigest = value;
            return this;
        }

        /** Sets the target's media type; null or empty when unknown. */
        public Builder mediaType(String value) {
            this.mediaType = value;
            return this;
        }

        /** Sets the platforms kept of an index. */
        public Builder platforms(List<String> values) {
            this.platforms = values;
            return this;
        }

        /** Sets the bytes of the target artifact. */
        public Builder size(long value) {
            this.size = value;
            return this;
        }

        /** Sets the note; null or empty for none. */
        public Builder note(String value) {
            this.note = value;
            return this;
        }

        /**
         * Builds the entry.
         *
         * @throws NullPointerException when origin, kind, source, target or platforms is null
         */
        public LockEntry build() {
            return new LockEntry(
                    origin, kind, source, sourceDigest, target, targetDigest, mediaType, platforms, size, note);
        }
    }

    /** The target digest, when known. */
    public Optional<String> knownTargetDigest() {
        return Optional.ofNullable(targetDigest);
    }
}
