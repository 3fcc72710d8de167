package io.falcooffline.core.chart;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.util.TimeZone;

/**
 * Reads a chart and writes it again, in a JVM of its own: the reproducibility test starts it under different time
 * zones, umasks, locales and user names. Prints the environment it saw.
 *
 * <p>Arguments: input chart, output archive, entry time in epoch seconds.
 */
public final class ChartRepackMain {

    private ChartRepackMain() {}

    public static void main(String[] args) {
        Chart chart = new ChartReader().read(Path.of(args[0]));
        new ChartWriter().write(chart, Path.of(args[1]), Instant.ofEpochSecond(Long.parseLong(args[2])));
        System.out.println("timezone=" + TimeZone.getDefault().getID() + " charset=" + Charset.defaultCharset()
                + " user=" + System.getProperty("user.name"));
    }
}
