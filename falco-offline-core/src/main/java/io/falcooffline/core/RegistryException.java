package io.falcooffline.core;

/**
 * A registry refused, failed or could not be reached. The message names the registry, the artifact and the HTTP
 * status or I/O failure, and says what to check.
 */
public class RegistryException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;

    /**
     * @param statusCode the last HTTP status received, or 0 when no response arrived
     * @param message what failed and how to fix it
     * @param cause the underlying failure, or null
     */
    public RegistryException(int statusCode, String message, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /** The last HTTP status received, or 0 when the failure happened before any response (timeout, refused, TLS). */
    public int statusCode() {
        return statusCode;
    }
}
