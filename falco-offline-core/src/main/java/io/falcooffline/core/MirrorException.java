package io.falcooffline.core;

/**
 * Mirroring an artifact failed. The message names the artifact, where it was copied from and to, and the cause;
 * when this is thrown, no tag of the run was set, so the target never points at half-copied content.
 */
public class MirrorException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final String artifact;

    /**
     * An artifact that could not be copied.
     *
     * @param artifact the artifact's reference
     * @param message what failed and how to fix it
     * @param cause the failure underneath, or null
     */
    public MirrorException(String artifact, String message, Throwable cause) {
        super(message, cause);
        this.artifact = artifact;
    }

    /** The reference of the artifact that failed, as the plan or lock names it. */
    public String artifact() {
        return artifact;
    }
}
