package io.falcooffline.core.rewrite;

import io.falcooffline.core.chart.Chart;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a chart takes its image pull secrets and in which shape: the Falco chart and k8s-metacollector take
 * Kubernetes' {@code [{name: secret}]}, falcosidekick and falco-talon take plain names.
 */
record PullSecretKey(List<Object> path, boolean namesOnly) {

    private static final Map<String, PullSecretKey> KNOWN_CHARTS = Map.of(
            "falco", new PullSecretKey(List.of("imagePullSecrets"), false),
            "falcosidekick", new PullSecretKey(List.of("imagePullSecrets"), true),
            "falco-talon", new PullSecretKey(List.of("imagePullSecrets"), true),
            "k8s-metacollector", new PullSecretKey(List.of("image", "pullSecrets"), false));

    /** The key of a known chart, or {@code imagePullSecrets} in Kubernetes' shape when the chart's values have it. */
    static Optional<PullSecretKey> of(Chart chart, Map<String, Object> values) {
        PullSecretKey known = KNOWN_CHARTS.get(chart.name());
        if (known != null) {
            return Optional.of(known);
        }
        return values.containsKey("imagePullSecrets")
                ? Optional.of(new PullSecretKey(List.of("imagePullSecrets"), false))
                : Optional.empty();
    }

    /** The secrets in this key's shape. */
    Object render(List<String> secrets) {
        return namesOnly
                ? List.copyOf(secrets)
                : secrets.stream().map(name -> Map.of("name", name)).toList();
    }
}
