package io.falcooffline.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-apiserver's buffering of webhook audit events ({@code --audit-webhook-mode} and the
 * {@code --audit-webhook-batch-*} flags). Unset values keep kube-apiserver's defaults. Immutable; build one with
 * {@link #builder()}.
 */
public final class AuditBatch {

    /** {@code --audit-webhook-mode}. */
    public enum Mode {
        /** Buffer events and send them asynchronously in batches (kube-apiserver's default). */
        BATCH,
        /** Send each event before answering the request; a failed send is logged, the request proceeds. */
        BLOCKING,
        /** Like {@link #BLOCKING}, but a failed send of the RequestReceived stage fails the request. */
        BLOCKING_STRICT;

        /** The flag's spelling: {@code batch}, {@code blocking}, {@code blocking-strict}. */
        public String flagValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Mode mode;
    private final Integer bufferSize;
    private final Integer maxSize;
    private final Duration maxWait;
    private final Double throttleQps;
    private final Integer throttleBurst;

    private AuditBatch(Builder builder) {
        this.mode = builder.mode;
        this.bufferSize = builder.bufferSize;
        this.maxSize = builder.maxSize;
        this.maxWait = builder.maxWait;
        this.throttleQps = builder.throttleQps;
        this.throttleBurst = builder.throttleBurst;
    }

    /** A builder with nothing set: kube-apiserver's own batching defaults apply. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive changed ones. */
    public Builder toBuilder() {
        return new Builder()
                .mode(mode)
                .bufferSize(bufferSize)
                .maxSize(maxSize)
                .maxWait(maxWait)
                .throttleQps(throttleQps)
                .throttleBurst(throttleBurst);
    }

    /** Whether kube-apiserver sends audit events in batches or one at a time ({@code --audit-webhook-mode}). */
    public Mode mode() {
        return mode;
    }

    /** {@code --audit-webhook-batch-buffer-size}: events buffered before batching. */
    public Optional<Integer> bufferSize() {
        return Optional.ofNullable(bufferSize);
    }

    /** {@code --audit-webhook-batch-max-size}: most events in one request. */
    public Optional<Integer> maxSize() {
        return Optional.ofNullable(maxSize);
    }

    /** {@code --audit-webhook-batch-max-wait}: longest wait before sending a partial batch. */
    public Optional<Duration> maxWait() {
        return Optional.ofNullable(maxWait);
    }

    /** {@code --audit-webhook-batch-throttle-qps}: most batches per second. */
    public Optional<Double> throttleQps() {
        return Optional.ofNullable(throttleQps);
    }

    /** {@code --audit-webhook-batch-throttle-burst}: batches allowed at once when the QPS budget was unused. */
    public Optional<Integer> throttleBurst() {
        return Optional.ofNullable(throttleBurst);
    }

    /** The kube-apiserver flags, one {@code --name=value} each, in a fixed order. */
    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        flags.add("--audit-webhook-mode=" + mode.flagValue());
        bufferSize().ifPresent(value -> flags.add("--audit-webhook-batch-buffer-size=" + value));
        maxSize().ifPresent(value -> flags.add("--audit-webhook-batch-max-size=" + value));
        maxWait().ifPresent(value -> flags.add("--audit-webhook-batch-max-wait=" + goDuration(value)));
        throttleQps().ifPresent(value -> flags.add("--audit-webhook-batch-throttle-enable=true"));
        throttleQps().ifPresent(value -> flags.add("--audit-webhook-batch-throttle-qps=" + plain(value)));
        throttleBurst().ifPresent(value -> flags.add("--audit-webhook-batch-throttle-burst=" + value));
        return flags;
    }

    /** Go's {@code time.Duration} text, which kube-apiserver parses: {@code 1m30s}, {@code 500ms}. */
    static String goDuration(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (seconds > 0) {
            text.append(seconds).append('s');
        }
        if (millis > 0) {
            text.append(millis).append("ms");
        }
        return text.toString();
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditBatch that
                && mode == that.mode
                && Objects.equals(bufferSize, that.bufferSize)
                && Objects.equals(maxSize, that.maxSize)
                && Objects.equals(maxWait, that.maxWait)
                && Objects.equals(throttleQps, that.throttleQps)
                && Objects.equals(throttleBurst, that.throttleBurst);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, bufferSize, maxSize, maxWait, throttleQps, throttleBurst);
    }

    @Override
    public String toString() {
        return "AuditBatch" + flags();
    }

    /** Builds {@link AuditBatch}; {@link #build()} checks it. */
    public static final class Builder {
        private Mode mode = Mode.BATCH;
        private Integer bufferSize;
        private Integer maxSize;
        private Duration maxWait;
        private Double throttleQps;
        private Integer throttleBurst;

        private Builder() {}

        /** Sets {@link AuditBatch#mode()}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Sets {@link AuditBatch#bufferSize()}; null leaves kube-apiserver's default. */
        public Builder bufferSize(Integer bufferSize) {
            this.bufferSize = bufferSize;
            return this;
        }

        /** Sets {@link AuditBatch#maxSize()}; null leaves kube-apiserver's default. */
        public Builder maxSize(Integer maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /** Sets {@link AuditBatch#maxWait()}; null leaves kube-apiserver's default. */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = maxWait;
            return this;
        }

        /** Sets {@link AuditBatch#throttleQps()}; null leaves kube-apiserver's default. */
        public Builder throttleQps(Double throttleQps) {
            this.throttleQps = throttleQps;
            return this;
        }

        /** Sets {@link AuditBatch#throttleBurst()}; null leaves kube-apiserver's default. */
        public Builder throttleBurst(Integer throttleBurst) {
            this.throttleBurst = throttleBurst;
            return this;
        }

        /** @throws InvalidRequestException naming {@code auditBatch} when a value is not positive or not usable */
        public AuditBatch build() {
            boolean batchSettings = bufferSize != null
                    || maxSize != null
                    || maxWait != null
                    || throttleQps != null
                    || throttleBurst != null;
            if (mode != Mode.BATCH && batchSettings) {
                throw new InvalidRequestException(
                        "auditBatch",
                        "Batch sizes, waits and throttling apply only to --audit-webhook-mode=batch, but the mode is "
                                + mode.flagValue() + ": remove them or use mode batch.");
            }
            requirePositive("bufferSize", bufferSize);
            requirePositive("maxSize", maxSize);
            requirePositive("throttleBurst", throttleBurst);
            if (maxWait != null && (maxWait.isNegative() || maxWait.isZero())) {
                throw new InvalidRequestException(
                        "auditBatch", "Audit batch maxWait must be positive, got " + maxWait + ".");
            }
            if (throttleQps != null && !(throttleQps > 0)) {
                throw new InvalidRequestException(
                        "auditBatch", "Audit batch throttleQps must be positive, got " + throttleQps + ".");
            }
            if (throttleBurst != null && throttleQps == null) {
                throw new InvalidRequestException(
                        "auditBatch",
                        "Audit batch throttleBurst needs throttleQps too: kube-apiserver throttles only with a QPS.");
            }
            return new AuditBatch(this);
        }

        private static void requirePositive(String name, Integer value) {
            if (value != null && value < 1) {
                throw new InvalidRequestException(
                        "auditBatch", "Audit batch " + name + " must be at least 1, got " + value + ".");
            }
        }
    }
}
