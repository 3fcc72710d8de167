package io.falcooffline.core;

import java.util.Locale;

/** How Falco gets its plugins and rules on the air-gapped node. */
public enum Delivery {
    /** falcoctl installs and follows them from the internal registry, with no index fetched at start-up. */
    REGISTRY,
    /** They are baked into a derived Falco image; falcoctl is off. */
    BAKED;

    /**
     * Reads the {@code delivery} parameter.
     *
     * @throws InvalidRequestException naming {@code delivery} for anything but {@code registry} or {@code baked}
     */
    public static Delivery parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "registry" -> REGISTRY;
            case "baked" -> BAKED;
            default ->
                throw new InvalidRequestException(
                        "delivery", "'" + text + "' is not a delivery: write `registry` (the default) or `baked`.");
        };
    }

    /** The parameter value, e.g. {@code registry}. */
    public String parameterValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
