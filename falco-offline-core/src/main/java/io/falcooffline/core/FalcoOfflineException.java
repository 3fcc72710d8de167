package io.falcooffline.core;

/**
 * The one exception type falco-offline throws for bad input or a failed step. Its message names the file, entry,
 * key or reference at fault and says how to fix it.
 */
public class FalcoOfflineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FalcoOfflineException(String message) {
        super(message);
    }

    public FalcoOfflineException(String message, Throwable cause) {
        super(message, cause);
    }
}
