package io.falcooffline.core;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OCI platform, {@code os/architecture[/variant]}, e.g. {@code linux/arm64} or {@code linux/arm/v7}.
 *
 * @param os the operating system, e.g. {@code linux}
 * @param architecture the CPU architecture, e.g. {@code arm64}
 * @param variant the CPU variant, e.g. {@code v8}, or empty for any
 */
public record Platform(String os, String architecture, String variant) {

    private static final Pattern PART = Pattern.compile("[a-z0-9._-]+");

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        variant = variant == null ? "" : variant;
    }

    /**
     * Parses {@code os/architecture[/variant]}.
     *
     * @throws InvalidRequestException naming the {@code platforms} parameter when the text is not a platform
     */
    public static Platform parse(String text) {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/", -1);
        boolean valid = (parts.length == 2 || parts.length == 3)
                && java.util.Arrays.stream(parts)
                        .allMatch(part -> PART.matcher(part).matches());
        if (!valid) {
            throw new InvalidRequestException(
                    "platforms",
                    "'" + text
                            + "' is not a platform: write os/architecture[/variant], e.g. linux/arm64 or linux/amd64.");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    /**
     * Whether a manifest built for the given platform is selected by this one. A platform without variant selects
     * every variant of its architecture.
     */
    public boolean selects(String otherOs, String otherArchitecture, String otherVariant) {
        return os.equals(otherOs)
                && architecture.equals(otherArchitecture)
                && (variant.isEmpty() || variant.equals(otherVariant));
    }

    @Override
    public String toString() {
        return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
    }
}
