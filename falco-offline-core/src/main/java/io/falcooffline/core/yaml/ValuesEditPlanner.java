package io.falcooffline.core.yaml;

import io.falcooffline.core.yaml.YamlDocument.Entry;
import io.falcooffline.core.yaml.YamlDocument.Mapping;
import io.falcooffline.core.yaml.YamlDocument.Node;
import io.falcooffline.core.yaml.YamlDocument.Scalar;
import io.falcooffline.core.yaml.YamlDocument.Sequence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns the difference between a document's values and the desired values into text edits of the document, touching
 * only the smallest nodes that differ, then applies them from the end of the text backwards.
 */
final class ValuesEditPlanner {

    /** How small the rewritten pieces are. */
    enum Granularity {
        /** Each differing scalar, key or list item. */
        FINE,
        /** Each differing top-level value as a whole. */
        TOP_LEVEL
    }

    private enum SlotKind {
        MAP_VALUE,
        SEQUENCE_ITEM
    }

    /**
     * Where a value sits: after a mapping key's {@code :} or a sequence item's {@code -} ({@code indicatorEnd} is
     * the offset after it), under a key or dash at {@code ownerColumn}.
     */
    private record Slot(SlotKind kind, int indicatorEnd, int ownerColumn) {}

    private record Edit(int start, int end, String text, int order) {}

    private final YamlDocument document;
    private final Granularity granularity;
    private final List<Edit> edits = new ArrayList<>();
    private final SafeYaml.ScalarReader keyReader = new SafeYaml.ScalarReader();

    ValuesEditPlanner(YamlDocument document, Granularity granularity) {
        this.document = document;
        this.granularity = granularity;
    }

    /** The document's text changed so that it loads as {@code desired}, given that it loads as {@code original}. */
    String rewrite(Map<String, Object> original, Map<String, Object> desired) {
        Node root = document.root;
        if (root == null || (root instanceof Scalar scalar && scalar.isEmpty())) {
            insertEntries(topLevelInsertionPoint(), 0, desired);
        } else if (!(root instanceof Mapping mapping) || !editMapping(mapping, original, desired, null, 0)) {
            replaceRoot(root, desired);
        }
        return apply();
    }

    private void editValue(Slot slot, Node node, Object before, Object after, int depth) {
        if (HelmValues.deepEquals(before, after)) {
            return;
        }
        if (granularity == Granularity.TOP_LEVEL && depth >= 1) {
            replace(slot, node, after);
            return;
        }
        boolean edited = false;
        if (node instanceof Mapping mapping
                && before instanceof Map<?, ?> beforeMap
                && after instanceof Map<?, ?> afterMap
                && !afterMap.isEmpty()) {
            edited = editMapping(mapping, beforeMap, afterMap, slot, depth);
        } else if (node instanceof Sequence sequence
                && before instanceof List<?> beforeList
                && after instanceof List<?> afterList
                && !afterList.isEmpty()) {
            edited = editSequence(sequence, beforeList, afterList, depth);
        }
        if (!edited) {
            replace(slot, node, after);
        }
    }

