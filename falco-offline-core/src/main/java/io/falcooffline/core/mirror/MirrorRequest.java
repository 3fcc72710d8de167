package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.falco.BakePlan;
import io.falcooffline.core.falco.DriverImagePlan;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.TargetMapping;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One mirror run, built from a plan: where to copy, with which connection settings, what the chart pulls, and how
 * the plan maps sources, so that artifacts the chart does not name (falcoctl dependencies) land beside the rest.
 *
 * @param options mode, bundle, platforms, registry mirrors, lock file; bundle and lock file already resolved
 * @param access connection settings for every registry the run talks to
 * @param registry the internal registry, canonical {@code host[:port]}
 * @param references the plan's references in use: redirected ones are copied, already internal ones are checked
 *     (when pushing) and recorded, index URLs and references left upstream are skipped
 * @param dependencyTargets the plan's mapping, for falcoctl dependencies
 * @param bundleFiles files stored beside the artifacts in a bundle (the chart, the plan)
 * @param bake the derived Falco image to build once its base and artifacts are mirrored ({@code delivery=baked})
 * @param drivers the driver-loader image with prebuilt drivers to build once its base is mirrored ({@code driverKernels})
 */
public record MirrorRequest(
        MirrorOptions options,
        RegistryAccess access,
        String registry,
        List<PlannedReference> references,
        TargetMapping dependencyTargets,
        List<BundleFile> bundleFiles,
        Optional<BakePlan> bake,
        Optional<DriverImagePlan> drivers) {

    public MirrorRequest {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(registry, "registry");
        references = List.copyOf(references);
        Objects.requireNonNull(dependencyTargets, "dependencyTargets");
        bundleFiles = List.copyOf(bundleFiles);
        Objects.requireNonNull(bake, "bake");
        Objects.requireNonNull(drivers, "drivers");
    }

    /** A run that builds no driver-loader image. */
    public MirrorRequest(
            MirrorOptions options,
            RegistryAccess access,
            String registry,
            List<PlannedReference> references,
            TargetMapping dependencyTargets,
            List<BundleFile> bundleFiles,
            Optional<BakePlan> bake) {
        this(options, access, registry, references, dependencyTargets, bundleFiles, bake, Optional.empty());
    }

    /** A run that builds no image. */
    public MirrorRequest(
            MirrorOptions options,
            RegistryAccess access,
            String registry,
            List<PlannedReference> references,
            TargetMapping dependencyTargets,
            List<BundleFile> bundleFiles) {
        this(options, access, registry, references, dependencyTargets, bundleFiles, Optional.empty(), Optional.empty());
    }

    /** A file stored at the top of a bundle under {@code name}. */
    public record BundleFile(String name, byte[] content) {}
}
