package io.falcooffline.core.render;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.comments.CommentType;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.events.CommentEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Checks that a rewritten values file kept the comments of the original: every comment line, and every line with a
 * trailing comment, must still be there in the same order, except within the lines of a key that was changed (its
 * key line through the end of its value).
 */
public final class ValuesComments {

    private ValuesComments() {}

    /**
     * The lines of {@code original} holding comments outside the changed keys that {@code rewritten} lost, in order;
     * empty when every one was kept.
     *
     * @param changedPaths the changed keys, as values paths ({@code a.b[0]["x.y"]}); paths the original lacks (new
     *     keys) exempt nothing
     */
    public static List<String> lostComments(String original, String rewritten, List<String> changedPaths) {
        List<int[]> exempt = new ArrayList<>();
        Node root = newYaml(false).compose(new StringReader(original));
        for (String path : changedPaths) {
            int[] span = span(root, ValuesPaths.parse(path), originalLinesOf(original));
            if (span != null) {
                exempt.add(span);
            }
        }
        String[] originalLines = originalLinesOf(original);
        List<String> kept = new ArrayList<>();
        for (Event event : newYaml(true).parse(new StringReader(original))) {
            if (event instanceof CommentEvent comment && comment.getCommentType() != CommentType.BLANK_LINE) {
                int line = comment.getStartMark().getLine();
                if (exempt.stream().noneMatch(span -> line >= span[0] && line <= span[1])) {
                    kept.add(originalLines[line].stripTrailing());
                }
            }
        }
        List<String> lost = new ArrayList<>();
        String[] rewrittenLines = rewritten.split("\n", -1);
        int next = 0;
        for (String line : kept) {
            int found = -1;
            for (int i = next; i < rewrittenLines.length; i++) {
                if (rewrittenLines[i].stripTrailing().equals(line)) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                lost.add(line);
            } else {
                next = found + 1;
            }
        }
        return lost;
    }

    /**
     * The first and last 0-based line of a key with its value, or of a list item; null when not there. A block value
     * ends where the next key starts, so comment and blank lines before that belong to the next key, not this one.
     */
    private static int[] span(Node root, List<Object> path, String[] lines) {
        Node node = root;
        Node keyNode = null;
        for (Object step : path) {
            keyNode = null;
            if (node instanceof MappingNode mapping && step instanceof String key) {
                Node value = null;
                for (NodeTuple tuple : mapping.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode scalar
                            && scalar.getValue().equals(key)) {
                        keyNode = tuple.getKeyNode();
                        value = tuple.getValueNode();
                    }
                }
                node = value;
            } else if (node instanceof SequenceNode sequence && step instanceof Integer index) {
                node = index < sequence.getValue().size() ? sequence.getValue().get(index) : null;
            } else {
                node = null;
            }
            if (node == null) {
                return null;
            }
        }
        int first = (keyNode != null ? keyNode : node).getStartMark().getLine();
        int last = node.getEndMark().getLine();
        if (node.getEndMark().getColumn() == 0 && last > first) {
            last--;
        }
        while (last > first && (lines[last].isBlank() || lines[last].strip().startsWith("#"))) {
            last--;
        }
        return new int[] {first, last};
    }

    private static String[] originalLinesOf(String text) {
        return text.split("\n", -1);
    }

    private static Yaml newYaml(boolean comments) {
        LoaderOptions options = new LoaderOptions();
        options.setProcessComments(comments);
        options.setCodePointLimit(16 * 1024 * 1024);
        return new Yaml(new SafeConstructor(options));
    }
}
