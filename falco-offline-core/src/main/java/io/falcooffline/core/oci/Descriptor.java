package io.falcooffline.core.oci;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A content descriptor: what a manifest, index or blob is, which bytes it is, and how many.
 *
 * @param mediaType the media type, exactly as the referring manifest or the store states it
 * @param digest the content digest, {@code <algorithm>:<hex>}, e.g. {@code sha256:6c3c…}
 * @param size the length of the content in bytes
 */
public record Descriptor(String mediaType, String digest, long size) {

    /** Checks the digest's form and the size, so a bad descriptor fails where it is made. */
    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Digests.requireValid(digest);
        if (size < 0) {
            throw new IllegalArgumentException("Negative size " + size + " for " + digest);
        }
    }

    /**
     * The descriptor a JSON object of a manifest or index states: its {@code mediaType}, {@code digest} and {@code
     * size}.
     *
     * @throws IllegalArgumentException when the digest is missing or malformed or the size missing or negative
     */
    public static Descriptor of(JsonNode node) {
        return new Descriptor(
                node.path("mediaType").asString(""),
                node.path("digest").asString(""),
                node.path("size").asLong(-1));
    }
}
