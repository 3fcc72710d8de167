package io.falcooffline.core;

/** Two different source references would land on the same target: names both and the target. */
public class ReferenceConflictException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    public ReferenceConflictException(String message) {
        super(message);
    }
}
