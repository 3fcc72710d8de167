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
}
