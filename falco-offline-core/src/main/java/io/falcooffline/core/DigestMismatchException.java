package io.falcooffline.core;

/** Content did not match the digest or size it was announced with: it was corrupted or tampered with. */
public class DigestMismatchException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final String expectedDigest;

    /**
     * @param expectedDigest the digest the content should have had
     * @param message what was read, from where, and what was wrong with it
     */
    public DigestMismatchException(String expectedDigest, String message) {
        super(message);
        this.expectedDigest = expectedDigest;
    }

    /** The digest the content should have had. */
    public String expectedDigest() {
        return expectedDigest;
    }
}
