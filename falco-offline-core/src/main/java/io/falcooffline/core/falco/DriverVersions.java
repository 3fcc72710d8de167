package io.falcooffline.core.falco;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver version each Falco release is built with: {@code DRIVER_VERSION} of {@code cmake/modules/driver.cmake} at
 * the release's tag in falcosecurity/falco. The driver-loader image installs that driver's sources as
 * {@code /usr/src/falco-<driver version>}, where falcoctl 0.13.0 takes its version from
 * ({@code cmd/driver/driver_linux.go} loadDriverVersion), and the driver repository keeps each version's drivers
 * under {@code <driver version>/<arch>/}.
 */
public final class DriverVersions {

    // driver.cmake at 0.41.0…0.41.3: 8.1.0+driver; 0.42.0, 0.42.1: 9.0.0+driver; 0.43.0, 0.43.1: 9.1.0+driver;
    // 0.44.0, 0.44.1: 10.2.0+driver.
    private static final Map<String, String> BY_RELEASE = Map.of(
            "0.41.0", "8.1.0+driver",
            "0.41.1", "8.1.0+driver",
            "0.41.2", "8.1.0+driver",
            "0.41.3", "8.1.0+driver",
            "0.42.0", "9.0.0+driver",
            "0.42.1", "9.0.0+driver",
            "0.43.0", "9.1.0+driver",
            "0.43.1", "9.1.0+driver",
            "0.44.0", "10.2.0+driver",
            "0.44.1", "10.2.0+driver");

    private static final Pattern RELEASE = Pattern.compile("v?(\\d+\\.\\d+\\.\\d+)(-debian)?");

    private DriverVersions() {}

    /**
     * The driver version of a Falco release ({@code 0.44.0}, or a driver-loader tag such as {@code 0.44.0}); empty
     * when this table does not know the release.
     */
    public static Optional<String> of(String falcoVersion) {
        if (falcoVersion == null) {
            return Optional.empty();
        }
        Matcher matcher = RELEASE.matcher(falcoVersion.strip());
        return matcher.matches() ? Optional.ofNullable(BY_RELEASE.get(matcher.group(1))) : Optional.empty();
    }

    /** The Falco releases this table knows, for messages. */
    public static String known() {
        return "Falco 0.41.0 to 0.44.1";
    }
}
