package io.falcooffline.core.verify;

import io.falcooffline.core.plan.PlannedReference;
import java.util.List;
import java.util.Optional;

/**
 * What render verification found.
 *
 * @param skipped why verification did not run (off, or Helm's engine is missing on this platform); empty when it ran
 * @param pulled every image and falcoctl artifact the rendered output pulls, hooks included
 * @param corrected plan entries added because the cluster pulls a tag the discovery did not predict (a template
 *     default such as {@code <appVersion>-debian}), each mirrored with the tag the cluster pulls
 * @param superseded plan entries those corrections replace: planned, but pulled by no rendered object
 */
public record VerificationReport(
        Optional<String> skipped,
        List<PulledReference> pulled,
        List<PlannedReference> corrected,
        List<PlannedReference> superseded) {

    public VerificationReport {
        pulled = List.copyOf(pulled);
        corrected = List.copyOf(corrected);
        superseded = List.copyOf(superseded);
    }

    static VerificationReport skipped(String why) {
        return new VerificationReport(Optional.of(why), List.of(), List.of(), List.of());
    }
}
