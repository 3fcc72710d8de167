package io.falcooffline.core;

import io.falcooffline.core.mirror.DerivedImageBuild;
import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.mirror.MirrorRequest;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.PlannedReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the mirror stage the way the pipeline does, for tests that hand it references directly.
 */
public final class MirrorCalls {

    private MirrorCalls() {}

    public static MirrorResult run(
            MirrorOptions options,
            String registry,
            List<PlannedReference> references,
            Optional<Path> chartFile,
            Optional<Path> planFile,
            ProgressListener listener) {
        String canonical = OciReference.canonicalRegistry(registry);
        List<MirrorRequest.BundleFile> files = new ArrayList<>();
        chartFile.ifPresent(file -> files.add(bundleFile(file)));
        planFile.ifPresent(file -> files.add(bundleFile(file)));
        return Mirror.run(new MirrorRequest(options, options.access(), canonical, references, files), listener);
    }

    /** A run that also builds {@code builds} in the target once their inputs are copied; no bundle files. */
    public static MirrorResult runBuilding(
            MirrorOptions options,
            String registry,
            List<PlannedReference> references,
            List<DerivedImageBuild> builds,
            ProgressListener listener) {
        return Mirror.run(
                new MirrorRequest(
                        options,
                        options.access(),
                        OciReference.canonicalRegistry(registry),
                        references,
                        List.of(),
                        builds,
                        Optional.empty()),
                listener);
    }

    /** The connection settings of {@code options}, for tests that build a mirror request themselves. */
    public static RegistryAccess access(MirrorOptions options) {
        return options.access();
    }

    public static MirrorResult push(PushRequest request, ProgressListener listener) {
        return FalcoOffline.push(request, listener);
    }

    private static MirrorRequest.BundleFile bundleFile(Path file) {
        try {
            return new MirrorRequest.BundleFile(file.getFileName().toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
