package io.falcooffline.maven;

import io.falcooffline.core.ProgressListener;
import java.util.Objects;
import org.apache.maven.plugin.logging.Log;

/** Sends the core's progress messages to the Maven build log, with credential-like values masked. */
public final class MavenLogListener implements ProgressListener {

    private final Log log;

    public MavenLogListener(Log log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void log(Level level, String message) {
        message = oneLine(message);
        switch (level) {
            case DEBUG -> {
                if (log.isDebugEnabled()) {
                    log.debug(CredentialMask.mask(message));
                }
            }
            case INFO -> log.info(CredentialMask.mask(message));
            case WARN -> log.warn(CredentialMask.mask(message));
        }
    }

    /** A progress line stays one line: a line break from a values file could otherwise forge log lines. */
    static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            return message;
        }
        StringBuilder out = new StringBuilder(message.length() + 16);
        message.chars().forEach(c -> {
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }
}
