package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.OciStore;
import java.io.ByteArrayInputStream;
import java.util.Optional;

/** Writes a Helm OCI chart into a registry or a bundle, and checks that a registry kept it. */
public final class ChartStore {

    private ChartStore() {}

    /**
     * Pushes the blobs {@code store} lacks, then the manifest under {@code tag}.
     *
     * @param repository the chart's repository as {@code store} names it
     */
    public static void store(OciStore store, String repository, String tag, ChartArtifact.OciChart chart) {
        chart.blobs().forEach((descriptor, content) -> {
            if (!store.hasBlob(repository, descriptor)) {
                store.pushBlob(repository, descriptor, new ByteArrayInputStream(content));
            }
        });
        store.pushManifest(repository, tag, chart.manifest());
    }

    /**
     * Reads back what was pushed, as {@code push} does for a bundle: a registry that accepted the chart but did not
     * store it (a full disk, a read-only replica answering 201) must not be reported as published.
     *
     * @throws FalcoOfflineException naming {@code oci://<reference>} and what is missing
     */
    public static void requireStored(OciStore store, String repository, String tag, ChartArtifact.OciChart chart) {
        String reference = "oci://" + chart.reference();
        String expected = chart.manifest().descriptor().digest();
        Optional<Descriptor> found = store.resolve(repository, tag);
        String problem = null;
        if (found.isEmpty()) {
            problem = "does not resolve there";
        } else if (!found.get().digest().equals(expected)) {
            problem = "resolves to " + found.get().digest() + ", not the pushed " + expected;
        } else {
            for (Descriptor blob : chart.blobs().keySet()) {
                if (!store.hasBlob(repository, blob)) {
                    problem = "lacks its blob " + blob.digest();
                    break;
                }
            }
        }
        if (problem != null) {
            throw new FalcoOfflineException("After pushing, the chart " + reference + " " + problem + ": the registry"
                    + " accepted it without storing it. Check the registry's storage and that nothing else writes"
                    + " this tag, then run again.");
        }
    }
}
