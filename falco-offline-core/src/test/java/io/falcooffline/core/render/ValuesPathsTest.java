package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesPathsTest {

    @Test
    void shouldReadKeysIndicesAndQuotedKeysWhenGivenAPlanPath() {
        assertThat(ValuesPaths.parse("falcoctl.config.artifact.install.refs[0]"))
                .containsExactly("falcoctl", "config", "artifact", "install", "refs", 0);
        assertThat(ValuesPaths.parse("a.b[0][\"x.y\"]")).containsExactly("a", "b", 0, "x.y");
        assertThat(ValuesPaths.parse("[\"say \\\"hi\\\"\"].c\\d")).containsExactly("say \"hi\"", "c\\d");
        assertThat(ValuesPaths.parse("image")).isEqualTo(List.of("image"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a..b", ".a", "a.", "a[", "a[x]", "a[\"x\"", "a[0]b"})
    void shouldRefuseWhenTheTextIsNotAValuesPath(String text) {
        assertThatThrownBy(() -> ValuesPaths.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Not a values path: " + text);
    }
}
