package io.falcooffline.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HelmValuesTest {

    private static Map<String, Object> yaml(String text) {
        return SafeYaml.loadMap(text, "test.yaml");
    }

    @Test
    void shouldMergeMapsAndReplaceListsAndScalarsWhenCoalescing() {
        Map<String, Object> base = yaml("""
                image: {registry: docker.io, repository: falcosecurity/falco, tag: ""}
                refs: [falco-rules:5, extra]
                tty: false
                """);
        Map<String, Object> override = yaml("""
                image: {registry: harbor.local, pullPolicy: Always}
                refs: [k8saudit-rules:0.16]
                tty: true
                """);

        assertThat(HelmValues.coalesce(base, override)).isEqualTo(yaml("""
                        image: {registry: harbor.local, repository: falcosecurity/falco, tag: "", pullPolicy: Always}
                        refs: [k8saudit-rules:0.16]
                        tty: true
                        """));
    }

    @Test
    void shouldKeepBaseOrderThenNewKeysWhenCoalescing() {
        Map<String, Object> result =
                HelmValues.coalesce(yaml("b: 1\na: {y: 1, x: 1}\nc: 1\n"), yaml("z: 1\na: {w: 2, x: 2}\nb: 2\n"));

        assertThat(result.keySet()).containsExactly("b", "a", "c", "z");
        assertThat(List.copyOf(((Map<?, ?>) result.get("a")).keySet())).isEqualTo(List.of("y", "x", "w"));
    }

    @Test
    void shouldDeleteKeysWhenOverrideSetsThemToNull() {
        Map<String, Object> base = yaml("a: 1\nb: {c: 1, d: {e: 1, f: 1}}\ng: [1]\n");
        Map<String, Object> override = yaml("a: null\nb: {d: {e: ~}}\ng: null\n");

        assertThat(HelmValues.coalesce(base, override)).isEqualTo(yaml("b: {c: 1, d: {f: 1}}\n"));
    }

    @Test
    void shouldKeepNullWhenBaseHasNoValueToDelete() {
        // Helm deletes only defaults; a null the chart never had stays a null (helm#32530, coalesce.go).
        Map<String, Object> result = HelmValues.coalesce(
                yaml("m: {present: null}\ntop: null\n"),
                yaml("m: {absent: null, present: null}\nnew: null\ntop: null\n"));

        assertThat(result).isEqualTo(yaml("m: {present: null, absent: null}\nnew: null\n"));
    }

    @Test
    void shouldKeepNullsUnderSubchartKeysWhenChartHasDependencies() {
        Map<String, Object> base = yaml("falcosidekick: {enabled: false, config: {debug: true}}\nother: {x: 1}\n");
        Map<String, Object> override = yaml("falcosidekick: {config: {debug: null}}\nother: {x: null}\n");

        assertThat(HelmValues.coalesce(base, override, Set.of("falcosidekick")))
                .isEqualTo(yaml("falcosidekick: {enabled: false, config: {debug: null}}\nother: {}\n"));
    }

    @Test
    void shouldReplaceWhenShapesDiffer() {
        Map<String, Object> result = HelmValues.coalesce(
                yaml("mapOverScalar: text\nscalarOverMap: {a: 1}\nlistOverMap: {a: 1}\nmapOverNull: null\n"),
                yaml("mapOverScalar: {a: 1}\nscalarOverMap: 3\nlistOverMap: [1]\nmapOverNull: {b: 2}\n"));

        assertThat(result)
                .isEqualTo(yaml("mapOverScalar: {a: 1}\nscalarOverMap: 3\nlistOverMap: [1]\nmapOverNull: {b: 2}\n"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReturnIndependentCopyWhenCoalescing() {
        Map<String, Object> base = yaml("a: {list: [1, 2]}\n");
        Map<String, Object> override = yaml("b: {c: [3]}\n");
        Map<String, Object> result = HelmValues.coalesce(base, override);

        ((List<Object>) HelmValues.get(result, "a.list").orElseThrow()).add(99);
        ((List<Object>) HelmValues.get(result, "b.c").orElseThrow()).add(99);

        assertThat(base).isEqualTo(yaml("a: {list: [1, 2]}\n"));
        assertThat(override).isEqualTo(yaml("b: {c: [3]}\n"));
    }

    @Test
    void shouldFoldValuesFilesLikeHelmWhenMergingLayers() {
        Map<String, Object> chart = yaml("image: {registry: docker.io, tag: \"\"}\nrefs: [a]\nx: {keep: 1}\n");
        Map<String, Object> first = yaml("image: {registry: one}\nrefs: [b]\nx: null\n");
        Map<String, Object> second = yaml("image: {tag: \"2\"}\nx: {new: 2}\n");

        // helm merges -f files first (the later map replaces the earlier null), then coalesces over the chart.
        assertThat(HelmValues.merge(List.of(chart, first, second)))
                .isEqualTo(yaml("image: {registry: one, tag: \"2\"}\nrefs: [b]\nx: {keep: 1, new: 2}\n"));
        assertThat(HelmValues.merge(List.of(chart))).isEqualTo(chart).isNotSameAs(chart);
    }

    @Test
    void shouldEqualSuccessiveCoalescingWhenLayersHaveNoNulls() {
        Map<String, Object> chart = yaml("a: {b: 1, c: [1]}\nd: 1\n");
        Map<String, Object> first = yaml("a: {b: 2}\ne: 1\n");
        Map<String, Object> second = yaml("a: {c: [2], f: 3}\nd: 4\n");

        assertThat(HelmValues.merge(List.of(chart, first, second)))
                .isEqualTo(HelmValues.coalesce(HelmValues.coalesce(chart, first), second));
    }

    @Test
    void shouldReadValuesWhenPathHasKeysIndicesAndQuotedKeys() {
        Map<String, Object> values = yaml("""
                falcoctl: {config: {artifact: {install: {refs: [falco-rules:5, x]}}}}
                podAnnotations: {"app.kubernetes.io/name": falco}
                ports: {80: http}
                empty: null
                """);

        assertThat(HelmValues.get(values, "falcoctl.config.artifact.install.refs[1]"))
                .contains("x");
        assertThat(HelmValues.get(values, "podAnnotations[\"app.kubernetes.io/name\"]"))
                .contains("falco");
        assertThat(HelmValues.get(values, "ports.80")).contains("http");
        assertThat(HelmValues.get(values, "falcoctl.config.artifact.install.refs[2]"))
                .isEmpty();
        assertThat(HelmValues.get(values, "falcoctl.config.nothing.here")).isEmpty();
        assertThat(HelmValues.get(values, "falcoctl[0]")).isEmpty();
        assertThat(HelmValues.get(values, "empty")).isEmpty();
        assertThat(HelmValues.get(values, "")).isEqualTo(Optional.of(values));
    }

    @Test
    void shouldSetValueInCopyWhenPathLeadsThroughNewMaps() {
        Map<String, Object> values = yaml("image: {registry: docker.io}\nrefs: [a]\n");

        Map<String, Object> changed = HelmValues.with(values, ValuesPath.parse("image.registry"), "harbor");
        changed = HelmValues.with(changed, ValuesPath.parse("new.deep[\"a.b\"]"), 1);
        changed = HelmValues.with(changed, ValuesPath.parse("refs[1]"), "b");
        changed = HelmValues.with(changed, ValuesPath.parse("refs[0]"), "z");

        assertThat(changed).isEqualTo(yaml("image: {registry: harbor}\nrefs: [z, b]\nnew: {deep: {\"a.b\": 1}}\n"));
        assertThat(values).isEqualTo(yaml("image: {registry: docker.io}\nrefs: [a]\n"));
        assertThatThrownBy(() -> HelmValues.with(values, ValuesPath.parse("refs[5]"), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the list at refs has only 1 items");
        assertThatThrownBy(() -> HelmValues.with(values, ValuesPath.parse("image.registry.host"), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the value at image.registry is not a map");
    }

    @Test
    void shouldSetValueInPlaceWhenCallerOwnsTheValues() {
        Map<String, Object> values = HelmValues.deepCopy(yaml("image: {registry: docker.io}\nrefs: [a]\n"));
        Map<String, Object> image = HelmValues.deepCopy(Map.of("tag", "1.0"));

        HelmValues.set(values, ValuesPath.parse("image.registry"), "harbor");
        HelmValues.set(values, ValuesPath.parse("refs[1]"), "b");
        HelmValues.set(values, ValuesPath.parse("sidecar.image"), image);
        image.put("tag", "changed");

        assertThat(values).isEqualTo(yaml("image: {registry: harbor}\nrefs: [a, b]\nsidecar: {image: {tag: '1.0'}}\n"));
        assertThatThrownBy(() -> HelmValues.set(values, ValuesPath.root(), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HelmValues.set(values, ValuesPath.parse("refs[5]"), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the list at refs has only 2 items");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldRefuseChangesAtAnyDepthWhenCopiedUnmodifiable() {
        List<Object> inner = new ArrayList<>(List.of(1));
        Map<String, Object> original = new HashMap<>(Map.of("list", inner, "map", new HashMap<>(Map.of("a", 1))));

        Map<String, Object> copy = HelmValues.unmodifiableCopy(original);
        inner.add(2);

        assertThat(copy).isEqualTo(Map.of("list", List.of(1), "map", Map.of("a", 1)));
        assertThatThrownBy(() -> copy.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) copy.get("list")).add(3))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Map<String, Object>) copy.get("map")).clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldCompareWholeNumbersNumericallyWhenTypesDiffer() {
        Map<String, Object> left = new HashMap<>(Map.of("a", 1, "b", List.of(2L), "c", 1.5));
        Map<String, Object> right = new HashMap<>(Map.of("a", 1L, "b", List.of(BigInteger.valueOf(2)), "c", 1.5f));

        assertThat(HelmValues.deepEquals(left, right)).isTrue();
        assertThat(HelmValues.deepEquals(1, 1.0)).isFalse();
        assertThat(HelmValues.deepEquals(Map.of("a", 1), Map.of("a", 2))).isFalse();
        assertThat(HelmValues.deepEquals(List.of(1, 2), List.of(2, 1))).isFalse();
        assertThat(HelmValues.deepEquals(Map.of("a", 1), Map.of("b", 1))).isFalse();
        assertThat(HelmValues.deepEquals(null, null)).isTrue();
    }

    @Test
    void shouldCopyDeeplyWhenAskedForCopy() {
        List<Object> inner = new ArrayList<>(List.of(1));
        Map<String, Object> original = new HashMap<>(Map.of("list", inner));

        Map<String, Object> copy = HelmValues.deepCopy(original);
        inner.add(2);

        assertThat(copy).isEqualTo(Map.of("list", List.of(1)));
    }
}
