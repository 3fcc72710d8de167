package io.falcooffline.core.reference;

import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.plan.ReferenceLocation;
import io.falcooffline.core.reference.FoundReference.Form;
import io.falcooffline.core.values.EffectiveValues;
import io.falcooffline.core.yaml.ValuesPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds every reference a chart makes to something outside the cluster: image blocks and strings in values, image
 * literals in templates, and what the chart's own conventions make a reference ({@link ReferenceConventions}).
 */
public final class ReferenceFinder {

    /** {@code image: literal} on a template line, with optional list dash, quotes and trailing comment. */
    static final Pattern TEMPLATE_IMAGE_LINE =
            Pattern.compile("^(\\s*(?:-\\s+)?image:\\s*)([\"']?)([^\"'\\s{}#]+)\\2(\\s*(?:#.*)?)$");

    /** The literal every line {@link #TEMPLATE_IMAGE_LINE} matches contains. */
    private static final String IMAGE_KEY = "image:";

    private final ReferenceConventions conventions;

    /** @param conventions what charts write as references beyond the generic rules */
    public ReferenceFinder(ReferenceConventions conventions) {
        this.conventions = conventions;
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
            Optional<List<ReferenceConventions.Found>> claimed = conventions.referencesAt(root, path, node);
            if (claimed.isPresent()) {
                claimed.get()
                        .forEach(reference -> add(
                                reference.kind(),
                                reference.form(),
                                reference.written(),
                                reference.source(),
                                reference.valuesPath(),
                                inUse(reference.valuesPath()) && reference.pulled()));
                return;
            }
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
                for (int i = 0; i < list.size(); i++) {
                    walk(list.get(i), append(path, i));
                }
            }
        }

        /** Handles a scalar that is a reference by its key; returns true when it did. */
        private boolean visitScalar(String key, Object value, List<Object> path) {
            if (!(value instanceof String text) || text.isBlank() || text.contains("{{")) {
                return false;
            }
            if (key.equals("image") && OciReference.isValid(text)) {
                add(ReferenceKind.IMAGE, Form.REFERENCE_STRING, text, OciReference.parse(text), path, imageInUse(path));
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
                    imageInUse(path));
        }

        private boolean imageInUse(List<Object> path) {
            return inUse(path) && conventions.pullsImageAt(root, path);
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
    }

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
