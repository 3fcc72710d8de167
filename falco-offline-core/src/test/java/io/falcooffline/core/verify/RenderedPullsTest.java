package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.falcooffline.core.RenderVerificationException;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a rendered release pulls, and how it is held against the plan, on hand-written Helm output. */
class RenderedPullsTest {

    private static final String OUTPUT = """
            ---
            # Source: demo/templates/cronjob.yaml
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: cleanup, namespace: falco}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      initContainers: [{name: wait, image: "busybox"}]
                      containers: [{name: clean, image: "registry.internal/demo/clean:2"}]
            ---
            # Source: demo/templates/debug.yaml
            apiVersion: v1
            kind: Pod
            metadata:
              name: debug
              annotations: {"falco-offline.render/hook": test}
            spec:
              containers: [{name: main, image: registry.internal/demo/main@sha256:0123456789abcdef0123456789abcdef}]
              ephemeralContainers: [{name: shell, image: registry.internal/demo/shell:1}]
            ---
            # Source: demo/templates/falcoctl-configmap.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: falcoctl, namespace: falco}
            data:
              falcoctl.yaml: |-
                artifact:
                  install:
                    refs: [registry.internal/demo/rules:3, falco-rules:3]
                  follow:
                    refs: [registry.internal/demo/rules:3]
            """;

    @Test
    void shouldReadEveryContainerListOfEveryPodSpecAndFalcoctlsRefs() {
        assertThat(RenderedPulls.of(OUTPUT))
                .extracting(
                        PulledReference::manifest,
                        PulledReference::container,
                        PulledReference::reference,
                        PulledReference::artifact,
                        PulledReference::hook)
                .containsExactly(
                        tuple(
                                "CronJob/falco/cleanup (demo/templates/cronjob.yaml)",
                                "initContainer wait",
                                "busybox",
                                false,
                                false),
                        tuple(
                                "CronJob/falco/cleanup (demo/templates/cronjob.yaml)",
                                "container clean",
                                "registry.internal/demo/clean:2",
                                false,
                                false),
                        tuple(
                                "Pod//debug (demo/templates/debug.yaml)",
                                "container main",
                                "registry.internal/demo/main@sha256:0123456789abcdef0123456789abcdef",
                                false,
                                true),
                        tuple(
                                "Pod//debug (demo/templates/debug.yaml)",
                                "ephemeralContainer shell",
                                "registry.internal/demo/shell:1",
                                false,
                                true),
                        tuple(
                                "ConfigMap/falco/falcoctl (demo/templates/falcoctl-configmap.yaml)",
                                "falcoctl.yaml artifact.install.refs[0]",
                                "registry.internal/demo/rules:3",
                                true,
                                false),
                        tuple(
                                "ConfigMap/falco/falcoctl (demo/templates/falcoctl-configmap.yaml)",
                                "falcoctl.yaml artifact.install.refs[1]",
                                "falco-rules:3",
                                true,
                                false),
                        tuple(
                                "ConfigMap/falco/falcoctl (demo/templates/falcoctl-configmap.yaml)",
                                "falcoctl.yaml artifact.follow.refs[0]",
                                "registry.internal/demo/rules:3",
                                true,
                                false));
    }

    @Test
    void shouldAcceptWhatThePlanHoldsAndFailNamingWhatItHasForTheRepository() {
        List<PulledReference> pulled = RenderedPulls.of(OUTPUT);
        Plan plan = plan(
                redirected(
                        ReferenceKind.IMAGE,
                        "docker.io/library/busybox:latest",
                        "registry.internal/demo/busybox:latest"),
                redirected(ReferenceKind.IMAGE, "docker.io/demo/clean:2", "registry.internal/demo/clean:2"),
                redirected(ReferenceKind.IMAGE, "docker.io/demo/shell:1", "registry.internal/demo/shell:1"),
                redirected(
                        ReferenceKind.IMAGE,
                        "docker.io/demo/main@sha256:0123456789abcdef0123456789abcdef",
                        "registry.internal/demo/main@sha256:0123456789abcdef0123456789abcdef"),
                redirected(ReferenceKind.RULESFILE, "ghcr.io/demo/rules:3", "registry.internal/demo/rules:3"),
                new PlannedReference(
                        ReferenceKind.ARTIFACT,
                        "falco-rules:3",
                        "falco-rules:3",
                        Disposition.NOT_REDIRECTED,
                        List.of(LOCATION)));

        assertThatThrownBy(() -> RenderVerification.check(plan, pulled))
                .isInstanceOf(RenderVerificationException.class)
                .hasMessageContaining("1 reference(s)")
                .hasMessageContaining("CronJob/falco/cleanup (demo/templates/cronjob.yaml) initContainer wait pulls"
                        + " busybox, but the plan has docker.io/library/busybox:latest ->"
                        + " registry.internal/demo/busybox:latest (REDIRECTED, found at demo/values.yaml image)");
    }

