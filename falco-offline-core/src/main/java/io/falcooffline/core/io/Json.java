package io.falcooffline.core.io;

import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the project's readers and writers of OCI, lock, bundle and registry JSON: they share its
 * caches, so Jackson's start-up (several hundred classes, and the introspection behind the first tree read and write)
 * is paid once per process, not once per class that reads JSON. {@link JsonWarmUp} pays it ahead on a thread of its
 * own.
 */
public final class Json {

    /** Plain settings: trees in, trees out, no data binding to the project's types. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {}
}
