package io.falcooffline.core.verify;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.yaml.SafeYaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what rendered manifests pull: every container image of every pod spec, and falcoctl's artifact refs. */
final class RenderedPulls {

    /** Most objects one render may print; Falco with every subchart on prints about a hundred. */
    static final int MAX_DOCUMENTS = 5_000;

    static final String FALCOCTL_CONFIG_KEY = "falcoctl.yaml";

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");
    private static final Pattern SOURCE_LINE = Pattern.compile("(?m)^# Source: (.+)$");
    private static final Map<String, String> CONTAINER_LISTS = Map.of(
            "containers", "container", "initContainers", "initContainer", "ephemeralContainers", "ephemeralContainer");

    private RenderedPulls() {}

    /**
     * Everything the printed manifests pull, in output order.
     *
     * @throws FalcoOfflineException when Helm printed more than {@link #MAX_DOCUMENTS} objects
     */
    static List<PulledReference> of(String helmOutput) {
        List<PulledReference> pulled = new ArrayList<>();
        if (helmOutput == null) {
            // A chart without templates renders to nothing at all.
            return pulled;
        }
        String[] chunks = DOCUMENT_SEPARATOR.split(helmOutput);
        if (chunks.length > MAX_DOCUMENTS) {
            throw new FalcoOfflineException("The rendered chart has " + chunks.length + " objects, more than the "
                    + MAX_DOCUMENTS + " verification reads.");
        }
        for (String chunk : chunks) {
            Matcher source = SOURCE_LINE.matcher(chunk);
            String template = source.find() ? source.group(1).strip() : "?";
            if (!(SafeYaml.load(chunk, "rendered " + template) instanceof Map<?, ?> object)) {
                continue;
            }
            String manifest = identity(object) + " (" + template + ")";
            boolean hook = at(object, "metadata", "annotations") instanceof Map<?, ?> annotations
                    && annotations.containsKey(RenderableChart.HOOK_ANNOTATION);
            collectImages(object, manifest, hook, pulled);
            if ("ConfigMap".equals(object.get("kind"))
                    && at(object, "data", FALCOCTL_CONFIG_KEY) instanceof String falcoctl) {
                collectArtifacts(falcoctl, manifest, hook, pulled);
            }
        }
        return pulled;
    }

    private static void collectImages(Object node, String manifest, boolean hook, List<PulledReference> pulled) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String role = CONTAINER_LISTS.get(String.valueOf(entry.getKey()));
                if (role != null && entry.getValue() instanceof List<?> containers) {
                    for (Object item : containers) {
                        if (item instanceof Map<?, ?> container && container.get("image") != null) {
                            pulled.add(new PulledReference(
                                    manifest,
                                    role + " " + container.get("name"),
                                    String.valueOf(container.get("image")),
                                    false,
                                    hook));
                        }
                    }
                } else {
                    collectImages(entry.getValue(), manifest, hook, pulled);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectImages(item, manifest, hook, pulled));
        }
    }

    private static void collectArtifacts(
            String falcoctlYaml, String manifest, boolean hook, List<PulledReference> pulled) {
        Map<String, Object> config = SafeYaml.loadMap(falcoctlYaml, manifest + " " + FALCOCTL_CONFIG_KEY);
        for (String step : List.of("install", "follow")) {
            if (at(config, "artifact", step, "refs") instanceof List<?> refs) {
                for (int i = 0; i < refs.size(); i++) {
                    if (refs.get(i) != null) {
                        pulled.add(new PulledReference(
                                manifest,
                                FALCOCTL_CONFIG_KEY + " artifact." + step + ".refs[" + i + "]",
                                String.valueOf(refs.get(i)),
                                true,
                                hook));
                    }
                }
            }
        }
    }

    private static String identity(Map<?, ?> object) {
        Object namespace = at(object, "metadata", "namespace");
        return object.get("kind") + "/" + (namespace == null ? "" : namespace) + "/" + at(object, "metadata", "name");
    }

    private static Object at(Object root, String... path) {
        Object current = root;
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }
}
