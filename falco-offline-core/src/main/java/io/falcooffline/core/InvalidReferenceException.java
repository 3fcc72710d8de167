package io.falcooffline.core;

/** A string that should be an image or artifact reference is not one: names it and where it came from. */
public class InvalidReferenceException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    /**
     * A reference that is not an OCI reference.
     *
     * @param message the reference and what is wrong with it
     */
    public InvalidReferenceException(String message) {
        super(message);
    }
}
