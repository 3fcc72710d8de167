package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.reference.ReferenceKind;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DependencyTargetsTest {

    private static final String REGISTRY = "192.168.5.96:30003";

    private static PlannedReference ref(ReferenceKind kind, String source, String target) {
        return new PlannedReference(kind, source, target, Disposition.REDIRECTED, List.of());
    }

    @Test
    void shouldPlaceDependencyBesideFlattenedReferencesWhenPlanFlattens() {
        UnaryOperator<String> targets = DependencyTargets.inferred(
                REGISTRY,
                List.of(
                        ref(
                                ReferenceKind.PLUGIN,
                                "ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16",
                                REGISTRY + "/falco/k8saudit:0.16"),
                        ref(
                                ReferenceKind.RULESFILE,
                                "ghcr.io/falcosecurity/plugins/ruleset/k8saudit:0.16",
                                REGISTRY + "/falco/k8saudit-rules:0.16"),
                        ref(
                                ReferenceKind.IMAGE,
                                "docker.io/falcosecurity/falco:0.44.0",
                                REGISTRY + "/falco/falco:0.44.0")));

        assertThat(targets.apply("ghcr.io/falcosecurity/plugins/plugin/json:0.7.0"))
                .isEqualTo(REGISTRY + "/falco/json:0.7.0");
    }

    @Test
    void shouldKeepRepositoryPathsWhenPlanKeepsThem() {
        UnaryOperator<String> targets = DependencyTargets.inferred(
                REGISTRY,
                List.of(
                        ref(
                                ReferenceKind.PLUGIN,
                                "ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16",
                                REGISTRY + "/mirror/falcosecurity/plugins/plugin/k8saudit:0.16"),
                        ref(
                                ReferenceKind.IMAGE,
                                "docker.io/falcosecurity/falco:0.44.0",
                                REGISTRY + "/mirror/falcosecurity/falco:0.44.0")));

        assertThat(targets.apply("ghcr.io/falcosecurity/plugins/plugin/json:0.7.0"))
                .isEqualTo(REGISTRY + "/mirror/falcosecurity/plugins/plugin/json:0.7.0");
    }

    @Test
    void shouldReuseTheTargetRepositoryOfTheSameSourceRepositoryWhenPlanHasIt() {
        UnaryOperator<String> targets = DependencyTargets.inferred(
                REGISTRY,
                List.of(ref(
                        ReferenceKind.PLUGIN,
                        "ghcr.io/falcosecurity/plugins/plugin/json:0.7.4",
                        REGISTRY + "/custom/json-plugin:0.7.4")));

        assertThat(targets.apply("ghcr.io/falcosecurity/plugins/plugin/json:0.7.0"))
                .isEqualTo(REGISTRY + "/custom/json-plugin:0.7.0");
    }
}
