package io.falcooffline.core.yaml;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.events.Event;

/**
 * A YAML mapping as {@link SafeYaml#loadMap} loads it, kept with the text and the parser events it was loaded from,
 * so that {@link ValuesEditor} can edit the text without parsing it again.
 */
public final class LoadedYaml {

    private final String text;
    private final List<Event> events;
    private final Map<String, Object> values;

    private LoadedYaml(String text, List<Event> events, Map<String, Object> values) {
        this.text = text;
        this.events = events;
        this.values = values;
    }

    /**
     * Loads a document that must be a mapping, with the limits and the errors of {@link SafeYaml#loadMap(String,
     * String)}.
     *
     * @throws io.falcooffline.core.InvalidYamlException when the document is not a mapping or not valid
     */
    public static LoadedYaml load(String text, String sourceName) {
        List<Event> events = SafeYaml.guarded(sourceName, () -> SafeYaml.events(text));
        return new LoadedYaml(text, events, HelmValues.unmodifiableCopy(SafeYaml.loadMap(events, sourceName)));
    }

    /** The text loaded. */
    public String text() {
        return text;
    }

    /** The values; unmodifiable all the way down. */
    public Map<String, Object> values() {
        return values;
    }

    List<Event> events() {
        return events;
    }
}
