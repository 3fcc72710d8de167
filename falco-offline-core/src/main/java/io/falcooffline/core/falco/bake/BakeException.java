package io.falcooffline.core.falco.bake;

import io.falcooffline.core.FalcoOfflineException;

/**
 * Baking the Falco image failed. The message names the artifact or image at fault and how to fix it; when this is
 * thrown, nothing was pushed or tagged.
 */
public class BakeException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final String artifact;

    /**
     * @param artifact the reference of the artifact or image at fault
     * @param message what is wrong and how to fix it
     */
    public BakeException(String artifact, String message) {
        super(message);
        this.artifact = artifact;
    }

    /**
     * @param artifact the reference of the artifact or image at fault
     * @param message what is wrong and how to fix it
     * @param cause the underlying failure
     */
    public BakeException(String artifact, String message, Throwable cause) {
        super(message, cause);
        this.artifact = artifact;
    }

    /** The reference of the artifact or image at fault. */
    public String artifact() {
        return artifact;
    }
}
