package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.plan.PlannedReference;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One mirror run, built from a plan: where to copy, with which connection settings, what the chart pulls, and the
 * images to build in the target from what is copied.
 *
 * @param options mode, bundle, platforms, registry mirrors, lock file; bundle and lock file already resolved
 * @param access connection settings for every registry the run talks to
 * @param registry the internal registry, canonical {@code host[:port]}
 * @param references the plan's references in use: redirected ones are copied, already internal ones are checked
 *     (when pushing) and recorded, index URLs and references left upstream are skipped. Every falcoctl dependency is
 *     among them: the falco stage resolves them
 * @param bundleFiles files stored beside the artifacts in a bundle (the chart, the plan)
 * @param builds the images built once their inputs are copied, in this order (the baked Falco image, the driver
 *     loader with prebuilt drivers); the plan names each as already internal, and the run records it as built
 * @param chart the rewritten chart, stored (when published as an OCI chart) after everything else and recorded in
 *     the lock; empty for none
 */
public record MirrorRequest(
        MirrorOptions options,
        RegistryAccess access,
        String registry,
        List<PlannedReference> references,
        List<BundleFile> bundleFiles,
        List<DerivedImageBuild> builds,
        Optional<ChartArtifact> chart) {

    public MirrorRequest {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(registry, "registry");
        references = List.copyOf(references);
        bundleFiles = List.copyOf(bundleFiles);
        builds = List.copyOf(builds);
        Objects.requireNonNull(chart, "chart");
    }

    /** A run that builds no image and records no chart. */
    public MirrorRequest(
            MirrorOptions options,
            RegistryAccess access,
            String registry,
            List<PlannedReference> references,
            List<BundleFile> bundleFiles) {
        this(options, access, registry, references, bundleFiles, List.of(), Optional.empty());
    }

    /** A file stored at the top of a bundle under {@code name}. */
    public record BundleFile(String name, byte[] content) {}
}
