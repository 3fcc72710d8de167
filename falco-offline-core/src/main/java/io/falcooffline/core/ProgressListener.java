package io.falcooffline.core;

/**
 * Receives what falco-offline reports while it works. Embedders adapt it to their own logging; the Maven plugin
 * adapts it to the build log.
 *
 * <p>Messages never contain credentials.
 */
@FunctionalInterface
public interface ProgressListener {

    /** How much a message matters to the user. */
    enum Level {
        DEBUG,
        INFO,
        WARN
    }

    /** A listener that drops every message. */
    ProgressListener SILENT = (level, message) -> {};

    /**
     * Reports one message.
     *
     * @param level how much it matters
     * @param message one line of text for a person
     */
    void log(Level level, String message);

    /** Reports a detail that is useful when something goes wrong. */
    default void debug(String message) {
        log(Level.DEBUG, message);
    }

    /** Reports a step of the work. */
    default void info(String message) {
        log(Level.INFO, message);
    }

    /** Reports something the user should look at. */
    default void warn(String message) {
        log(Level.WARN, message);
    }
}
