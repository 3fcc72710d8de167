package io.falcooffline.core.mirror;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides how many blob transfers run at once from what the link gave in the last sampling window: more while the
 * total rate grows with them, back to the last useful number when it stops growing, half as many after overload
 * answers (429, 5xx) or broken connections. Probing again after a while, since the mix of blobs changes during a run
 * (many small blobs gain from more transfers long after a few large ones filled the link).
 *
 * <p>Not thread-safe; {@link TransferSlots} calls it from one sampling thread. Pure: it sees only the samples, so its
 * decisions can be checked without a network.
 */
final class AdaptiveConcurrency {

    /**
     * A growth must raise the rate by this share to count: less is within the noise of one window, and connections
     * that do not add throughput only add load on the registries.
     */
    static final double MIN_GAIN = 0.10;
    /** Windows to wait after the rate stopped growing before probing for more again. */
    static final int HOLD_AT_PLATEAU = 6;
    /** Windows to wait after shrinking for failures, so retries settle before the next growth. */
    static final int HOLD_AFTER_FAILURES = 4;

    /** What the link gave in one window. */
    record Sample(double bytesPerSecond, boolean demand, long failures) {}

    /** A change of the limit and why. */
    record Decision(int from, int to, double bytesPerSecond, Reason reason) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "transfers at once %d -> %d at %.1f MiB/s: %s",
                    from,
                    to,
                    bytesPerSecond / (1024 * 1024),
                    reason.text);
        }
    }

    /** Why the limit changed. */
    enum Reason {
        GROW("transfers were waiting, and the last growth raised the rate"),
        STEP_BACK("the rate did not grow with more transfers"),
        SHRINK("the registries answered overload or connections broke"),
        DISTANT("blobs come in ranges from a distant registry, whose connections each carry a part of the link");

        private final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    private final int min;
    private final int max;
    private int limit;
    /** The limit before the last growth, and the rate it gave; judged by the next window. */
    private int limitBeforeGrowth;

    private double rateBeforeGrowth = -1;
    private int hold;

    AdaptiveConcurrency(int min, int start, int max) {
        if (min < 1 || start < min || max < start) {
            throw new IllegalArgumentException("need 1 <= min <= start <= max: " + min + ", " + start + ", " + max);
        }
        this.min = min;
        this.max = max;
        this.limit = start;
    }

    int limit() {
        return limit;
    }

    /** Takes one window's sample; returns the change it makes, if any. */
    Optional<Decision> next(Sample sample) {
        if (sample.failures() > 0) {
            rateBeforeGrowth = -1;
            hold = HOLD_AFTER_FAILURES;
            return change(Math.max(min, limit / 2), sample, Reason.SHRINK);
        }
        if (hold > 0) {
            hold--;
            return Optional.empty();
        }
        if (rateBeforeGrowth >= 0) {
            boolean gained = sample.bytesPerSecond() >= rateBeforeGrowth * (1 + MIN_GAIN);
            double before = rateBeforeGrowth;
            rateBeforeGrowth = -1;
            if (!gained) {
                hold = HOLD_AT_PLATEAU;
                return change(limitBeforeGrowth, new Sample(before, true, 0), Reason.STEP_BACK);
            }
        }
        // A window without bytes (the transfers are still starting) says nothing about the link.
        if (sample.demand() && sample.bytesPerSecond() > 0 && limit < max) {
            limitBeforeGrowth = limit;
            rateBeforeGrowth = sample.bytesPerSecond();
            // Grow by half: a link that takes 16 transfers is reached from 4 in four windows, not twelve.
            return change(Math.min(max, limit + Math.max(1, limit / 2)), sample, Reason.GROW);
        }
        return Optional.empty();
    }

    /**
     * Raises the limit to at least {@code to} at once, without waiting for windows to judge growths one by one: for
     * what is known before any rate is, such as a source across the internet. A growth still to be judged is dropped.
     */
    Optional<Decision> raiseTo(int to, double bytesPerSecond) {
        rateBeforeGrowth = -1;
        return change(Math.max(limit, Math.min(max, to)), new Sample(bytesPerSecond, true, 0), Reason.DISTANT);
    }

    private Optional<Decision> change(int to, Sample sample, Reason reason) {
        if (to == limit) {
            return Optional.empty();
        }
        Decision decision = new Decision(limit, to, sample.bytesPerSecond(), reason);
        limit = to;
        return Optional.of(decision);
    }
}
