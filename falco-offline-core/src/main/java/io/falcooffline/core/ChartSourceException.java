package io.falcooffline.core;

/**
 * A chart source that cannot give the chart: a wrong digest, no version satisfying the requirement, a missing git
 * ref, a source that cannot be reached with nothing cached. The message names the source and the fix.
 */
public class ChartSourceException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    /**
     * A chart source that cannot be used.
     *
     * @param message what is wrong with the source and how to fix it
     */
    public ChartSourceException(String message) {
        super(message);
    }

    /**
     * A chart source that cannot be used.
     *
     * @param message what is wrong with the source and how to fix it
     * @param cause the failure underneath
     */
    public ChartSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
