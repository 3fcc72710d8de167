package io.falcooffline.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidYamlException;
import io.falcooffline.core.yaml.ValuesEditor.Change;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ValuesEditorTest {

    /** Applies {@code edit} to the values of {@code original}, rewrites, and checks the result reads back. */
    private static String rewrite(String original, UnaryOperator<Map<String, Object>> edit) {
        Map<String, Object> desired = edit.apply(SafeYaml.loadMap(original, "values.yaml"));
        ValuesEditor.Result result = ValuesEditor.rewrite(original, desired, "values.yaml");
        assertThat(HelmValues.deepEquals(SafeYaml.loadMap(result.text(), "rewritten"), desired))
                .as("reads back as desired:%n%s", result.text())
                .isTrue();
        assertThat(ValuesEditor.rewriteInPlace(original, desired, "values.yaml"))
                .as("the line-by-line edit alone gives the same text")
                .isEqualTo(result.text());
        return result.text();
    }

    private static UnaryOperator<Map<String, Object>> set(Object... pathsAndValues) {
        return values -> {
            Map<String, Object> changed = values;
            for (int i = 0; i < pathsAndValues.length; i += 2) {
                changed = HelmValues.with(changed, ValuesPath.parse((String) pathsAndValues[i]), pathsAndValues[i + 1]);
            }
            return changed;
        };
    }

    private static Map<String, Object> yaml(String text) {
        return SafeYaml.loadMap(text, "inline.yaml");
    }

    @Test
    void shouldReplaceScalarOnItsLineWhenValueChanges() {
        String original = """
                # Registry settings
                image:
                  # -- where images come from
                  registry: docker.io # default
                  repository: falcosecurity/falco

                tag: 0.44.0
                """;

        assertThat(rewrite(original, set("image.registry", "192.168.5.96:30003", "tag", "0.45.0")))
                .isEqualTo("""
                        # Registry settings
                        image:
                          # -- where images come from
                          registry: 192.168.5.96:30003 # default
                          repository: falcosecurity/falco

                        tag: 0.45.0
                        """);
    }

    @Test
    void shouldQuoteStringsWhenPlainTextWouldReadAsAnotherType() {
        String original =
                "a: x\nb: x\nc: x\nd: x\ne: x\nf: x\ng: x\nh: x\ni: x\nj: x\nk: x\nl: x\nm: x\nn: x\no: x\np: x\n";

        String rewritten = rewrite(
                original,
                set(
                        "a",
                        "1.0",
                        "b",
                        "true",
                        "c",
                        "null",
                        "d",
                        "",
                        "e",
                        "0123",
                        "f",
                        "a: b",
                        "g",
                        "a #b",
                        "h",
                        "y",
                        "i",
                        "1e3",
                        "j",
                        "2026-01-01",
                        "k",
                        "0.44.0",
                        "l",
                        "~",
                        "m",
                        "-",
                        "n",
                        "@x",
                        "o",
                        "0x1F",
                        "p",
                        " lead"));

        assertThat(rewritten).isEqualTo("""
                        a: "1.0"
                        b: "true"
                        c: "null"
                        d: ""
                        e: "0123"
                        f: "a: b"
                        g: "a #b"
                        h: "y"
                        i: "1e3"
                        j: "2026-01-01"
                        k: 0.44.0
                        l: "~"
                        m: "-"
                        n: "@x"
                        o: "0x1F"
                        p: " lead"
                        """);
    }

    @Test
    void shouldWriteTypedScalarsPlainWhenValuesAreNotStrings() {
        String original = "a: x\nb: x\nc: x\nd: x\ne: x\n";

        assertThat(rewrite(original, set("a", 3, "b", false, "c", null, "d", 1.5, "e", 12345678901L)))
                .isEqualTo("a: 3\nb: false\nc: null\nd: 1.5\ne: 12345678901\n");
    }

    @Test
    void shouldKeepQuoteStyleWhenOriginalWasQuoted() {
        String original = "single: 'old' # s\ndouble: \"old\"\nplain: old\nnumber: \"3\"\n";

        assertThat(rewrite(original, set("single", "it's new", "double", "new", "plain", "new", "number", 4)))
                .isEqualTo("single: 'it''s new' # s\ndouble: \"new\"\nplain: new\nnumber: 4\n");
    }

    @Test
    void shouldWriteBlocksWhenShapeChanges() {
        String original = """
                tolerations: none # comment
                nodeSelector:
                  # which nodes
                  disk: ssd
                args:
                  - a
                  - b
                next: 1
                """;

        String rewritten = rewrite(
                original,
                set(
                        "tolerations", List.of(Map.of("effect", "NoSchedule")),
                        "nodeSelector", "all",
                        "args", Map.of("x", 1)));

        assertThat(rewritten).isEqualTo("""
                        tolerations: # comment
                          - effect: NoSchedule
                        nodeSelector: all
                        args:
                          x: 1
                        next: 1
                        """);
    }

    @Test
    void shouldKeepShortFlowListsWhenFlowOriginalChanges() {
        String original = """
                install:
                  refs: [falco-rules:5] # what to install
                  load_plugins: []
                  long: [a]
                """;

        String rewritten = rewrite(
                original,
                set(
                        "install.refs", List.of("192.168.5.96:30003/falcosecurity/rules/falco-rules:5"),
                        "install.load_plugins", List.of("k8saudit", "json", "1.0"),
                        "install.long", List.of("x".repeat(70), "y".repeat(70))));

        assertThat(rewritten).isEqualTo("""
                        install:
                          refs: [192.168.5.96:30003/falcosecurity/rules/falco-rules:5] # what to install
                          load_plugins: [k8saudit, json, "1.0"]
                          long:
                            - %s
                            - %s
                        """.formatted("x".repeat(70), "y".repeat(70)));
    }

    @Test
    void shouldWriteBlockWhenEmptyFlowCollectionGetsContent() {
        String original = """
                podAnnotations: {}
                falco:
                  plugins: []

                  # -- next
                  json_output: false
                """;

        String rewritten = rewrite(
                original,
                set(
                        "podAnnotations", Map.of("app.kubernetes.io/name", "falco"),
                        "falco.plugins", List.of(ordered("name", "k8saudit", "init_config", ""))));

        assertThat(rewritten).isEqualTo("""
                        podAnnotations:
                          app.kubernetes.io/name: falco
                        falco:
                          plugins:
                            - name: k8saudit
                              init_config: ""

                          # -- next
                          json_output: false
                        """);
    }

    @Test
    void shouldInsertNewKeysAfterLastChildWhenParentGainsKeys() {
        String original = """
                image:
                  registry: docker.io
                  tag: ""

                # -- next section
                driver:
                  enabled: true
                  kmod:
                    bufSizePreset: 4
                  # -- trailing comment of driver
                collectors: {}
                """;

        String rewritten = rewrite(
                original,
                set(
                        "image.pullPolicy",
                        "Always",
                        "image.auth",
                        Map.of("user", "u"),
                        "driver.kmod.extra",
                        true,
                        "driver.kind",
                        "ebpf"));

        assertThat(rewritten).isEqualTo("""
                        image:
                          registry: docker.io
                          tag: ""
                          pullPolicy: Always
                          auth:
                            user: u

                        # -- next section
                        driver:
                          enabled: true
                          kmod:
                            bufSizePreset: 4
                            extra: true
                          kind: ebpf
                          # -- trailing comment of driver
                        collectors: {}
                        """);
    }

    @Test
    void shouldAppendTopLevelKeysAtEndOfFileWhenNew() {
        assertThat(rewrite("a: 1\n# the end\n", set("b", Map.of("c", List.of(1)), "d", "x")))
                .isEqualTo("a: 1\n# the end\nb:\n  c:\n    - 1\nd: x\n");
        assertThat(rewrite("a: 1", set("b", 2))).isEqualTo("a: 1\nb: 2\n");
        assertThat(rewrite("# only a comment\n", set("b", 2))).isEqualTo("# only a comment\nb: 2\n");
        assertThat(rewrite("", set("b", 2))).isEqualTo("b: 2\n");
    }

    @Test
    void shouldDeleteKeyLinesAndValueBlockWhenKeyIsRemoved() {
        String original = """
                a: 1
                # about b
                b:
                  c: 1
                  # inner
                  d: |
                    text
                e: 2 # e
                f:
                  g: 1
                  h: 2
                """;

        String rewritten = rewrite(original, values -> {
            values.remove("b");
            values.remove("e");
            ((Map<?, ?>) values.get("f")).remove("h");
            return values;
        });

        assertThat(rewritten).isEqualTo("""
                        a: 1
                        # about b
                        f:
                          g: 1
                        """);
    }

    @Test
    void shouldEditLastOccurrenceWhenKeyIsDuplicated() {
        String original = "a: 1 # first\nb: 2\na: 3 # last\n";

        assertThat(rewrite(original, set("a", 4))).isEqualTo("a: 1 # first\nb: 2\na: 4 # last\n");
        assertThat(rewrite(original, values -> {
                    values.remove("a");
                    return values;
                }))
                .isEqualTo("b: 2\n");
    }

    @Test
    void shouldKeepSpecialKeysWhenEditingBesideThem() {
        String original = """
                podAnnotations:
                  "app.kubernetes.io/name": falco
                  prometheus.io/scrape: "true"
                  'single quoted': x
                """;

        String rewritten = rewrite(
                original,
                set(
                        "podAnnotations[\"app.kubernetes.io/name\"]", "falco-offline",
                        "podAnnotations['single quoted']", "q",
                        "podAnnotations[\"x:y\"]", "z",
                        "podAnnotations[\"on\"]", "w"));

        assertThat(rewritten).isEqualTo("""
                        podAnnotations:
                          "app.kubernetes.io/name": falco-offline
                          prometheus.io/scrape: "true"
                          'single quoted': q
                          "x:y": z
                          "on": w
                        """);
    }

    @Test
    void shouldEditInsideListItemsWhenItemsAreMaps() {
        String original = """
                plugins:
                  - name: k8saudit
                    library_path: libk8saudit.so
                    init_config: ""
                  - name: json # the json plugin
                    library_path: libjson.so
                """;

        String rewritten = rewrite(
                original,
                set(
                        "plugins[1].library_path", "/usr/share/falco/plugins/libjson.so",
                        "plugins[0].open_params", "http://:9765/k8s-audit"));
        assertThat(rewritten).isEqualTo("""
                        plugins:
                          - name: k8saudit
                            library_path: libk8saudit.so
                            init_config: ""
                            open_params: http://:9765/k8s-audit
                          - name: json # the json plugin
                            library_path: /usr/share/falco/plugins/libjson.so
                        """);

        String withoutFirstKey = rewrite(original, values -> {
            List<?> plugins = (List<?>) values.get("plugins");
            ((Map<?, ?>) plugins.get(0)).remove("name");
            ((Map<?, ?>) plugins.get(1)).remove("name");
            return values;
        });
        assertThat(withoutFirstKey).isEqualTo("""
                        plugins:
                          - library_path: libk8saudit.so
                            init_config: ""
                          - library_path: libjson.so
                        """);
    }

    @Test
    void shouldInsertAndDeleteItemsWhenListLengthChanges() {
        String original = """
                rules_files:
                  - /etc/falco/falco_rules.yaml
                  - /etc/falco/falco_rules.local.yaml # local
                  - /etc/falco/rules.d
                tolerations:
                - key: a
                - key: b
                """;

        String rewritten = rewrite(
                original,
                set(
                        "rules_files", List.of("/etc/falco/k8s_audit_rules.yaml", "/etc/falco/rules.d"),
                        "tolerations", List.of(Map.of("key", "first"), Map.of("key", "a"), Map.of("key", "b"))));
        assertThat(rewritten).isEqualTo("""
                        rules_files:
                          - /etc/falco/k8s_audit_rules.yaml
                          - /etc/falco/rules.d
                        tolerations:
                        - key: first
                        - key: a
                        - key: b
                        """);

        String appended = rewrite(
                original,
                set(
                        "rules_files",
                        List.of(
                                "/etc/falco/falco_rules.yaml",
                                "/etc/falco/falco_rules.local.yaml",
                                "/etc/falco/rules.d",
                                "/extra",
                                Map.of("k", "v")),
                        "tolerations",
                        List.of(Map.of("key", "a"))));
        assertThat(appended).isEqualTo("""
                        rules_files:
                          - /etc/falco/falco_rules.yaml
                          - /etc/falco/falco_rules.local.yaml # local
                          - /etc/falco/rules.d
                          - /extra
                          - k: v
                        tolerations:
                        - key: a
                        """);
    }

    @Test
    void shouldReplaceItemWithBlockWhenScalarItemBecomesMap() {
        assertThat(rewrite("l:\n  - a # c\n  - b\n", set("l[0]", ordered("x", 1, "ports", List.of(2)))))
                .isEqualTo("l:\n  - x: 1\n    ports:\n      - 2 # c\n  - b\n");
    }

    @Test
    void shouldKeepLiteralBlocksWhenTheyAreUntouchedOrStillMultiLine() {
        String original = """
                customRules:
                  rules.yaml: |-
                    - rule: x
                      desc: y

                  # -- other
                  other: 1
                """;

        assertThat(rewrite(original, set("customRules.other", 2))).isEqualTo(original.replace("other: 1", "other: 2"));
        assertThat(rewrite(
                        original,
                        set(
                                "customRules[\"rules.yaml\"]", "- rule: z\n  desc: w",
                                "customRules.new", "line 1\nline 2\n")))
                .isEqualTo("""
                        customRules:
                          rules.yaml: |-
                            - rule: z
                              desc: w

                          # -- other
                          other: 1
                          new: |
                            line 1
                            line 2
                        """);
        assertThat(rewrite(original, set("customRules[\"rules.yaml\"]", "single")))
                .isEqualTo(original.replace("|-\n    - rule: x\n      desc: y", "single"));
    }

    @Test
    void shouldInsertBlockAfterKeyWhenValueWasEmpty() {
        String original = """
                services:
                  # Example configuration
                  # - name: k8saudit-webhook

                # -- metrics
                metrics: {}
                """;

        assertThat(rewrite(
                        original,
                        set(
                                "services",
                                List.of(ordered(
                                        "name",
                                        "k8saudit-webhook",
                                        "ports",
                                        List.of(ordered("port", 9765, "protocol", "TCP")))))))
                .isEqualTo("""
                        services:
                          - name: k8saudit-webhook
                            ports:
                              - port: 9765
                                protocol: TCP
                          # Example configuration
                          # - name: k8saudit-webhook

                        # -- metrics
                        metrics: {}
                        """);
    }

    @Test
    void shouldKeepWindowsLineBreaksWhenFileUsesThem() {
        String original = "a:\r\n  b: 1 # c\r\n\r\nd: 2\r\n";

        assertThat(rewrite(original, set("a.b", 3, "a.e", List.of("x"), "f", 4)))
                .isEqualTo("a:\r\n  b: 3 # c\r\n  e:\r\n    - x\r\n\r\nd: 2\r\nf: 4\r\n");
    }

    @Test
    void shouldReturnTextUnchangedWhenNothingDiffers() {
        String original = "# c\na: 1\nb: [1, 2]\n";

        ValuesEditor.Result result = ValuesEditor.rewrite(original, yaml("b: [1, 2]\na: 1\n"), "values.yaml");

        assertThat(result.text()).isSameAs(original);
        assertThat(result.changes()).isEmpty();
    }

    @Test
    void shouldRewriteLoadedValuesAsItRewritesTheirText() {
        String original = "# c\nimage:\n  registry: docker.io # default\ntag: 1\n";
        Map<String, Object> desired = yaml("image: {registry: harbor}\ntag: 2\nnew: x\n");

        ValuesEditor.Result fromText = ValuesEditor.rewrite(original, desired, "values.yaml");
        ValuesEditor.Result fromLoaded =
                ValuesEditor.rewrite(LoadedYaml.load(original, "values.yaml"), desired, "values.yaml");

        assertThat(fromLoaded.text()).isEqualTo(fromText.text());
        assertThat(fromLoaded.changes()).isEqualTo(fromText.changes());
        assertThat(fromLoaded.values())
                .as("the values the text was checked to load as")
                .isEqualTo(SafeYaml.loadMap(fromText.text(), "rewritten"))
                .isEqualTo(fromText.values());
        assertThat(ValuesEditor.rewrite(original, yaml(original), "values.yaml").values())
                .isEqualTo(yaml(original));
    }

    @Test
    void shouldReportEachChangeWhenValuesDiffer() {
        String original = "a: {b: 1, c: 2}\nl: [1, 2]\nm: [1]\ngone: x\n";
        Map<String, Object> desired = yaml("a: {b: 5, c: 2, d: 3}\nl: [1, 3]\nm: [1, 2]\nnew: {x: 1}\n");

        List<Change> changes =
                ValuesEditor.rewrite(original, desired, "values.yaml").changes();

        assertThat(changes)
                .containsExactly(
                        new Change(ValuesPath.parse("a.b"), 1, 5),
                        new Change(ValuesPath.parse("a.d"), null, 3),
                        new Change(ValuesPath.parse("l[1]"), 2, 3),
                        new Change(ValuesPath.parse("m"), List.of(1), List.of(1, 2)),
                        new Change(ValuesPath.parse("gone"), "x", null),
                        new Change(ValuesPath.parse("new"), null, Map.of("x", 1)));
    }

    @Test
    void shouldStillReadBackAsDesiredWhenAnchorsShareChangedValues() {
        String original = "# keep\nbase: &base\n  port: 80\nweb: *base\nother: 1\n";
        Map<String, Object> desired = yaml("base: {port: 81}\nweb: {port: 80}\nother: 2\n");

        ValuesEditor.Result result = ValuesEditor.rewrite(original, desired, "values.yaml");

        assertThat(HelmValues.deepEquals(SafeYaml.loadMap(result.text(), "r"), desired))
                .isTrue();
        assertThat(result.text()).isEqualTo("# keep\nbase:\n  port: 81\nweb:\n  port: 80\nother: 2\n");
    }

    @Test
    void shouldNameTheFileWhenOriginalIsInvalid() {
        assertThatThrownBy(() -> ValuesEditor.rewrite("a: [\n", Map.of(), "charts/x/values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageStartingWith("charts/x/values.yaml line 2, column 1 is not valid YAML");
    }

    @Test
    void shouldNameThePathWhenDesiredValueCannotBeWritten() {
        Map<String, Object> desired = Map.of("a", Map.of("when", LocalDate.of(2026, 1, 1)));

        assertThatThrownBy(() -> ValuesEditor.rewrite("a: 1\n", desired, "values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("values.yaml: the value at a.when is a java.time.LocalDate");
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
