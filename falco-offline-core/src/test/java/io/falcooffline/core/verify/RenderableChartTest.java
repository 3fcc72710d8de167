package io.falcooffline.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link RenderableChart#withoutLookup} scans templates by hand; it must replace exactly what the regular expressions
 * it replaced did: each {@code lookup} that is a function name inside a {@code {{ … }}} action.
 */
class RenderableChartTest {

    private static final Pattern ACTION = Pattern.compile("\\{\\{.*?}}", Pattern.DOTALL);
    private static final Pattern LOOKUP = Pattern.compile("(?<![\\w.$\"'-])lookup(?![\\w\"'-])");

    /** Pieces that meet at every boundary the scanner checks: braces, name characters, quotes, fields, variables. */
    private static final String[] PIECES = {
        "lookup",
        "lookup",
        "{{",
        "}}",
        "{",
        "}",
        " ",
        "\n",
        ".",
        "$",
        "\"",
        "'",
        "-",
        "_",
        "x",
        "7",
        "(",
        ")",
        "é",
        "lookupx",
        "pick",
        "}}{{",
        ".Values.",
        "include"
    };

    @Test
    void shouldReplaceWhatTheRegularExpressionsReplacedOnGeneratedTemplates() {
        Random random = new Random(19);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder template = new StringBuilder();
            int pieces = random.nextInt(24);
            for (int p = 0; p < pieces; p++) {
                template.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String text = template.toString();
            assertThat(RenderableChart.withoutLookup(text)).as(text).isEqualTo(byRegularExpressions(text));
        }
    }

    @Test
    void shouldReturnATemplateWithoutLookupAsItIs() {
        String template = "{{ .Values.image.repository }}:{{ .Values.image.tag }}";

        assertThat(RenderableChart.withoutLookup(template)).isSameAs(template);
    }

    private static String byRegularExpressions(String template) {
        Matcher action = ACTION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (action.find()) {
            action.appendReplacement(
                    out, Matcher.quoteReplacement(LOOKUP.matcher(action.group()).replaceAll("pick dict")));
        }
        action.appendTail(out);
        return out.toString();
    }
}
