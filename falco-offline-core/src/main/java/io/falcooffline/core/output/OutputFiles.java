package io.falcooffline.core.output;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.io.PreparedDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The output stage: writes the rewritten chart, the plan, the directories earlier stages prepared (the kube-apiserver
 * files, the node files: {@link PreparedDirectory}, whatever they hold) and the run summary into the output
 * directory, each atomically. When one of them fails, the ones this run wrote are removed again, so a failed run
 * leaves no results behind.
 */
public final class OutputFiles {

    /** Where the files went. */
    public record Written(Path chartFile, Path planFile) {}

    private OutputFiles() {}

    /**
     * @param directories the directories earlier stages prepared, each written as a whole under its name
     * @param besideChart further files for the output directory, by name (the run summary)
     */
    public static Written write(
            Path outputDirectory,
            String chartFileName,
            byte[] chart,
            String planFileName,
            byte[] plan,
            List<PreparedDirectory> directories,
            Map<String, byte[]> besideChart,
            ProgressListener listener) {
        Path chartFile = OutputPaths.inside(outputDirectory, chartFileName, "chart archive");
        Path planFile = OutputPaths.inside(outputDirectory, planFileName, "plan");
        List<Path> written = new ArrayList<>();
        try {
            AtomicFiles.write(planFile, plan);
            written.add(planFile);
            AtomicFiles.write(chartFile, chart);
            written.add(chartFile);
            listener.info("Wrote " + chartFile + " and " + planFile);
            for (PreparedDirectory prepared : directories) {
                Path directory = prepared.writeInto(outputDirectory);
                written.add(directory);
                prepared.warnings().forEach(listener::warn);
                listener.info("Wrote " + prepared.description() + " to " + directory + " (" + prepared.detail() + ")");
            }
            for (Map.Entry<String, byte[]> file : besideChart.entrySet()) {
                Path path = OutputPaths.inside(outputDirectory, file.getKey(), "run summary");
                AtomicFiles.write(path, file.getValue());
                written.add(path);
            }
            if (!besideChart.isEmpty()) {
                listener.info("Wrote " + String.join(" and ", besideChart.keySet()) + " to " + outputDirectory
                        + ": what was done and what to do next");
            }
        } catch (FalcoOfflineException e) {
            written.forEach(AtomicFiles::deleteRecursivelyQuietly);
            throw e;
        }
        return new Written(chartFile, planFile);
    }
}
