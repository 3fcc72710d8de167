package io.falcooffline.core;

/** Two different source references would land on the same target: names both and the target. */
public class ReferenceConflictException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    /**
     * Two sources that would land on the same target.
     *
     * @param message the sources, the target and how to separate them
     */
    public ReferenceConflictException(String message) {
        super(message);
    }
}
