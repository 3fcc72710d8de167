package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.ProgressListener.Level;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.Log;
import org.junit.jupiter.api.Test;

class MavenLogListenerTest {

    @Test
    void shouldUseTheMatchingMavenLevelWhenTheCoreReports() {
        RecordingLog log = new RecordingLog(true);
        MavenLogListener listener = new MavenLogListener(log);

        listener.debug("reading falco/values.yaml");
        listener.info("falco 9.0.0: 12 references redirected");
        listener.warn("falcoctl index URL still points outside");

        assertThat(log.lines)
                .containsExactly(
                        "DEBUG reading falco/values.yaml",
                        "INFO falco 9.0.0: 12 references redirected",
                        "WARN falcoctl index URL still points outside");
    }

    @Test
    void shouldSkipDebugMessagesWhenDebugIsOff() {
        RecordingLog log = new RecordingLog(false);

        new MavenLogListener(log).log(Level.DEBUG, "detail");

        assertThat(log.lines).isEmpty();
    }

    @Test
    void shouldMaskCredentialsAtEveryLevelWhenAMessageCarriesThem() {
        RecordingLog log = new RecordingLog(true);
        MavenLogListener listener = new MavenLogListener(log);

        listener.debug("GET https://robot:hunter2@r.local/v2/ Authorization: Basic cm9ib3Q6aHVudGVyMg==");
        listener.info("login password=hunter2");
        listener.warn("retrying with token: hunter2");

        assertThat(log.lines).hasSize(3).noneMatch(line -> line.contains("hunter2") || line.contains("cm9ib3Q"));
        assertThat(log.lines.get(0)).contains("https://robot:****@r.local/v2/");
    }

    /** A {@link Log} that keeps what it is given. */
    private static final class RecordingLog implements Log {
        final List<String> lines = new ArrayList<>();
        private final boolean debugEnabled;

        RecordingLog(boolean debugEnabled) {
            this.debugEnabled = debugEnabled;
        }

        private void add(String level, CharSequence content) {
            lines.add(level + " " + content);
        }

        @Override
        public boolean isDebugEnabled() {
            return debugEnabled;
        }

        @Override
        public void debug(CharSequence content) {
            add("DEBUG", content);
        }

        @Override
        public void debug(CharSequence content, Throwable error) {
            add("DEBUG", content);
        }

        @Override
        public void debug(Throwable error) {
            add("DEBUG", error.toString());
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public void info(CharSequence content) {
            add("INFO", content);
        }

        @Override
        public void info(CharSequence content, Throwable error) {
            add("INFO", content);
        }

        @Override
        public void info(Throwable error) {
            add("INFO", error.toString());
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public void warn(CharSequence content) {
            add("WARN", content);
        }

        @Override
        public void warn(CharSequence content, Throwable error) {
            add("WARN", content);
        }

        @Override
        public void warn(Throwable error) {
            add("WARN", error.toString());
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public void error(CharSequence content) {
            add("ERROR", content);
        }

        @Override
        public void error(CharSequence content, Throwable error) {
            add("ERROR", content);
        }

        @Override
        public void error(Throwable error) {
            add("ERROR", error.toString());
        }
    }
}
