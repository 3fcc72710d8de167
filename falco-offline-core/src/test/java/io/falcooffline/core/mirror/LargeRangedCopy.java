package io.falcooffline.core.mirror;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.LargeBlobCopy;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Run in a separate JVM with a small heap by {@link LargeRangedCopyTest}: the copy engine fetches one generated layer
 * much larger than the heap in parallel ranges, into a bundle and into another registry. Arguments: {@code
 * <source host> <source host across a distant link> <target host> <bundle dir> <size>}: the layer is published
 * directly and copied from across the link, since ranges pay off only from a distant registry.
 */
public final class LargeRangedCopy {

    private LargeRangedCopy() {}

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[4]);
        Descriptor layer = new Descriptor(MirrorEngineTest.LAYER, LargeBlobCopy.digestOf(size), size);
        try (RegistryClient publisher = client(args[0]);
                RegistryClient source = client(args[1]);
                RegistryClient target = client(args[2]);
                OciLayoutStore bundle = OciLayoutStore.openForWriting(Path.of(args[3]))) {
            publisher.pushBlob("large/image", layer, new LargeBlobCopy.GeneratedStream(size));
            MirrorEngineTest.pushImage(publisher, "large/image", List.of(layer));
            int ranged = 0;
            for (var store : List.of(bundle, target)) {
                try (MirrorEngine engine = new MirrorEngine(16, Duration.ZERO, ProgressListener.SILENT)) {
                    List<StagedArtifact> artifacts = List.of(MirrorEngineTest.staged(source, "large/image", store));
                    engine.copyContent(artifacts);
                    engine.tag(artifacts);
                    ranged += engine.blobsInRanges();
                }
            }
            if (ranged != 2
                    || !bundle.hasBlob("any", layer)
                    || !target.hasBlob("registry.example/large/image", layer)) {
                throw new AssertionError("the layer did not arrive in ranges at both targets: " + ranged);
            }
        }
        System.out.println("copied in ranges " + size + " bytes with a heap of at most "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    }

    private static RegistryClient client(String host) {
        return new RegistryClient(
                RegistryClientOptions.builder(host).plainHttp(true).build());
    }
}
