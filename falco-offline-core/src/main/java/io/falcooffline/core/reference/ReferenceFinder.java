package io.falcooffline.core.reference;

import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import io.falcooffline.core.reference.FoundReference.Form;
import io.falcooffline.core.values.EffectiveValues;
import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.ValuesPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds every reference a chart makes to something outside the cluster: image blocks and strings in values,
 * falcoctl artifact references and index URLs, and image literals in templates.
 */
public final class ReferenceFinder {

    /** {@code image: literal} on a template line, with optional list dash, quotes and trailing comment. */
    static final Pattern TEMPLATE_IMAGE_LINE =
            Pattern.compile("^(\\s*(?:-\\s+)?image:\\s*)([\"']?)([^\"'\\s{}#]+)\\2(\\s*(?:#.*)?)$");

    /** The literal every line {@link #TEMPLATE_IMAGE_LINE} matches contains. */
    private static final String IMAGE_KEY = "image:";

    private final FalcoctlIndex index;

    public ReferenceFinder(FalcoctlIndex index) {
        this.index = index;
    }

    /** Every reference of every chart of the tree: in its effective values and in its templates. */
    public List<FoundReference> findAll(EffectiveValues values) {
        List<FoundReference> found = new ArrayList<>();
        for (EffectiveValues.Node node : values.nodes()) {
            Chart chart = node.tree().chart();
            found.addAll(findInValues(chart.path(), chart.appVersion(), node.values(), "values.yaml", node.inUse()));
            found.addAll(findInTemplates(chart.path(), templateFiles(chart), node.inUse()));
        }
        return found;
    }

    /**
     * Finds the references in one chart's values.
     *
     * @param chartPath the chart's path in the archive, for locations
     * @param appVersion the chart's appVersion, the tag of image blocks whose tag is empty
     * @param values the values in force for this chart
     * @param valuesFile the file named in locations
     * @param chartInUse whether the chart itself is rendered (a subchart may be disabled)
     */
    public List<FoundReference> findInValues(
            String chartPath, String appVersion, Map<String, Object> values, String valuesFile, boolean chartInUse) {
        List<FoundReference> found = new ArrayList<>();
        new ValuesWalk(chartPath, appVersion, values, valuesFile, chartInUse, found).walk(values, new ArrayList<>());
        return found;
    }

