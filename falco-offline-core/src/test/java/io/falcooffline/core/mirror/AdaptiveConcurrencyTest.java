package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.mirror.AdaptiveConcurrency.Decision;
import io.falcooffline.core.mirror.AdaptiveConcurrency.Reason;
import io.falcooffline.core.mirror.AdaptiveConcurrency.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decisions on a simulated link: each connection carries 10 units, the link 120. */
class AdaptiveConcurrencyTest {

    private static final double PER_CONNECTION = 10;
    private static final double LINK = 120;

    private static Sample linkAt(int limit) {
        return new Sample(Math.min(limit * PER_CONNECTION, LINK), true, 0);
    }

    private static List<Decision> run(AdaptiveConcurrency control, int windows) {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < windows; i++) {
            control.next(linkAt(control.limit())).ifPresent(decisions::add);
        }
        return decisions;
    }

    @Test
    void shouldGrowWhileTheRateFollowsThenStepBackToTheLastUsefulNumber() {
        AdaptiveConcurrency control = new AdaptiveConcurrency(2, 4, 16);

        List<Decision> decisions = run(control, 5);

        assertThat(decisions)
                .extracting(Decision::from, Decision::to, Decision::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(4, 6, Reason.GROW),
                        org.assertj.core.groups.Tuple.tuple(6, 9, Reason.GROW),
                        org.assertj.core.groups.Tuple.tuple(9, 13, Reason.GROW),
                        org.assertj.core.groups.Tuple.tuple(13, 16, Reason.GROW),
                        org.assertj.core.groups.Tuple.tuple(16, 13, Reason.STEP_BACK));
        assertThat(control.limit()).as("12 connections fill the link").isEqualTo(13);
    }

    @Test
    void shouldRaiseAtOnceWithinTheMaximumAndNeverLower() {
        AdaptiveConcurrency control = new AdaptiveConcurrency(2, 4, 16);
        assertThat(control.next(new Sample(40, true, 0)))
                .hasValueSatisfying(growth -> assertThat(growth.to()).isEqualTo(6));

        assertThat(control.raiseTo(8, 40))
                .hasValueSatisfying(decision -> assertThat(decision)
                        .extracting(Decision::from, Decision::to, Decision::reason)
                        .containsExactly(6, 8, Reason.DISTANT));
        assertThat(control.raiseTo(3, 40)).isEmpty();
        assertThat(control.limit()).isEqualTo(8);
        assertThat(control.next(new Sample(40, true, 0)))
                .as("the growth before the raise is not judged: the same rate steps nothing back")
                .hasValueSatisfying(decision -> assertThat(decision.reason()).isEqualTo(Reason.GROW));
        assertThat(new AdaptiveConcurrency(2, 4, 6).raiseTo(8, 0))
                .hasValueSatisfying(decision -> assertThat(decision.to()).isEqualTo(6));
    }

    @Test
    void shouldHoldAtThePlateauThenProbeAgain() {
        AdaptiveConcurrency control = new AdaptiveConcurrency(2, 4, 16);
        run(control, 5);

        assertThat(run(control, AdaptiveConcurrency.HOLD_AT_PLATEAU)).isEmpty();
        assertThat(run(control, 2)).extracting(Decision::reason).containsExactly(Reason.GROW, Reason.STEP_BACK);
        assertThat(control.limit()).isEqualTo(13);
    }

    @Test
    void shouldHalveOnFailuresAndWaitBeforeGrowingAgain() {
        AdaptiveConcurrency control = new AdaptiveConcurrency(2, 4, 16);
        run(control, 5);

        Optional<Decision> shrink = control.next(new Sample(LINK, true, 3));

        assertThat(shrink).hasValueSatisfying(decision -> {
            assertThat(decision.reason()).isEqualTo(Reason.SHRINK);
            assertThat(decision.to()).isEqualTo(6);
        });
        assertThat(run(control, AdaptiveConcurrency.HOLD_AFTER_FAILURES)).isEmpty();
        assertThat(run(control, 1)).extracting(Decision::reason).containsExactly(Reason.GROW);
        control.next(new Sample(LINK, true, 1));
        control.next(new Sample(LINK, true, 1));
        control.next(new Sample(LINK, true, 1));
        assertThat(control.limit()).as("never below the minimum").isEqualTo(2);
    }

    @Test
    void shouldNotGrowWhenNoTransferWaitedOrNothingMoved() {
        AdaptiveConcurrency control = new AdaptiveConcurrency(2, 4, 16);

        assertThat(control.next(new Sample(40, false, 0))).isEmpty();
        assertThat(control.next(new Sample(0, true, 0))).isEmpty();
        assertThat(control.limit()).isEqualTo(4);
    }

    @Test
    void shouldStayWithinTheUpperBoundTheUserGave() {
        AdaptiveConcurrency control = new AdaptiveConcurrency(2, 3, 3);

        assertThat(run(control, 10)).isEmpty();
        assertThat(control.limit()).isEqualTo(3);
    }
}
