package io.falcooffline.core.publish;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What publishing did.
 *
 * @param ociChart the Helm OCI chart reference pushed or stored in the bundle, {@code oci://…}
 * @param ociDigest its manifest digest
 * @param index the {@code index.yaml} written
 * @param gitCommit the commit pushed to the GitOps repository; empty when nothing changed or no repository is set
 */
public record PublishResult(
        Optional<String> ociChart, Optional<String> ociDigest, Optional<Path> index, Optional<String> gitCommit) {

    /** Nothing published. */
    public static PublishResult nothing() {
        return new PublishResult(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
