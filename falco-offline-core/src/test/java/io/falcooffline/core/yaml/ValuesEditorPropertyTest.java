package io.falcooffline.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random edits of a sample values file: the line-by-line rewrite must always read back as the desired values. */
class ValuesEditorPropertyTest {

    private static final int RUNS = 1000;

    private static final List<Object> SCALARS = List.of(
            "plain",
            "0.44.0",
            "1.0",
            "true",
            "yes",
            "y",
            "N",
            "null",
            "",
            " spaced ",
            "a: b",
            "a #b",
            "#x",
            "- x",
            "[x]",
            "{x}",
            "it's",
            "quote\"d",
            "back\\slash",
            "multi\nline",
            "multi\nline\n",
            "two\n\nparagraphs\n",
            " indented\nfirst",
            "trailing space \nline",
            "tab\there",
            "ünïcödé",
            "emoji \uD83D\uDE00",
            "2026-01-01",
            "0123",
            "0x1F",
            "1e3",
            "1_000",
            "+inf",
            "~",
            "*alias",
            "&anchor",
            "!tag",
            "%x",
            "@x",
            "`x",
            "key:",
            "http://:9765/k8s-audit",
            "192.168.5.96:30003/falco/falco:0.44.0",
            "|",
            ">",
            "-",
            "?",
            ":",
            ",",
            "<<",
            "\u0007bell",
            0,
            -1,
            42,
            12345678901L,
            1.5,
            -2.5e-10,
            1.0e20,
            Double.NaN,
            true,
            false);
    private static final List<String> NEW_KEYS = List.of(
            "new",
            "app.kubernetes.io/name",
            "with space",
            "on",
            "y",
            "1",
            "x:y",
            "-dash",
            "#hash",
            "",
            "quote\"key",
            "ünï",
            "<<",
            "? q",
            "key with: colon");

    private final String sample = readSample();

    @Test
    void shouldReadBackAsDesiredWhenEditsAreRandom() {
        Map<String, Object> original = SafeYaml.loadMap(sample, "sample-values.yaml");
        List<String> sampleLines = sample.lines().toList();
        for (int seed = 0; seed < RUNS; seed++) {
            Random random = new Random(seed);
            Map<String, Object> desired = HelmValues.deepCopy(original);
            int edits = 1 + random.nextInt(4);
            for (int i = 0; i < edits; i++) {
                mutate(desired, random);
            }

            String rewritten = ValuesEditor.rewriteInPlace(sample, desired, "sample-values.yaml");

            assertThat(HelmValues.deepEquals(SafeYaml.loadMap(rewritten, "rewritten"), desired))
                    .as("seed %d: desired %s, got:%n%s", seed, desired, rewritten)
                    .isTrue();
            List<String> lines = rewritten.lines().toList();
            assertThat(lines.get(0)).as("seed %d", seed).isEqualTo(sampleLines.get(0));
            assertThat(lines).as("seed %d", seed).contains("# The last comment.");
        }
    }

    @Test
    void shouldChangeOnlyTheLinesOfChangedScalarsWhenEditsReplaceSingleLineScalars() {
        Map<String, Object> original = SafeYaml.loadMap(sample, "sample-values.yaml");
        List<ValuesPath> singleLineScalars = new ArrayList<>();
        collectScalarPaths(original, ValuesPath.root(), singleLineScalars);
        // Block scalars span lines, and a changed flow map is rewritten as a block.
        singleLineScalars.removeIf(path -> path.segments().contains("customRules")
                || path.segments().contains("podLabels")
                || path.segments().contains("multiline plain")
                || path.segments().contains("folded"));
        List<String> sampleLines = sample.lines().toList();
        for (int seed = 0; seed < RUNS; seed++) {
            Random random = new Random(seed);
            Map<String, Object> desired = original;
            int edits = 1 + random.nextInt(3);
            for (int i = 0; i < edits; i++) {
                ValuesPath path = singleLineScalars.get(random.nextInt(singleLineScalars.size()));
                Object value = SCALARS.get(random.nextInt(SCALARS.size()));
                if (value instanceof String text && text.contains("\n")) {
                    value = text.replace('\n', ' ');
                }
                desired = HelmValues.with(desired, path, value);
            }

            String rewritten = ValuesEditor.rewriteInPlace(sample, desired, "sample-values.yaml");

            assertThat(HelmValues.deepEquals(SafeYaml.loadMap(rewritten, "rewritten"), desired))
                    .as("seed %d:%n%s", seed, rewritten)
                    .isTrue();
            List<String> lines = rewritten.lines().toList();
            assertThat(lines).as("seed %d: same line count", seed).hasSameSizeAs(sampleLines);
            int differing = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).equals(sampleLines.get(i))) {
                    differing++;
                }
            }
            assertThat(differing).as("seed %d: lines changed", seed).isLessThanOrEqualTo(edits);
        }
    }

    @SuppressWarnings("unchecked")
    private static void mutate(Map<String, Object> root, Random random) {
        List<Object> containers = new ArrayList<>();
        collectContainers(root, containers);
        Object container = containers.get(random.nextInt(containers.size()));
        if (container instanceof Map<?, ?> rawMap) {
            Map<Object, Object> map = (Map<Object, Object>) rawMap;
            List<Object> keys = new ArrayList<>(map.keySet());
            int operation = keys.isEmpty() ? 2 : random.nextInt(3);
            if (operation == 0) {
                map.remove(keys.get(random.nextInt(keys.size())));
            } else if (operation == 1) {
                map.put(keys.get(random.nextInt(keys.size())), randomValue(random, 2));
            } else {
                map.put(NEW_KEYS.get(random.nextInt(NEW_KEYS.size())), randomValue(random, 2));
            }
        } else {
            List<Object> list = (List<Object>) container;
            int operation = list.isEmpty() ? 2 : random.nextInt(3);
            if (operation == 0) {
                list.remove(random.nextInt(list.size()));
            } else if (operation == 1) {
                list.set(random.nextInt(list.size()), randomValue(random, 2));
            } else {
                list.add(random.nextInt(list.size() + 1), randomValue(random, 2));
            }
        }
    }

    private static Object randomValue(Random random, int depth) {
        int kind = depth == 0 ? 0 : random.nextInt(10);
        if (kind < 6) {
            return SCALARS.get(random.nextInt(SCALARS.size()));
        }
        int size = random.nextInt(4);
        if (kind < 8) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                map.put(
                        random.nextBoolean() ? "k" + i : NEW_KEYS.get(random.nextInt(NEW_KEYS.size())),
                        randomValue(random, depth - 1));
            }
            return map;
        }
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            list.add(randomValue(random, depth - 1));
        }
        return list;
    }

    private static void collectContainers(Object value, List<Object> containers) {
        if (value instanceof Map<?, ?> map) {
            containers.add(map);
            map.values().forEach(item -> collectContainers(item, containers));
        } else if (value instanceof List<?> list) {
            containers.add(list);
            list.forEach(item -> collectContainers(item, containers));
        }
    }

    private static void collectScalarPaths(Object value, ValuesPath path, List<ValuesPath> paths) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collectScalarPaths(item, path.child((String) key), paths));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectScalarPaths(list.get(i), path.child(i), paths);
            }
        } else if (!path.isRoot()) {
            paths.add(path);
        }
    }

    private static String readSample() {
        try (InputStream in = ValuesEditorPropertyTest.class.getResourceAsStream("sample-values.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
