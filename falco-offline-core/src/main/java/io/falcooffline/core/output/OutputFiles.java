package io.falcooffline.core.output;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.audit.ControlPlaneFiles;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.node.NodeFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The output stage: writes the rewritten chart, the plan, the kube-apiserver files and the node files into the output
 * directory,
 * each atomically. When one of them fails, the ones this run wrote are removed again, so a failed run leaves no
 * results behind.
 */
public final class OutputFiles {

    /** The directory under the output directory that receives the kube-apiserver files. */
    public static final String AUDIT_DIRECTORY = "audit";

    /** Where the files went. */
    public record Written(Path chartFile, Path planFile) {}

    private OutputFiles() {}

    /**
     * @param besideChart further files for the output directory, by name (the run summary)
     */
    public static Written write(
            Path outputDirectory,
            String chartFileName,
            byte[] chart,
            String planFileName,
            byte[] plan,
            Optional<ControlPlaneFiles.Prepared> controlPlaneFiles,
            Optional<NodeFiles.Prepared> nodeFiles,
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
            if (controlPlaneFiles.isPresent()) {
                ControlPlaneFiles.Written audit = ControlPlaneFiles.write(
                        OutputPaths.inside(outputDirectory, AUDIT_DIRECTORY, "audit directory"),
                        controlPlaneFiles.get());
                audit.warnings().forEach(listener::warn);
                written.add(audit.directory());
                listener.info("Wrote kube-apiserver audit files to " + audit.directory() + " (webhook "
                        + audit.webhookUrl() + ")");
            }
            if (nodeFiles.isPresent()) {
                NodeFiles.Written nodes = NodeFiles.write(
                        OutputPaths.inside(outputDirectory, NodeFiles.DIRECTORY, "nodes directory"), nodeFiles.get());
                written.add(nodes.directory());
                listener.info("Wrote the files every node's container runtime needs to " + nodes.directory()
                        + " (steps in " + NodeFiles.README_FILE + ")");
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
