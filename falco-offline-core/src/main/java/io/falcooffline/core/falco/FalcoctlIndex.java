package io.falcooffline.core.falco;

import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.InvalidYamlException;
import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.yaml.SafeYaml;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The name-to-repository part of a falcoctl artifact index, which falcoctl uses to turn a short reference such as
 * {@code falco-rules:5} into {@code ghcr.io/falcosecurity/rules/falco-rules:5}.
 *
 * <p>The built-in index holds the entries of falcosecurity's public index that the Falco chart uses, so short
 * references resolve without reaching the internet.
 */
public final class FalcoctlIndex {

    /**
     * One index entry.
     *
     * @param name the artifact name as falcoctl knows it ({@code k8saudit-rules})
     * @param type what the artifact is
     * @param registry the registry host
     * @param repository the repository path
     */
    public record Entry(String name, ReferenceKind type, String registry, String repository) {

        /** The artifact at a tag or digest suffix ({@code :0.16}, {@code @sha256:...}), or {@code :latest}. */
        public OciReference at(String suffix) {
            return OciReference.parse(registry + "/" + repository + (suffix.isEmpty() ? ":latest" : suffix));
        }
    }

    private static final String FALCOSECURITY_REGISTRY = "ghcr.io";

    private static final FalcoctlIndex BUILT_IN = new FalcoctlIndex(List.of(
            new Entry(
                    "k8saudit", ReferenceKind.PLUGIN, FALCOSECURITY_REGISTRY, "falcosecurity/plugins/plugin/k8saudit"),
            new Entry("json", ReferenceKind.PLUGIN, FALCOSECURITY_REGISTRY, "falcosecurity/plugins/plugin/json"),
            new Entry(
                    "k8saudit-rules",
                    ReferenceKind.RULESFILE,
                    FALCOSECURITY_REGISTRY,
                    "falcosecurity/plugins/ruleset/k8saudit"),
            new Entry(
                    "container",
                    ReferenceKind.PLUGIN,
                    FALCOSECURITY_REGISTRY,
                    "falcosecurity/plugins/plugin/container"),
            new Entry("k8smeta", ReferenceKind.PLUGIN, FALCOSECURITY_REGISTRY, "falcosecurity/plugins/plugin/k8smeta"),
            new Entry(
                    "falco-rules",
                    ReferenceKind.RULESFILE,
                    FALCOSECURITY_REGISTRY,
                    "falcosecurity/rules/falco-rules")));

    private final Map<String, Entry> entries;

    private FalcoctlIndex(List<Entry> entries) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        entries.forEach(entry -> byName.put(entry.name(), entry));
        this.entries = Map.copyOf(byName);
    }

    /** The entries of falcosecurity's public index that the Falco chart refers to. */
    public static FalcoctlIndex builtIn() {
        return BUILT_IN;
    }

    /**
     * Reads a falcoctl index file (a YAML list of entries with {@code name}, {@code type}, {@code registry} and
     * {@code repository}).
     *
     * @throws InvalidYamlException naming the source and the entry at fault; duplicate names are an error, as in
     *     falcoctl
     */
    public static FalcoctlIndex parse(String yaml, String sourceName) {
        Object loaded = SafeYaml.load(yaml, sourceName);
        if (!(loaded instanceof List<?> list)) {
            throw new InvalidYamlException(sourceName + " is not a falcoctl index: it must be a YAML list of entries.");
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                throw new InvalidYamlException(sourceName + " entry " + i + " is not a mapping.");
            }
            String name = requiredString(item, "name", sourceName, i);
            Entry entry = new Entry(
                    name,
                    kindOf(String.valueOf(item.get("type"))),
                    requiredString(item, "registry", sourceName, i),
                    requiredString(item, "repository", sourceName, i));
            requireRegistryRepository(entry, sourceName, i);
            if (byName.put(name, entry) != null) {
                throw new InvalidYamlException(sourceName + " has two entries named '" + name
                        + "'; falcoctl refuses duplicate names within one index.");
            }
        }
        return new FalcoctlIndex(List.copyOf(byName.values()));
    }

    /** Several indexes as falcoctl merges them: an entry of a later index replaces one of the same name. */
    public static FalcoctlIndex merge(List<FalcoctlIndex> indexes) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        indexes.forEach(index -> index.entries().forEach(entry -> byName.put(entry.name(), entry)));
        return new FalcoctlIndex(List.copyOf(byName.values()));
    }

    /** The entry with this name. */
    public Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** All entries. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * Resolves a falcoctl reference as {@code falcoctl artifact install} does: text containing {@code /} is a full
     * reference (given {@code :latest} when it has neither tag nor digest); anything else is
     * {@code name[:tag|@digest]} looked up in the index.
     *
     * @return the full reference, or empty when the name is not in the index
     * @throws InvalidReferenceException when the text is not a reference at all
     */
    public Optional<OciReference> resolve(String falcoctlReference) {
        String text = falcoctlReference.strip();
        if (text.contains("/")) {
            OciReference reference = OciReference.parse(text);
            return Optional.of(reference.withDefaultTag());
        }
        int separator = indexOfSuffix(text);
        String name = separator < 0 ? text : text.substring(0, separator);
        String suffix = separator < 0 ? "" : text.substring(separator);
        return find(name).map(entry -> entry.at(suffix));
    }

    /** The kind of a reference falcoctl would install, from the index when it is a short name. */
    public ReferenceKind kindOf(String falcoctlReference, ReferenceKind fallback) {
        String text = falcoctlReference.strip();
        if (!text.contains("/")) {
            int separator = indexOfSuffix(text);
            String name = separator < 0 ? text : text.substring(0, separator);
            return find(name).map(Entry::type).orElse(fallback);
        }
        for (Entry entry : entries.values()) {
            if (OciReference.isValid(text)
                    && OciReference.parse(text).name().equals(entry.at("").name())) {
                return entry.type();
            }
        }
        return fallback;
    }

    private static int indexOfSuffix(String text) {
        int at = text.indexOf('@');
        int colon = text.indexOf(':');
        if (at >= 0 && (colon < 0 || at < colon)) {
            return at;
        }
        return colon;
    }

    private static ReferenceKind kindOf(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "plugin" -> ReferenceKind.PLUGIN;
            case "rulesfile" -> ReferenceKind.RULESFILE;
            default -> ReferenceKind.ARTIFACT;
        };
    }

    /**
     * An entry names a registry host and a repository, which together form a reference; a URL, a path or a digest
     * there would otherwise fail later, far from the index that holds it.
     */
    private static void requireRegistryRepository(Entry entry, String sourceName, int index) {
        boolean valid;
        try {
            OciReference parsed = OciReference.parse(entry.registry() + "/" + entry.repository() + ":latest");
            valid = parsed.registry().equals(entry.registry())
                    && parsed.repository().equals(entry.repository())
                    && parsed.digest() == null
                    && URI.create("https://" + entry.registry() + "/").getHost() != null;
        } catch (InvalidReferenceException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            throw new InvalidYamlException(sourceName + " entry " + index + " ('" + entry.name() + "') has registry "
                    + SafeText.quote(entry.registry()) + " and repository " + SafeText.quote(entry.repository())
                    + ", which are no registry host and repository path. Give a registry host such as ghcr.io and a"
                    + " repository such as falcosecurity/rules/falco-rules, or fix or drop the index.");
        }
    }

    private static String requiredString(Map<?, ?> item, String key, String sourceName, int index) {
        Object value = item.get(key);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new InvalidYamlException(sourceName + " entry " + index + " has no '" + key + "'.");
        }
        return text;
    }
}
