package io.falcooffline.core.render;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What {@code helm template} printed for one release, parsed: every object, the images they run, and the Falco and
 * falcoctl configuration files the chart puts in ConfigMaps.
 */
public final class RenderedManifests {

    /** The ConfigMap key holding falcoctl's configuration. */
    public static final String FALCOCTL_CONFIG_KEY = "falcoctl.yaml";

    /** The ConfigMap key holding Falco's configuration. */
    public static final String FALCO_CONFIG_KEY = "falco.yaml";

    /** Helm separates objects with a bare {@code ---} line; template output never starts a line with it otherwise. */
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");

    private static final Pattern SOURCE_LINE = Pattern.compile("(?m)^# Source: (.+)$");

    /** An {@code image:} line, quoted or not, in a list item or not: group 2 is the value. */
    static final Pattern IMAGE_LINE = Pattern.compile("(?m)^[ \\t-]*image:[ \\t]*([\"']?)([^\"'\\s#]+)\\1");

    private static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers", "ephemeralContainers");

    private final String text;
    private final List<Manifest> documents;
    private final Duration renderTime;

    private RenderedManifests(String text, List<Manifest> documents, Duration renderTime) {
        this.text = text;
        this.documents = List.copyOf(documents);
        this.renderTime = renderTime;
    }

    /**
     * Parses Helm's output: each {@code ---} separated document with SnakeYAML's safe constructor (plain maps, lists
     * and scalars only), keeping the {@code # Source:} template name of each.
     *
     * @throws IllegalArgumentException when a document is not a YAML mapping or has no {@code # Source:} line
     */
    public static RenderedManifests parse(String text, Duration renderTime) {
        List<Object> whole = new ArrayList<>();
        newYaml().loadAll(text).forEach(document -> {
            if (document != null) {
                whole.add(document);
            }
        });
        List<Manifest> manifests = new ArrayList<>();
        for (String chunk : DOCUMENT_SEPARATOR.split(text)) {
            Object document = newYaml().load(chunk);
            if (document == null) {
                continue;
            }
            Matcher source = SOURCE_LINE.matcher(chunk);
            if (!(document instanceof Map<?, ?> map) || !source.find()) {
                throw new IllegalArgumentException(
                        "Helm output holds a document that is not an object with a `# Source:` line:\n" + chunk);
            }
            manifests.add(new Manifest(source.group(1).strip(), stringKeyed(map)));
        }
        List<Object> split = manifests.stream().map(m -> (Object) m.content()).toList();
        if (!split.equals(whole)) {
            throw new IllegalArgumentException("Splitting Helm output at `---` lines gave " + split.size()
                    + " objects but YAML parsing gave " + whole.size() + ": a separator is ambiguous.");
        }
        return new RenderedManifests(text, manifests, renderTime);
    }

    /** The output exactly as Helm printed it. */
    public String text() {
        return text;
    }

    /** How long the Helm call took. */
    public Duration renderTime() {
        return renderTime;
    }

    /** Every object, in Helm's output order. */
    public List<Manifest> documents() {
        return documents;
    }

    /** Every object as parsed content, in Helm's output order: what two renders are compared by. */
    public List<Map<String, Object>> contents() {
        return documents.stream().map(Manifest::content).toList();
    }

    /** Every object by {@link Manifest#identity()}, in Helm's output order. */
    public Map<String, Manifest> byIdentity() {
        Map<String, Manifest> byIdentity = new LinkedHashMap<>();
        for (Manifest manifest : documents) {
            if (byIdentity.put(manifest.identity(), manifest) != null) {
                throw new IllegalStateException("Two rendered objects are both " + manifest.identity());
            }
        }
        return Collections.unmodifiableMap(byIdentity);
    }

