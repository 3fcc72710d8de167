package io.falcooffline.core;

/** The chart archive or directory cannot be read safely: names the chart and the entry at fault. */
public class InvalidChartException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    /**
     * A chart that is not a usable Helm chart.
     *
     * @param message the file or entry at fault and how to fix it
     */
    public InvalidChartException(String message) {
        super(message);
    }

    /**
     * A chart that is not a usable Helm chart.
     *
     * @param message the file or entry at fault and how to fix it
     * @param cause the failure underneath
     */
    public InvalidChartException(String message, Throwable cause) {
        super(message, cause);
    }
}
