package io.falcooffline.core.falco;

import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.reference.FoundReference.Form;
import io.falcooffline.core.reference.ReferenceConventions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Falco chart writes as references beyond image blocks and strings, for the generic reference stage: the
 * falcoctl install and follow refs ({@code falcoctl.config.artifact.*.refs}, short names resolved through the
 * falcoctl index), the plugin refs its helpers add ({@code collectors.*.pluginRef}) and the index URLs
 * ({@code falcoctl.config.indexes[].url}); the falcoctl image is pulled only while falcoctl installs or follows. Only
 * a chart whose values describe Falco ({@link FalcoValues#describeFalco}) is read this way, so other charts pass
 * through with the generic rules alone. In the {@code flatten} layout an artifact the index knows takes its index
 * name, so that {@code plugins/plugin/k8saudit} and {@code plugins/ruleset/k8saudit} become {@code k8saudit} and
 * {@code k8saudit-rules}.
 */
public final class FalcoctlReferences implements ReferenceConventions {

    private static final List<Object> FALCOCTL_IMAGE = List.of("falcoctl", "image");
    private static final List<Object> INDEXES = List.of("falcoctl", "config", "indexes");
    private static final String PLUGIN_REF = "pluginRef";

    private final FalcoctlIndex index;

    /** @param index resolves short names and names flattened repositories */
    public FalcoctlReferences(FalcoctlIndex index) {
        this.index = index;
    }

    @Override
    public Optional<List<Found>> referencesAt(Map<String, Object> chartValues, List<Object> path, Object value) {
        if (path.isEmpty() || !FalcoValues.describeFalco(chartValues)) {
            return Optional.empty();
        }
        if (value instanceof String text && isRefList(path.subList(0, path.size() - 1))) {
            return Optional.of(falcoctlRef(chartValues, text, path));
        }
        if (value instanceof Map<?, ?> entry
                && entry.get("url") instanceof String url
                && path.size() == INDEXES.size() + 1
                && path.subList(0, INDEXES.size()).equals(INDEXES)) {
            FalcoValues.Falcoctl falcoctl = FalcoValues.of(chartValues).falcoctl();
            return Optional.of(List.of(new Found(
                    ReferenceKind.INDEX,
                    Form.INDEX_URL,
                    url,
                    null,
                    append(path, "url"),
                    falcoctl.install() || falcoctl.follow())));
        }
        if (value instanceof String text
                && PLUGIN_REF.equals(path.get(path.size() - 1))
                && !text.isBlank()
                && !text.contains("{{")
                && OciReference.isValid(text)) {
            // The chart installs plugin refs through falcoctl only when the collector that needs them is on and the
            // driver runs (its falco.containerPlugin and k8smeta.configuration helpers).
            FalcoValues falco = FalcoValues.of(chartValues);
            return Optional.of(List.of(new Found(
                    ReferenceKind.PLUGIN,
                    Form.REFERENCE_STRING,
                    text,
                    index.resolve(text).orElseThrow(),
                    path,
                    falco.driverEnabled() && falco.installEnabled())));
        }
        return Optional.empty();
    }

    private List<Found> falcoctlRef(Map<String, Object> chartValues, String ref, List<Object> path) {
        if (ref.isBlank() || ref.contains("{{")) {
            return List.of();
        }
        FalcoValues.Falcoctl falcoctl = FalcoValues.of(chartValues).falcoctl();
        boolean pulled = path.get(3).equals("install") ? falcoctl.install() : falcoctl.follow();
        ReferenceKind kind = index.kindOf(ref, ReferenceKind.ARTIFACT);
        return List.of(
                ref.contains("/")
                        ? new Found(
                                kind,
                                Form.REFERENCE_STRING,
                                ref,
                                index.resolve(ref).orElseThrow(),
                                path,
                                pulled)
                        : new Found(
                                kind, Form.SHORT_NAME, ref, index.resolve(ref).orElse(null), path, pulled));
    }

    @Override
    public boolean pullsImageAt(Map<String, Object> chartValues, List<Object> path) {
        if (!path.equals(FALCOCTL_IMAGE) || !FalcoValues.describeFalco(chartValues)) {
            return true;
        }
        FalcoValues.Falcoctl falcoctl = FalcoValues.of(chartValues).falcoctl();
        return falcoctl.install() || falcoctl.follow();
    }

    @Override
    public Optional<String> flatName(OciReference source) {
        return index.entries().stream()
                .filter(entry -> entry.at("").name().equals(source.name()))
                .map(FalcoctlIndex.Entry::name)
                .findFirst();
    }

    /** {@code falcoctl.config.artifact.install.refs} or {@code ...follow.refs}. */
    private static boolean isRefList(List<Object> path) {
        return path.size() == 5
                && path.subList(0, 3).equals(List.of("falcoctl", "config", "artifact"))
                && (path.get(3).equals("install") || path.get(3).equals("follow"))
                && path.get(4).equals("refs");
    }

    private static List<Object> append(List<Object> path, Object segment) {
        List<Object> longer = new java.util.ArrayList<>(path);
        longer.add(segment);
        return longer;
    }
}
