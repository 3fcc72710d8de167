package io.falcooffline.core;

/**
 * The one exception type falco-offline throws for bad input or a failed step. Its message names the file, entry,
 * key or reference at fault and says how to fix it.
 */
public class FalcoOfflineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * A failed run.
     *
     * @param message what failed and how to fix it, without credentials
     */
    public FalcoOfflineException(String message) {
        super(message);
    }

    /**
     * A failed run.
     *
     * @param message what failed and how to fix it, without credentials
     * @param cause the failure underneath
     */
    public FalcoOfflineException(String message, Throwable cause) {
        super(message, cause);
    }
}
