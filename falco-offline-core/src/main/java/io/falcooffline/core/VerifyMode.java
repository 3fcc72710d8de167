package io.falcooffline.core;

import java.util.Locale;

/** Whether a package run renders its output chart to check what the cluster will pull. */
public enum VerifyMode {
    /** Verify when Helm's engine runs on this platform; report that verification was skipped otherwise. */
    AUTO,
    /** Verify, and fail when Helm's engine cannot run on this platform. */
    REQUIRED,
    /** Do not render; Helm's engine is never loaded. */
    OFF;

    /**
     * Reads the parameter's spelling: {@code auto}, {@code true} or {@code false}.
     *
     * @throws InvalidRequestException naming {@code verify} for anything else
     */
    public static VerifyMode parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto", "" -> AUTO;
            case "true" -> REQUIRED;
            case "false" -> OFF;
            default ->
                throw new InvalidRequestException(
                        "verify",
                        "verify is '" + text + "'; use auto (verify when Helm's engine runs here), true (require it) or"
                                + " false (skip it).");
        };
    }
}
