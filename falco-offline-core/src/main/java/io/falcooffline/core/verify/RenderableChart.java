package io.falcooffline.core.verify;

import io.falcooffline.core.chart.Chart;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The output chart as it is rendered for verification, made to render what an install pulls under
 * {@code helm template} semantics:
 *
 * <ul>
 *   <li>Helm's engine prints a release's manifests but not its hooks, and a hook pod (such as a {@code helm test} pod)
 *       pulls an image too: each template's {@code helm.sh/hook} annotation keys are renamed to
 *       {@value #HOOK_ANNOTATION}, so that Helm prints hooks with the manifests and they stay recognisable.
 *   <li>{@code lookup} asks the cluster the engine is configured for; {@code helm template} has none, so every call
 *       returns an empty object. Each {@code lookup} in a template action becomes {@code pick dict}, which takes the
 *       same string arguments and returns that empty object without asking anything.
 * </ul>
 *
 * <p>A hook whose annotation key is not written literally in its template is still left out by Helm.
 */
final class RenderableChart {

    /** The annotation key hooks carry in the rendering copy. */
    static final String HOOK_ANNOTATION = "falco-offline.render/hook";

    private static final String HELM_HOOK = "helm.sh/hook";
    private static final String LOOKUP = "lookup";

    private RenderableChart() {}

    /** The chart and its subcharts with hooks made visible and {@code lookup} answered locally. */
    static Chart of(Chart chart) {
        Chart result = chart;
        for (Chart subchart : chart.subcharts()) {
            result = result.withSubchart(of(subchart));
        }
        for (Map.Entry<String, byte[]> file : chart.files().entrySet()) {
            if (!file.getKey().startsWith("templates/")) {
                continue;
            }
            String text = new String(file.getValue(), StandardCharsets.UTF_8);
            String renderable = withoutLookup(text).replace(HELM_HOOK, HOOK_ANNOTATION);
            if (!renderable.equals(text)) {
                result = result.withFile(file.getKey(), renderable.getBytes(StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    /**
     * The template with each {@code lookup} function inside a {@code {{ … }}} action replaced by {@code pick dict}.
     * Scanned by hand: the templates of a large chart are mostly text without any {@code lookup}, and a reluctant
     * regular expression over every action cost a cold run tens of milliseconds and much of its JIT compilation.
     */
    static String withoutLookup(String template) {
        if (!template.contains(LOOKUP)) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length());
        int from = 0;
        for (int open = template.indexOf("{{"); open >= 0; open = template.indexOf("{{", from)) {
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                break;
            }
            out.append(template, from, open);
            appendWithoutLookup(template, open, close + 2, out);
            from = close + 2;
        }
        return out.append(template, from, template.length()).toString();
    }

    /**
     * Appends the action {@code template[start, end)} with every {@code lookup} that is the function name replaced:
     * not part of a longer name, a field ({@code .Values.lookup}), a variable ({@code $lookup}) or a string.
     */
    private static void appendWithoutLookup(String template, int start, int end, StringBuilder out) {
        int from = start;
        for (int at = template.indexOf(LOOKUP, start);
                at >= 0 && at + LOOKUP.length() <= end;
                at = template.indexOf(LOOKUP, at + LOOKUP.length())) {
            int after = at + LOOKUP.length();
            boolean name = (at == start || !partOfName(template.charAt(at - 1), ".$"))
                    && (after == end || !partOfName(template.charAt(after), ""));
            if (name) {
                out.append(template, from, at).append("pick dict");
                from = after;
            }
        }
        out.append(template, from, end);
    }

    /** An ASCII word character, a quote or a dash, or one of {@code more}. */
    private static boolean partOfName(char c, String more) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '"'
                || c == '\''
                || c == '-'
                || more.indexOf(c) >= 0;
    }
}