    /**
     * Finds image literals in one chart's template files (lines such as {@code image: appropriate/curl}; lines with
     * template actions are left to the values).
     */
    public List<FoundReference> findInTemplates(String chartPath, SortedMap<String, byte[]> files, boolean chartInUse) {
        List<FoundReference> found = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            String name = file.getKey();
            if (!isTemplate(name)) {
                continue;
            }
            String text = new String(file.getValue(), StandardCharsets.UTF_8);
            // Every line the pattern matches holds this literal: files and lines without it need no match.
            if (!text.contains(IMAGE_KEY)) {
                continue;
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].contains(IMAGE_KEY)) {
                    continue;
                }
                Matcher matcher = TEMPLATE_IMAGE_LINE.matcher(stripCarriageReturn(lines[i]));
                if (matcher.matches() && OciReference.isValid(matcher.group(3))) {
                    found.add(new FoundReference(
                            ReferenceKind.IMAGE,
                            Form.TEMPLATE_LITERAL,
                            matcher.group(3),
                            OciReference.parse(matcher.group(3)),
                            new ReferenceLocation(chartPath, name, "", i + 1),
                            List.of(),
                            chartInUse));
                }
            }
        }
        return found;
    }

    private static boolean isTemplate(String name) {
        return name.startsWith("templates/")
                && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".tpl"));
    }

    /** The chart's template files, without copying the rest of its files. */
    private static SortedMap<String, byte[]> templateFiles(Chart chart) {
        SortedMap<String, byte[]> templates = new TreeMap<>();
        for (String name : chart.filePaths()) {
            if (isTemplate(name)) {
                templates.put(name, chart.file(name).orElseThrow());
            }
        }
        return templates;
    }

    /**
     * Rewrites the image literal on one template line, keeping indentation, quotes and comments.
     *
     * @return the line with {@code target} in place of the literal
     */
    public static String rewriteTemplateLine(String line, String target) {
        boolean carriageReturn = line.endsWith("\r");
        Matcher matcher = TEMPLATE_IMAGE_LINE.matcher(stripCarriageReturn(line));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an image line: " + line);
        }
        return matcher.group(1)
                + matcher.group(2)
                + target
                + matcher.group(2)
                + matcher.group(4)
                + (carriageReturn ? "\r" : "");
    }

    private static String stripCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private final class ValuesWalk {
        private final String chartPath;
        private final String appVersion;
        private final Map<String, Object> root;
        private final String valuesFile;
        private final boolean chartInUse;
        private final List<FoundReference> found;

        ValuesWalk(
                String chartPath,
                String appVersion,
                Map<String, Object> root,
                String valuesFile,
                boolean chartInUse,
                List<FoundReference> found) {
            this.chartPath = chartPath;
            this.appVersion = appVersion;
            this.root = root;
            this.valuesFile = valuesFile;
            this.chartInUse = chartInUse;
            this.found = found;
        }

        void walk(Object node, List<Object> path) {
            if (node instanceof Map<?, ?> map) {
                if (isImageBlock(map, path)) {
                    addImageBlock(map, path);
                    return;
                }
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    List<Object> childPath = append(path, String.valueOf(entry.getKey()));
                    if (!visitScalar(String.valueOf(entry.getKey()), entry.getValue(), childPath)) {
                        walk(entry.getValue(), childPath);
                    }
                }
            } else if (node instanceof List<?> list) {
                boolean falcoctlRefs = isFalcoctlRefList(path);
                boolean indexes = path.equals(List.of("falcoctl", "config", "indexes"));
                for (int i = 0; i < list.size(); i++) {
                    List<Object> childPath = append(path, i);
                    Object item = list.get(i);
                    if (falcoctlRefs && item instanceof String ref) {
                        addFalcoctlRef(ref, childPath, path.get(path.size() - 2).equals("install"));
                    } else if (indexes && item instanceof Map<?, ?> entry && entry.get("url") instanceof String url) {
                        addIndexUrl(url, append(childPath, "url"));
                    } else {
                        walk(item, childPath);
                    }
                }
            }
        }

        /** Handles a scalar that is a reference by its key; returns true when it did. */
        private boolean visitScalar(String key, Object value, List<Object> path) {
            if (!(value instanceof String text) || text.isBlank() || text.contains("{{")) {
                return false;
            }
            if (key.equals("image") && OciReference.isValid(text)) {
                add(ReferenceKind.IMAGE, Form.REFERENCE_STRING, text, OciReference.parse(text), path, inUse(path));
                return true;
            }
            if (key.equals("pluginRef") && OciReference.isValid(text)) {
                OciReference source = index.resolve(text).orElseThrow();
                add(ReferenceKind.PLUGIN, Form.REFERENCE_STRING, text, source, path, pluginRefInUse(path));
                return true;
            }
            return false;
        }

        private boolean isImageBlock(Map<?, ?> map, List<Object> path) {
            if (!(map.get("repository") instanceof String repository) || repository.isBlank()) {
                return false;
            }
            if (repository.contains("://") || repository.contains("{{")) {
                return false;
            }
            String key = path.isEmpty() ? "" : String.valueOf(path.get(path.size() - 1));
            boolean imageKey = key.toLowerCase(Locale.ROOT).endsWith("image");
            return imageKey || map.containsKey("tag") || map.containsKey("digest");
        }

        private void addImageBlock(Map<?, ?> block, List<Object> path) {
            boolean hasRegistry = block.containsKey("registry");
            String registry = text(block.get("registry"));
            String repository = text(block.get("repository"));
            String tag = text(block.get("tag"));
            String digest = text(block.get("digest"));
            // Charts fall back to appVersion for an empty tag; a digest alone pins the image without one.
            if (tag.isEmpty() && digest.isEmpty()) {
                tag = appVersion;
            }
            String written = (registry.isEmpty() ? "" : registry + "/")
                    + repository
                    + (tag.isEmpty() ? "" : ":" + tag)
                    + (digest.isEmpty() ? "" : "@" + digest);
            OciReference source;
            try {
                source = OciReference.parse(written);
            } catch (InvalidReferenceException e) {
                throw new InvalidReferenceException(e.getMessage() + " It is composed from the image block at "
                        + location(path) + "; correct registry/repository/tag there.");
            }
            add(
                    ReferenceKind.IMAGE,
                    hasRegistry ? Form.IMAGE_BLOCK_WITH_REGISTRY : Form.IMAGE_BLOCK_WITHOUT_REGISTRY,
                    written,
                    source,
                    path,
                    inUse(path) && !(path.equals(FALCOCTL_IMAGE) && !falcoctlInstallOrFollow()));
        }

        private void addFalcoctlRef(String ref, List<Object> path, boolean install) {
            boolean used = inUse(path) && falcoctlEnabled(install ? "install" : "follow");
            if (ref.isBlank() || ref.contains("{{")) {
                return;
            }
            ReferenceKind kind = index.kindOf(ref, ReferenceKind.ARTIFACT);
            if (ref.contains("/")) {
                add(kind, Form.REFERENCE_STRING, ref, index.resolve(ref).orElseThrow(), path, used);
            } else {
                add(kind, Form.FALCOCTL_SHORT_NAME, ref, index.resolve(ref).orElse(null), path, used);
            }
        }

        private void addIndexUrl(String url, List<Object> path) {
            add(ReferenceKind.INDEX, Form.INDEX_URL, url, null, path, falcoctlInstallOrFollow());
        }

        private void add(
                ReferenceKind kind, Form form, String written, OciReference source, List<Object> path, boolean used) {
            found.add(new FoundReference(kind, form, written, source, location(path), path, chartInUse && used));
        }

        private ReferenceLocation location(List<Object> path) {
            return new ReferenceLocation(chartPath, valuesFile, new ValuesPath(path).toString(), 0);
        }

        /** False when a mapping on the way down says {@code enabled: false}. */
        private boolean inUse(List<Object> path) {
            Object node = root;
            for (Object segment : path) {
                if (node instanceof Map<?, ?> map) {
                    if (Boolean.FALSE.equals(map.get("enabled"))) {
                        return false;
                    }
                    node = map.get(segment);
                } else if (node instanceof List<?> list && segment instanceof Integer i && i < list.size()) {
                    node = list.get(i);
                } else {
                    return true;
                }
            }
            return !(node instanceof Map<?, ?> map && Boolean.FALSE.equals(map.get("enabled")));
        }

        /**
         * The chart installs plugin refs through falcoctl only when the collector that needs them is on and the
         * driver runs (the chart's {@code falco.containerPlugin} and {@code k8smeta.configuration} helpers).
         */
        private boolean pluginRefInUse(List<Object> path) {
            return inUse(path) && isTrue(List.of("driver", "enabled")) && falcoctlEnabled("install");
        }

        private boolean falcoctlInstallOrFollow() {
            return falcoctlEnabled("install") || falcoctlEnabled("follow");
        }

        private boolean falcoctlEnabled(String step) {
            return isTrue(List.of("falcoctl", "artifact", step, "enabled"));
        }

        private boolean isTrue(List<String> path) {
            return Boolean.TRUE.equals(
                    HelmValues.get(root, new ValuesPath(List.copyOf(path))).orElse(null));
        }

        private boolean isFalcoctlRefList(List<Object> path) {
            return path.size() == 5
                    && path.subList(0, 3).equals(List.of("falcoctl", "config", "artifact"))
                    && (path.get(3).equals("install") || path.get(3).equals("follow"))
                    && path.get(4).equals("refs");
        }
    }

    private static final List<Object> FALCOCTL_IMAGE = List.of("falcoctl", "image");

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value).strip();
    }

    private static List<Object> append(List<Object> path, Object segment) {
        List<Object> longer = new ArrayList<>(path.size() + 1);
        longer.addAll(path);
        longer.add(segment);
        return longer;
    }
}
