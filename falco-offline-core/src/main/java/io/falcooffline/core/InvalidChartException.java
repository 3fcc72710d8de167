package io.falcooffline.core;

/** The chart archive or directory cannot be read safely: names the chart and the entry at fault. */
public class InvalidChartException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    public InvalidChartException(String message) {
        super(message);
    }

    public InvalidChartException(String message, Throwable cause) {
        super(message, cause);
    }
}