    /**
     * Edits a block mapping key by key. Returns false, having planned nothing, when the mapping cannot be edited in
     * place (flow style, merge keys, complex keys).
     */
    private boolean editMapping(Mapping mapping, Map<?, ?> before, Map<?, ?> after, Slot slot, int depth) {
        if (mapping.flow()) {
            return false;
        }
        List<Entry> entries = mapping.entries();
        List<Object> keys = new ArrayList<>(entries.size());
        Map<Object, Integer> lastIndexOfKey = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i).key() instanceof Scalar keyScalar)) {
                return false;
            }
            Object key;
            try {
                key = keyReader.read(keyScalar.event());
            } catch (RuntimeException e) {
                return false;
            }
            if (keyScalar.event().getImplicit().canOmitTagInPlainScalar() && "<<".equals(keyScalar.value())
                    || Tag.MERGE.getValue().equals(keyScalar.event().getTag())) {
                return false;
            }
            keys.add(key);
            lastIndexOfKey.put(key, i);
        }
        if (!lastIndexOfKey.keySet().equals(before.keySet())) {
            return false;
        }

        boolean[] removed = new boolean[entries.size()];
        int firstKept = -1;
        for (int i = 0; i < entries.size(); i++) {
            removed[i] = !after.containsKey(keys.get(i));
            if (!removed[i] && firstKept < 0) {
                firstKept = i;
            }
        }
        for (int i = 1; i < entries.size(); i++) {
            if (removed[i] && !document.onlyBlanksBefore(entries.get(i).key().start())) {
                return false;
            }
        }
        boolean firstSharesItsLine = !entries.isEmpty()
                && !document.onlyBlanksBefore(entries.get(0).key().start());
        if (removed.length > 0 && removed[0] && firstSharesItsLine && firstKept < 0) {
            return false;
        }

        for (Map.Entry<?, ?> entry : before.entrySet()) {
            if (after.containsKey(entry.getKey())) {
                Entry node = entries.get(lastIndexOfKey.get(entry.getKey()));
                if (granularity == Granularity.TOP_LEVEL && depth == 0 && containsAlias(node.value())) {
                    // Rewritten values may have dropped the anchor this alias names: write its value out.
                    replace(mapValueSlot(node), node.value(), after.get(entry.getKey()));
                    continue;
                }
                editValue(mapValueSlot(node), node.value(), entry.getValue(), after.get(entry.getKey()), depth + 1);
            }
        }

        int next = 0;
        if (removed.length > 0 && removed[0] && firstSharesItsLine) {
            // "- a: 1\n  b: 2" without a: the next kept key moves up behind the dash.
            add(entries.get(0).key().start(), entries.get(firstKept).key().start(), "");
            next = firstKept;
        }
        for (int i = next; i < entries.size(); i++) {
            if (removed[i]) {
                Entry entry = entries.get(i);
                int end = Math.max(document.contentEnd(entry.key()), document.contentEnd(entry.value()));
                add(document.lineStart(entry.key().start()), document.nextLineStart(end), "");
            }
        }

        Map<Object, Object> added = new LinkedHashMap<>();
        after.forEach((key, value) -> {
            if (!before.containsKey(key)) {
                added.put(key, value);
            }
        });
        if (!added.isEmpty()) {
            int insertAt =
                    slot == null ? topLevelInsertionPoint() : document.nextLineStart(document.contentEnd(mapping));
            insertEntries(insertAt, document.column(entries.get(0).key().start()), added);
        }
        return true;
    }

    /**
     * Edits a block sequence item by item: unchanged items at both ends stay, the items between are edited in place
     * pairwise, and the surplus is deleted or inserted. Returns false, having planned nothing, when that is not
     * possible.
     */
    private boolean editSequence(Sequence sequence, List<?> before, List<?> after, int depth) {
        if (sequence.flow() || sequence.items().size() != before.size()) {
            return false;
        }
        int[] dashes = document.dashes(sequence);
        if (dashes == null) {
            return false;
        }
        int oldCount = before.size();
        int newCount = after.size();
        int prefix = 0;
        while (prefix < Math.min(oldCount, newCount) && HelmValues.deepEquals(before.get(prefix), after.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < Math.min(oldCount, newCount) - prefix
                && HelmValues.deepEquals(before.get(oldCount - 1 - suffix), after.get(newCount - 1 - suffix))) {
            suffix++;
        }
        int paired = Math.min(oldCount - prefix - suffix, newCount - prefix - suffix);
        int firstDeleted = prefix + paired;
        int deletedEnd = oldCount - suffix;
        int insertedEnd = newCount - suffix;
        for (int i = firstDeleted; i < deletedEnd; i++) {
            if (!document.onlyBlanksBefore(dashes[i])) {
                return false;
            }
        }
        int insertAt = -1;
        if (firstDeleted < insertedEnd) {
            if (firstDeleted > 0) {
                insertAt = document.nextLineStart(
                        document.contentEnd(sequence.items().get(firstDeleted - 1)));
            } else if (document.onlyBlanksBefore(dashes[0])) {
                insertAt = document.lineStart(dashes[0]);
            } else {
                return false;
            }
        }

        for (int i = prefix; i < firstDeleted; i++) {
            editValue(itemSlot(dashes[i]), sequence.items().get(i), before.get(i), after.get(i), depth + 1);
        }
        for (int i = firstDeleted; i < deletedEnd; i++) {
            int end = document.contentEnd(sequence.items().get(i));
            add(document.lineStart(dashes[i]), document.nextLineStart(end), "");
        }
        if (insertAt >= 0) {
            List<String> lines = YamlWriter.block(after.subList(firstDeleted, insertedEnd), document.column(dashes[0]))
                    .lines();
            add(insertAt, insertAt, lineBreakBefore(insertAt) + joinLines(lines) + document.newline);
        }
        return true;
    }

    /** Replaces a whole value with a fresh rendering, keeping comments on the key's line. */
    private void replace(Slot slot, Node node, Object value) {
        int start = node.start();
        int end = document.contentEnd(node);
        boolean empty = node instanceof Scalar scalar && scalar.isEmpty();
        boolean later = !empty && !document.sameLine(slot.indicatorEnd(), start);
        String trailingComment = document.commentAfter(end);
        String keyLineComment = later ? document.commentAfter(slot.indicatorEnd()) : null;
        String newline = document.newline;

        String flow = null;
        if (node instanceof Sequence sequence && sequence.flow()) {
            flow = YamlWriter.flowList(value, document.column(start));
        }
        if (flow == null && YamlWriter.isNonEmptyCollection(value)) {
            if (slot.kind() == SlotKind.SEQUENCE_ITEM) {
                int column = empty ? document.column(slot.indicatorEnd()) + 1 : document.column(start);
                YamlWriter.Block block = YamlWriter.block(value, column);
                List<String> lines = new ArrayList<>(block.lines());
                lines.set(0, lines.get(0).substring(column));
                int to = block.endsInLiteral() && trailingComment != null ? document.lineEnd(end) : end;
                add(empty ? slot.indicatorEnd() : start, to, (empty ? " " : "") + joinLines(lines));
            } else if (later && isBlockCollection(node) && document.onlyBlanksBefore(start)) {
                int column = document.column(start);
                if (value instanceof Map<?, ?> && column <= slot.ownerColumn()) {
                    column = slot.ownerColumn() + 2;
                }
                YamlWriter.Block block = YamlWriter.block(value, column);
                int to = block.endsInLiteral() && trailingComment != null ? document.lineEnd(end) : end;
                add(document.lineStart(start), to, joinLines(block.lines()));
            } else {
                YamlWriter.Block block = YamlWriter.block(value, slot.ownerColumn() + 2);
                int to = trailingComment != null ? document.lineEnd(end) : end;
                add(
                        slot.indicatorEnd(),
                        to,
                        comments(keyLineComment, trailingComment) + newline + joinLines(block.lines()));
            }
            return;
        }
        if (flow == null && YamlWriter.prefersLiteral(value)) {
            String string = (String) value;
            int from = later || empty ? slot.indicatorEnd() : start;
            int to = trailingComment != null ? document.lineEnd(end) : end;
            List<String> body = YamlWriter.literalBody(string, slot.ownerColumn() + 2);
            add(
                    from,
                    to,
                    (from == slot.indicatorEnd() ? " " : "")
                            + YamlWriter.literalHeader(string)
                            + comments(keyLineComment, trailingComment)
                            + newline
                            + joinLines(body));
            return;
        }
        String inline = flow != null ? flow : YamlWriter.inline(value, styleOf(node));
        if (empty) {
            add(slot.indicatorEnd(), end, " " + inline);
        } else if (!later) {
            add(start, end, inline);
        } else {
            add(slot.indicatorEnd(), end, " " + inline + comments(keyLineComment, null));
        }
    }

    private void replaceRoot(Node root, Map<String, Object> desired) {
        String rendering = desired.isEmpty()
                ? "{}"
                : joinLines(YamlWriter.block(desired, 0).lines());
        add(root.start(), document.contentEnd(root), rendering);
    }

    private void insertEntries(int insertAt, int column, Map<?, ?> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<String> lines = YamlWriter.block(entries, column).lines();
        add(insertAt, insertAt, lineBreakBefore(insertAt) + joinLines(lines) + document.newline);
    }

    /** New top-level keys go at the end of the document, before an explicit end marker. */
    private int topLevelInsertionPoint() {
        return document.explicitEnd >= 0 ? document.lineStart(document.explicitEnd) : document.text.length();
    }

    private String lineBreakBefore(int insertAt) {
        String text = document.text;
        return insertAt > 0 && insertAt == text.length() && text.charAt(insertAt - 1) != '\n' ? document.newline : "";
    }

    private Slot mapValueSlot(Entry entry) {
        return new Slot(
                SlotKind.MAP_VALUE,
                document.colonEnd(entry),
                document.column(entry.key().start()));
    }

    private Slot itemSlot(int dash) {
        return new Slot(SlotKind.SEQUENCE_ITEM, dash + 1, document.column(dash));
    }

    private static boolean containsAlias(Node node) {
        if (node instanceof YamlDocument.Alias) {
            return true;
        }
        if (node instanceof Mapping mapping) {
            return mapping.entries().stream()
                    .anyMatch(entry -> containsAlias(entry.key()) || containsAlias(entry.value()));
        }
        return node instanceof Sequence sequence
                && sequence.items().stream().anyMatch(ValuesEditPlanner::containsAlias);
    }

    private static boolean isBlockCollection(Node node) {
        return (node instanceof Mapping mapping && !mapping.flow())
                || (node instanceof Sequence sequence && !sequence.flow());
    }

    private static ScalarStyle styleOf(Node node) {
        return node instanceof Scalar scalar ? scalar.style() : ScalarStyle.PLAIN;
    }

    private static String comments(String first, String second) {
        StringBuilder out = new StringBuilder();
        if (first != null) {
            out.append(' ').append(first);
        }
        if (second != null) {
            out.append(' ').append(second);
        }
        return out.toString();
    }

    private String joinLines(List<String> lines) {
        return String.join(document.newline, lines);
    }

    private void add(int start, int end, String text) {
        edits.add(new Edit(start, end, text, edits.size()));
    }

    /**
     * Applies the edits from the end backwards so that earlier offsets stay valid. At one offset, a replaced range
     * goes first and insertions keep the order they were planned in (nested keys before their parent's new keys).
     */
    private String apply() {
        List<Edit> ordered = new ArrayList<>(edits);
        ordered.sort(Comparator.comparingInt(Edit::start)
                .reversed()
                .thenComparing(edit -> edit.end() == edit.start())
                .thenComparing(Comparator.comparingInt(Edit::order).reversed()));
        StringBuilder text = new StringBuilder(document.text);
        int limit = Integer.MAX_VALUE;
        for (Edit edit : ordered) {
            if (edit.end() > limit || edit.end() < edit.start()) {
                throw new IllegalStateException("Overlapping values edits at offset " + edit.start());
            }
            text.replace(edit.start(), edit.end(), edit.text());
            limit = edit.end() > edit.start() ? edit.start() : Math.min(limit, edit.start());
        }
        return text.toString();
    }
}
