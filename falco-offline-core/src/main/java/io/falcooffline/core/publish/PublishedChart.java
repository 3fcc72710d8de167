package io.falcooffline.core.publish;

import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.source.ResolvedChart;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A package run's output, to publish.
 *
 * @param chartFile where the rewritten chart archive was written, which names it
 * @param archive the archive's bytes as written, so that publishing does not read the file back
 * @param planFile the plan
 * @param registry the internal registry, {@code host[:port]}
 * @param repositoryPrefix the path put before the chart's repository; empty for none
 * @param mirror the run's mirror options with {@link MirrorOptions#withDefaults} applied: the mode, the bundle, the
 *     lock file
 * @param access how to reach the registry and the git server
 * @param source what the chart was made from
 */
public record PublishedChart(
        Path chartFile,
        byte[] archive,
        Path planFile,
        String registry,
        String repositoryPrefix,
        MirrorOptions mirror,
        RegistryAccess access,
        ResolvedChart source) {

    public PublishedChart {
        Objects.requireNonNull(chartFile, "chartFile");
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(planFile, "planFile");
        Objects.requireNonNull(registry, "registry");
        repositoryPrefix = repositoryPrefix == null ? "" : repositoryPrefix;
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(source, "source");
    }
}
