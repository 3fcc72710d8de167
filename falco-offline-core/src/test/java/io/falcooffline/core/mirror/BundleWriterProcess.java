package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes a bundle in its own JVM, so a test can kill it mid-write. Arguments: bundle directory, internal registry,
 * registry mirrors, insecure registries, then {@code source=target} image references.
 */
public final class BundleWriterProcess {

    private BundleWriterProcess() {}

    public static void main(String[] args) {
        List<PlannedReference> plan = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            plan.add(new PlannedReference(ReferenceKind.IMAGE, pair[0], pair[1], Disposition.REDIRECTED, List.of()));
        }
        MirrorOptions options = MirrorOptions.builder()
                .mode(MirrorMode.BUNDLE)
                .bundle(Path.of(args[0]))
                .registryMirrors(UpstreamFixture.registryMirrors(args[2]))
                .insecureRegistries(List.of(args[2]))
                .build();
        MirrorCalls.run(options, args[1], plan, Optional.empty(), Optional.empty(), ProgressListener.SILENT);
    }
}
