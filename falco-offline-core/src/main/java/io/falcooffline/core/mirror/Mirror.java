package io.falcooffline.core.mirror;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.reference.FalcoctlIndex;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Copies every artifact a rewritten chart points at to where the cluster can pull it: straight to the internal
 * registry, or into an offline bundle that {@link #push} loads into the registry inside the air gap.
 *
 * <pre>{@code
 * MirrorOptions options = MirrorOptions.builder()
 *         .mode(MirrorMode.BUNDLE)
 *         .platforms("linux/arm64")
 *         .build()
 *         .withDefaults(outputDirectory);
 * MirrorResult result = Mirror.run(options, "192.168.5.96:30003", plan.references(), Optional.of(chart),
 *         Optional.of(planFile), listener);
 * }</pre>
 */
public final class Mirror {

    private Mirror() {}

    /**
     * Mirrors the references of a plan. Falcoctl dependencies that no reference satisfies go beside the plan's
     * references (same repository layout and prefix).
     *
     * @param options where to copy and how
     * @param internalRegistry the internal registry, {@code host[:port]}
     * @param references the plan's references: redirected ones are copied, already internal ones are checked
     *     (when pushing) and recorded, index URLs and references left pointing upstream are skipped
     * @param chartFile the rewritten chart, stored in the bundle
     * @param planFile the plan file, stored in the bundle
     * @param listener receives one line per artifact: what, from where to where, bytes and rate
     * @return the lock and transfer counts
     * @throws MirrorException naming the artifact that failed; no tag of the run is set then
     * @throws io.falcooffline.core.FalcoOfflineException for bad options or an unusable bundle directory
     */
    public static MirrorResult run(
            MirrorOptions options,
            String internalRegistry,
            List<PlannedReference> references,
            Optional<Path> chartFile,
            Optional<Path> planFile,
            ProgressListener listener) {
        return run(
                options,
                internalRegistry,
                references,
                chartFile,
                planFile,
                listener,
                DependencyTargets.inferred(internalRegistry, references));
    }

    /**
     * Mirrors the references of a plan, placing falcoctl dependencies where {@code dependencyTarget} says.
     *
     * @param dependencyTarget maps the full source reference of a dependency ({@code
     *     ghcr.io/falcosecurity/plugins/plugin/json:0.7.0}) to its full target reference, as the plan maps its own
     *     references
     * @see #run(MirrorOptions, String, List, Optional, Optional, ProgressListener)
     */
    public static MirrorResult run(
            MirrorOptions options,
            String internalRegistry,
            List<PlannedReference> references,
            Optional<Path> chartFile,
            Optional<Path> planFile,
            ProgressListener listener,
            UnaryOperator<String> dependencyTarget) {
        RegistryAccess access = options.access();
        return new MirrorRun(
                        options,
                        internalRegistry,
                        listener,
                        Stores.registryClients(access, listener),
                        dependencyTarget,
                        FalcoctlIndex.builtIn())
                .run(references, chartFile, planFile);
    }

    /**
     * Loads an offline bundle into the registry recorded in it (or {@link PushRequest#registry()}), then checks that
     * every reference of the bundle's lock resolves there with the recorded digest, including references that were
     * already internal when the bundle was made.
     *
     * @return the lock as pushed (targets on the registry pushed to) and transfer counts
     * @throws MirrorException naming the artifact that failed, or listing the references that do not resolve
     * @throws io.falcooffline.core.FalcoOfflineException when the bundle is missing or not a falco-offline bundle
     */
    public static MirrorResult push(PushRequest request, ProgressListener listener) {
        return new BundlePusher(request, listener).push();
    }
}