    @Test
    void shouldPlanTheTagTheClusterPullsInPlaceOfTheOneNothingPulls() {
        List<PulledReference> pulled = List.of(new PulledReference(
                "DaemonSet/falco/falco (falco/templates/daemonset.yaml)",
                "container falco",
                "registry.internal/falco/falco:0.41.0-debian",
                false,
                false));
        Plan plan = plan(redirected(
                ReferenceKind.IMAGE, "docker.io/falcosecurity/falco:0.41.0", "registry.internal/falco/falco:0.41.0"));

        RenderVerification.Verified verified = RenderVerification.check(plan, pulled);

        assertThat(verified.plan().references())
                .extracting(PlannedReference::source, PlannedReference::target, PlannedReference::locations)
                .containsExactly(tuple(
                        "docker.io/falcosecurity/falco:0.41.0-debian",
                        "registry.internal/falco/falco:0.41.0-debian",
                        List.of(LOCATION)));
        assertThat(verified.report().superseded())
                .extracting(PlannedReference::target)
                .containsExactly("registry.internal/falco/falco:0.41.0");
    }

    @Test
    void shouldTakeAPullByTheDigestOfAPinnedReferenceAsThatReferenceWhateverItsTag() {
        String digest = "sha256:" + "ab".repeat(32);
        String pinned = "registry.internal/falco/falco:0.44.0@" + digest;
        List<PulledReference> pulled = List.of(
                new PulledReference(
                        "DaemonSet/falco/falco (falco/templates/daemonset.yaml)",
                        "container falco",
                        pinned,
                        false,
                        false),
                new PulledReference(
                        "Pod/falco/debug (falco/templates/debug.yaml)",
                        "container debug",
                        "registry.internal/falco/falco@" + digest,
                        false,
                        true));
        Plan plan = plan(redirected(
                ReferenceKind.IMAGE, "docker.io/falcosecurity/falco:0.44.0@sha256:" + "cd".repeat(32), pinned));

        RenderVerification.Verified verified = RenderVerification.check(plan, pulled);

        assertThat(verified.plan().references())
                .extracting(PlannedReference::target)
                .containsExactly(pinned);
        assertThat(verified.report().corrected()).isEmpty();
        assertThat(verified.report().superseded()).isEmpty();
    }

    @Test
    void shouldRefuseAPullByADigestThePlanDoesNotPin() {
        String pinned = "registry.internal/falco/falco:0.44.0@sha256:" + "ab".repeat(32);
        List<PulledReference> pulled = List.of(new PulledReference(
                "DaemonSet/falco/falco (falco/templates/daemonset.yaml)",
                "container falco",
                "docker.io/falcosecurity/falco@sha256:" + "ab".repeat(32),
                false,
                false));
        Plan plan = plan(redirected(ReferenceKind.IMAGE, "docker.io/falcosecurity/falco:0.44.0", pinned));

        assertThatThrownBy(() -> RenderVerification.check(plan, pulled))
                .isInstanceOf(RenderVerificationException.class)
                .hasMessageContaining("pulls docker.io/falcosecurity/falco@sha256:");
    }

    private static final ReferenceLocation LOCATION = new ReferenceLocation("demo", "values.yaml", "image", 0);

    private static PlannedReference redirected(ReferenceKind kind, String source, String target) {
        return new PlannedReference(kind, source, target, Disposition.REDIRECTED, List.of(LOCATION));
    }

    private static Plan plan(PlannedReference... references) {
        return new Plan("demo", "1.0.0", "registry.internal", List.of(references), List.of(), List.of());
    }
}
