package io.falcooffline.core.values;

import io.falcooffline.core.chart.ChartTree;
import io.falcooffline.core.yaml.HelmValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values Helm will use for every chart of a tree: the root chart's defaults under the given layers (a profile,
 * then the user's files, in order), and for each subchart its own defaults coalesced with its section of its
 * parent's values. A subchart whose condition is off, or whose parent is not in use, is not in use.
 */
public final class EffectiveValues {

    /** One chart of the tree with the values in force for it. */
    public record Node(ChartTree tree, Map<String, Object> values, boolean inUse) {}

    private final List<Node> nodes;

    private EffectiveValues(List<Node> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Coalesces the layers over the root chart's defaults, then derives every subchart's values. */
    public static EffectiveValues of(ChartTree tree, List<Map<String, Object>> layers) {
        List<Map<String, Object>> all = new ArrayList<>();
        all.add(tree.chart().values());
        all.addAll(layers);
        List<Node> nodes = new ArrayList<>();
        collect(new Node(tree, HelmValues.merge(all, tree.subchartKeys()), true), nodes);
        return new EffectiveValues(nodes);
    }

    private static void collect(Node node, List<Node> nodes) {
        nodes.add(node);
        for (ChartTree child : node.tree().children()) {
            String key = child.keyInParent().orElseThrow();
            Map<String, Object> fromParent =
                    node.values().get(key) instanceof Map<?, ?> section ? castMap(section) : Map.of();
            collect(
                    new Node(
                            child,
                            HelmValues.coalesce(child.chart().values(), fromParent),
                            node.inUse() && child.enabledIn(node.values())),
                    nodes);
        }
    }

    /** The root chart's effective values. */
    public Node root() {
        return nodes.get(0);
    }

    /** Every chart of the tree, parents before children. */
    public List<Node> nodes() {
        return nodes;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
