package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;

/** An artifact Falco needs cannot be found, read or used; the message names it and how to fix it. */
public class FalcoArtifactException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final String artifact;

    public FalcoArtifactException(String artifact, String message) {
        super(message);
        this.artifact = artifact;
    }

    /** The artifact at fault, as the values or the {@code artifacts} parameter name it. */
    public String artifact() {
        return artifact;
    }
}
