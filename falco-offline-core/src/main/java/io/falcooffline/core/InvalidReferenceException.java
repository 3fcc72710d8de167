package io.falcooffline.core;

import io.falcooffline.core.io.SafeText;

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

    /**
     * A reference that cannot be parsed, quoted safely on one line.
     *
     * @param text the text that should have been a reference
     * @param why what is wrong with it
     * @return the exception to throw
     */
    public static InvalidReferenceException unparsable(String text, String why) {
        return new InvalidReferenceException(
                SafeText.quote(text) + " is not a valid image or artifact reference: " + why + ".");
    }
}
