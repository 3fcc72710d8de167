package io.falcooffline.core.falco.bake;

import io.falcooffline.core.Platform;
import java.util.List;

/** A plugin or the base image has no manifest for a platform the image is baked for. */
public class MissingPlatformException extends BakeException {

    private static final long serialVersionUID = 1L;

    private final transient Platform platform;

    MissingPlatformException(String artifact, Platform platform, List<String> offered, String fix) {
        super(
                artifact,
                artifact + " has no manifest for " + platform + "; it offers "
                        + (offered.isEmpty() ? "none" : String.join(", ", offered)) + ". " + fix);
        this.platform = platform;
    }

    /** The platform that is missing. */
    public Platform platform() {
        return platform;
    }
}
