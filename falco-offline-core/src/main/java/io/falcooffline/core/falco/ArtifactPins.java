package io.falcooffline.core.falco;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.plan.OciReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code artifacts} parameter: {@code name[:version]} entries, comma separated, that pin the version of an
 * artifact the values use or add one they do not ({@code k8saudit:0.16.1,json:0.7.4,k8saudit-rules:0.16.1}). A
 * name without version asks for the newest compatible one.
 */
public final class ArtifactPins {

    /** The parameter these come from, for messages. */
    public static final String PARAMETER = "artifacts";

    private static final int MAX_ENTRIES = 64;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private static final ArtifactPins NONE = new ArtifactPins(Map.of());

    private final Map<String, String> versionByName;

    private ArtifactPins(Map<String, String> versionByName) {
        this.versionByName = versionByName;
    }

    /** No pins. */
    public static ArtifactPins none() {
        return NONE;
    }

    /**
     * Parses the parameter.
     *
     * @throws InvalidRequestException naming {@code artifacts} and the entry at fault
     */
    public static ArtifactPins parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<String, String> pins = new LinkedHashMap<>();
        List<String> entries = List.of(text.split(","));
        if (entries.size() > MAX_ENTRIES) {
            throw new InvalidRequestException(
                    PARAMETER, "`artifacts` lists " + entries.size() + " entries; at most " + MAX_ENTRIES + ".");
        }
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.contains("/")) {
                throw new InvalidRequestException(
                        PARAMETER,
                        "`artifacts` entry '" + entry + "' is a full reference; write the falcoctl name with an"
                                + " optional version, e.g. k8saudit:0.16.1 (the registry comes from the index).");
            }
            int colon = entry.indexOf(':');
            String name = colon < 0 ? entry : entry.substring(0, colon);
            String version = colon < 0 ? "" : entry.substring(colon + 1);
            if (!NAME.matcher(name).matches()
                    || (colon >= 0 && !TAG.matcher(version).matches())) {
                throw new InvalidRequestException(
                        PARAMETER, "`artifacts` entry '" + entry + "' is not name[:version], e.g. k8saudit:0.16.1.");
            }
            if (pins.put(name, version) != null) {
                throw new InvalidRequestException(
                        PARAMETER, "`artifacts` names '" + name + "' twice; keep one entry per artifact.");
            }
        }
        return new ArtifactPins(java.util.Collections.unmodifiableMap(pins));
    }

    /** The pinned version (or tag) of an artifact; an empty string means "newest compatible". */
    public Optional<String> versionOf(String name) {
        return Optional.ofNullable(versionByName.get(name));
    }

    /** Every pinned name, in order. */
    public List<String> names() {
        return List.copyOf(versionByName.keySet());
    }

    /** Whether nothing is pinned or added. */
    public boolean isEmpty() {
        return versionByName.isEmpty();
    }

    static boolean isFullReference(String text) {
        return text.contains("/") && OciReference.isValid(text);
    }
}
