package io.falcooffline.core.verify;

import io.falcooffline.core.chart.Chart;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern ACTION = Pattern.compile("\\{\\{.*?}}", Pattern.DOTALL);
    /** The function name, not a field ({@code .Values.lookup}), variable, longer name or string ({@code "lookup"}). */
    private static final Pattern LOOKUP = Pattern.compile("(?<![\\w.$\"'-])lookup(?![\\w\"'-])");

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

    static String withoutLookup(String template) {
        Matcher action = ACTION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (action.find()) {
            String replaced = LOOKUP.matcher(action.group()).replaceAll("pick dict");
            action.appendReplacement(out, Matcher.quoteReplacement(replaced));
        }
        action.appendTail(out);
        return out.toString();
    }
}
