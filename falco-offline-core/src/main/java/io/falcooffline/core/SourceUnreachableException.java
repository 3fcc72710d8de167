package io.falcooffline.core;

/** The source could not be reached (network, DNS, refused connection) and the cache cannot stand in for it. */
public class SourceUnreachableException extends ChartSourceException {

    private static final long serialVersionUID = 1L;

    /**
     * A chart source that cannot be reached, with nothing of it in the cache.
     *
     * @param message the source and what to check
     * @param cause the failure underneath
     */
    public SourceUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
