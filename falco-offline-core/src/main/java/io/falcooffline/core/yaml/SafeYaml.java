package io.falcooffline.core.yaml;

import io.falcooffline.core.InvalidYamlException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Loads YAML from untrusted charts and values files: plain maps, lists and scalars only, with limits on aliases,
 * nesting and size so that a hostile document fails fast instead of exhausting memory.
 */
public final class SafeYaml {

    /** Most aliases a document may use for collections (SnakeYAML's default; billion-laughs needs far more). */
    public static final int MAX_ALIASES = 50;

    /** Deepest nesting of collections accepted. */
    public static final int MAX_NESTING_DEPTH = 50;

    /** Largest document accepted, in code points (3 MiB). */
    public static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

    private SafeYaml() {}

    /**
     * Parses one YAML document.
     *
     * @param text the document
     * @param sourceName names the document in errors, e.g. {@code falco/values.yaml}
     * @return maps (insertion-ordered, string keys as written), lists, strings, numbers, booleans or null
     * @throws InvalidYamlException naming the source, line and problem
     */
    public static Object load(String text, String sourceName) {
        try {
            return newYaml().load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null
                    ? sourceName
                    : sourceName + " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new InvalidYamlException(
                    where + " is not valid YAML: " + firstLine(e.getProblem()) + ". Fix the YAML there.", e);
        } catch (YAMLException e) {
            throw new InvalidYamlException(
                    sourceName + " cannot be loaded safely: " + firstLine(e.getMessage())
                            + ". falco-offline refuses documents with more than " + MAX_ALIASES
                            + " aliases, nesting deeper than " + MAX_NESTING_DEPTH + ", over " + MAX_CODE_POINTS
                            + " characters, or global tags such as !!java.",
                    e);
        }
    }

    /**
     * Parses a document that must be a mapping, as values files and Chart.yaml are. An empty document is an empty
     * mapping.
     *
     * @throws InvalidYamlException when the document is not a mapping or not valid
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> loadMap(String text, String sourceName) {
        Object loaded = load(text, sourceName);
        if (loaded == null) {
            return new LinkedHashMap<>();
        }
        if (!(loaded instanceof Map)) {
            throw new InvalidYamlException(sourceName + " must be a YAML mapping (key: value lines) but is a "
                    + (loaded instanceof List ? "list" : "scalar") + ".");
        }
        Map<Object, Object> map = (Map<Object, Object>) loaded;
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new InvalidYamlException(sourceName + " has a top-level key that is not a string: " + key
                        + ". Quote it to make it a string key.");
            }
        }
        return (Map<String, Object>) loaded;
    }

    /** Writes a value as block-style YAML, the way values files are usually written. */
    public static String dump(Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options).dump(value);
    }

    /** Writes a value as one line of flow-style YAML, for plans and messages. */
    public static String dumpInline(Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options)
                .dump(value)
                .strip();
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        // Helm keeps the last of duplicated keys; so do we.
        options.setAllowDuplicateKeys(true);
        return new Yaml(new SafeConstructor(options));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown problem";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
