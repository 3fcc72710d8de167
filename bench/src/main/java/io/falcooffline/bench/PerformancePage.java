package io.falcooffline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Replaces the generated sections of the performance page, leaving its prose alone. */
final class PerformancePage {

    private PerformancePage() {}

    static void update(Path page, Machine machine, List<ReportSection> sections) throws IOException {
        String text = Files.readString(page, StandardCharsets.UTF_8);
        text = replace(text, new ReportSection("machine", machine.markdown()));
        for (ReportSection section : sections) {
            text = replace(text, section);
        }
        Path temporary = page.resolveSibling(page.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String replace(String text, ReportSection section) {
        String begin = "<!-- bench:" + section.id() + ":begin -->";
        String end = "<!-- bench:" + section.id() + ":end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException("The performance page has no " + begin + " … " + end
                    + " block: add one where the " + section.id() + " results belong.");
        }
        return text.substring(0, from + begin.length()) + "\n"
                + section.markdown().strip() + "\n" + text.substring(to);
    }
}
