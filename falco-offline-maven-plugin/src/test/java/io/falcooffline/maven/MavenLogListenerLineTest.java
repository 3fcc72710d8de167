package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

class MavenLogListenerLineTest {

    @Test
    void shouldKeepAValueWithALineBreakOnOneLogLine() {
        List<String> lines = new ArrayList<>();
        MavenLogListener listener = new MavenLogListener(new SystemStreamLog() {
            @Override
            public void warn(CharSequence content) {
                lines.add(content.toString());
            }
        });

        listener.log(ProgressListener.Level.WARN, "falcoctl reference 'x\n[INFO] BUILD SUCCESS' is not in the index");

        assertThat(lines).containsExactly("falcoctl reference 'x\\u000a[INFO] BUILD SUCCESS' is not in the index");
    }
}
