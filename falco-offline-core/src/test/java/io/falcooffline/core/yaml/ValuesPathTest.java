package io.falcooffline.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesPathTest {

    @Test
    void shouldReadKeysAndIndicesWhenPathIsDotted() {
        assertThat(ValuesPath.parse("falcoctl.config.artifact.install.refs[0]").segments())
                .containsExactly("falcoctl", "config", "artifact", "install", "refs", 0);
    }

    @Test
    void shouldReadQuotedKeysWhenTheyHoldDotsAndSlashes() {
        assertThat(ValuesPath.parse("podAnnotations[\"app.kubernetes.io/name\"].x")
                        .segments())
                .containsExactly("podAnnotations", "app.kubernetes.io/name", "x");
        assertThat(ValuesPath.parse("a['single \\' quoted']").segments()).containsExactly("a", "single ' quoted");
        assertThat(ValuesPath.parse("[\"a.b\"][2][3]").segments()).containsExactly("a.b", 2, 3);
    }

    @Test
    void shouldWriteTheCanonicalFormWhenPrinted() {
        ValuesPath path = ValuesPath.of("annotations", "app.kubernetes.io/name", "say \"hi\" \\", "plain_key-1")
                .child(0);

        assertThat(path).hasToString("annotations[\"app.kubernetes.io/name\"][\"say \\\"hi\\\" \\\\\"].plain_key-1[0]");
        assertThat(ValuesPath.parse(path.toString())).isEqualTo(path);
        assertThat(ValuesPath.of("", "a")).hasToString("[\"\"].a");
        assertThat(ValuesPath.parse("[\"\"].a")).isEqualTo(ValuesPath.of("", "a"));
    }

    @Test
    void shouldBeTheRootWhenPathIsEmpty() {
        assertThat(ValuesPath.parse("")).isEqualTo(ValuesPath.root());
        assertThat(ValuesPath.root().isRoot()).isTrue();
        assertThat(ValuesPath.root()).hasToString("");
        assertThat(ValuesPath.parse("a.b").parent()).isEqualTo(ValuesPath.of("a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {".a", "a.", "a..b", "a[", "a[x]", "a[0", "a[\"x]", "a b", "a]b", "a[-1]"})
    void shouldNameThePositionWhenPathIsMalformed(String path) {
        assertThatThrownBy(() -> ValuesPath.parse(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid values path '" + path + "' at character ");
    }

    @Test
    void shouldRejectSegmentsWhenNeitherKeyNorIndex() {
        assertThatThrownBy(() -> new ValuesPath(List.of("a", 1.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("String key or an Integer index");
    }
}