    public List<Manifest> ofKind(String kind) {
        return documents.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    public Optional<Manifest> find(String kind, String name) {
        List<Manifest> found = documents.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .toList();
        if (found.size() > 1) {
            throw new IllegalStateException("More than one " + kind + " named " + name + ": " + found);
        }
        return found.stream().findFirst();
    }

    /**
     * The object of that kind and name.
     *
     * @throws AssertionError listing the objects of that kind when there is none
     */
    public Manifest get(String kind, String name) {
        return find(kind, name)
                .orElseThrow(() -> new AssertionError(
                        "No " + kind + " named " + name + " was rendered; the " + kind + " objects are "
                                + ofKind(kind).stream().map(Manifest::name).toList()));
    }

    /**
     * Every container's image in every pod spec, wherever the pod spec sits (Pod {@code spec}, workload
     * {@code spec.template.spec}, CronJob {@code spec.jobTemplate.spec.template.spec}): containers, init containers
     * and ephemeral containers, in output order.
     */
    public List<ContainerImage> images() {
        List<ContainerImage> images = new ArrayList<>();
        for (Manifest manifest : documents) {
            collectImages(manifest, manifest.content(), "", images);
        }
        return images;
    }

    /** The distinct image references of {@link #images()}, sorted. */
    public SortedSet<String> imageReferences() {
        TreeSet<String> references = new TreeSet<>();
        images().forEach(image -> references.add(image.image()));
        return Collections.unmodifiableSortedSet(references);
    }

    /**
     * The value of every {@code image:} line in the raw output, including those inside ConfigMap data and other
     * embedded text that {@link #images()} does not parse.
     */
    public List<String> imageLines() {
        return imageLinesOf(text);
    }

    /** The value of every {@code image:} line of a text, in order. */
    public static List<String> imageLinesOf(String text) {
        List<String> values = new ArrayList<>();
        Matcher matcher = IMAGE_LINE.matcher(text);
        while (matcher.find()) {
            values.add(matcher.group(2));
        }
        return values;
    }

    /** falcoctl's configuration (the ConfigMap entry {@code falcoctl.yaml}), parsed; empty when not rendered. */
    public Optional<Map<String, Object>> falcoctlConfig() {
        return configMapEntry(FALCOCTL_CONFIG_KEY).map(entry -> parseMap(entry, FALCOCTL_CONFIG_KEY));
    }

    /** Falco's configuration (the ConfigMap entry {@code falco.yaml}), parsed; empty when not rendered. */
    public Optional<Map<String, Object>> falcoConfig() {
        return configMapEntry(FALCO_CONFIG_KEY).map(entry -> parseMap(entry, FALCO_CONFIG_KEY));
    }

    /**
     * The text of the ConfigMap entry with that key, from the one ConfigMap that has it.
     *
     * @throws IllegalStateException when more than one ConfigMap has that key
     */
    public Optional<String> configMapEntry(String key) {
        List<Manifest> holders = ofKind("ConfigMap").stream()
                .filter(m -> m.at("data", key) != null)
                .toList();
        if (holders.size() > 1) {
            throw new IllegalStateException("More than one ConfigMap has the key " + key + ": " + holders);
        }
        return holders.stream().findFirst().map(m -> m.at("data", key).toString());
    }

    /** Whether the raw output contains the text anywhere, including comments and ConfigMap data. */
    public boolean containsText(String needle) {
        return text.contains(needle);
    }

    @Override
    public String toString() {
        return documents.size() + " objects: " + documents;
    }

    /**
     * The value at a path of map keys ({@code String}) and list indices ({@code Integer}) in parsed YAML, or null when
     * a step is missing.
     */
    public static Object valueAt(Object root, Object... path) {
        Object current = root;
        for (Object step : path) {
            if (step instanceof Integer index && current instanceof List<?> list) {
                current = index >= 0 && index < list.size() ? list.get(index) : null;
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(step);
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static void collectImages(Manifest manifest, Object node, String path, List<ContainerImage> images) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String childPath = path.isEmpty() ? key : path + "." + key;
                if (CONTAINER_LISTS.contains(key) && entry.getValue() instanceof List<?> containers) {
                    for (int i = 0; i < containers.size(); i++) {
                        if (containers.get(i) instanceof Map<?, ?> container && container.get("image") != null) {
                            images.add(new ContainerImage(
                                    String.valueOf(container.get("image")),
                                    String.valueOf(container.get("name")),
                                    childPath + "[" + i + "].image",
                                    manifest));
                        }
                    }
                } else {
                    collectImages(manifest, entry.getValue(), childPath, images);
                }
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectImages(manifest, list.get(i), path + "[" + i + "]", images);
            }
        }
    }

    private static Map<String, Object> parseMap(String text, String name) {
        Object parsed = newYaml().load(text);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalStateException("The ConfigMap entry " + name + " is not a YAML mapping:\n" + text);
        }
        return stringKeyed(map);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeyed(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException("A rendered object has a non-string top-level key: " + key);
            }
        }
        return (Map<String, Object>) map;
    }

    /** Rendered output of a chart under test: safe types only, duplicate keys refused, generous size limit. */
    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(64 * 1024 * 1024);
        return new Yaml(new SafeConstructor(options));
    }
}
