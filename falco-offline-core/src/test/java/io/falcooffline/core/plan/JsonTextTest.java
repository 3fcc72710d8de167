package io.falcooffline.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

class JsonTextTest {

    private static final JsonMapper INDENTING_MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Test
    void shouldWriteWhatJacksonsIndentingMapperWritesForEveryKindOfValue() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("text", "quote \" backslash \\ newline \n tab \t control \u0001 non-ASCII é ✓ 𝄞");
        tree.put("empty text", "");
        tree.put("int", 42);
        tree.put("long", 1L << 40);
        tree.put("negative", -7);
        tree.put("big integer", new BigInteger("123456789012345678901234567890"));
        tree.put("decimal", new BigDecimal("0.10"));
        tree.put("double", 2.5);
        tree.put("true", true);
        tree.put("false", false);
        tree.put("null", null);
        tree.put("empty list", List.of());
        tree.put("empty map", Map.of());
        List<Object> nested = new ArrayList<>();
        nested.add(Map.of("inner", List.of("a", "b")));
        nested.add(null);
        nested.add(List.of(List.of(1, 2), List.of()));
        tree.put("nested", nested);

        assertThat(JsonText.indented(tree)).isEqualTo(INDENTING_MAPPER.writeValueAsString(tree));
    }

    @Test
    void shouldRefuseAValueWithoutAJsonForm() {
        assertThatThrownBy(() -> JsonText.indented(Map.of("thread", Thread.currentThread())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Thread");
    }
}
