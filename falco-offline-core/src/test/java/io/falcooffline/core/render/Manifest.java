package io.falcooffline.core.render;

import java.util.Collections;
import java.util.Map;

/**
 * One rendered Kubernetes object.
 *
 * @param source the template that produced it, from Helm's {@code # Source:} line, e.g.
 *     {@code falco/templates/daemonset.yaml}
 * @param content the parsed object: maps, lists and scalars
 */
public record Manifest(String source, Map<String, Object> content) {

    public Manifest {
        content = Collections.unmodifiableMap(content);
    }

    public String apiVersion() {
        return stringAt("apiVersion");
    }

    public String kind() {
        return stringAt("kind");
    }

    public String name() {
        return stringAt("metadata", "name");
    }

    /** The namespace, or the empty string for objects rendered without one. */
    public String namespace() {
        Object namespace = at("metadata", "namespace");
        return namespace == null ? "" : namespace.toString();
    }

    /** {@code Kind/namespace/name}: what tells two objects of one release apart. */
    public String identity() {
        return kind() + "/" + namespace() + "/" + name();
    }

    /**
     * The value at a path of map keys ({@code String}) and list indices ({@code Integer}), or null when any step is
     * missing.
     */
    public Object at(Object... path) {
        return RenderedManifests.valueAt(content, path);
    }

    private String stringAt(Object... path) {
        Object value = at(path);
        return value == null ? "" : value.toString();
    }

    @Override
    public String toString() {
        return identity() + " (" + source + ")";
    }
}
