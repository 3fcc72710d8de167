package io.falcooffline.core.rewrite;

import io.falcooffline.core.chart.Chart;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * The entries a chart's values already have followed by the secrets they do not name yet, in this key's shape.
     */
    Object merge(Object existing, List<String> secrets) {
        List<Object> merged = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        if (existing instanceof List<?> entries) {
            for (Object entry : entries) {
                merged.add(entry);
                named.add(String.valueOf(entry instanceof Map<?, ?> map ? map.get("name") : entry));
            }
        }
        List<String> missing =
                secrets.stream().filter(secret -> !named.contains(secret)).toList();
        if (render(missing) instanceof List<?> added) {
            merged.addAll(added);
        }
        return merged;
    }

    /** The secrets in this key's shape. */
    Object render(List<String> secrets) {
        return namesOnly
                ? List.copyOf(secrets)
                : secrets.stream().map(name -> Map.of("name", name)).toList();
    }
}
