package io.falcooffline.core;

import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.mirror.MirrorResult;
import io.falcooffline.core.mirror.PushRequest;

/**
 * The library's entry point.
 *
 * <pre>{@code
 * PackageRequest request = PackageRequest.builder()
 *         .chart(Path.of("falco-9.0.0.tgz"))
 *         .registry("192.168.5.96:30003")
 *         .repositoryPrefix("falco")
 *         .repositoryLayout(RepositoryLayout.FLATTEN)
 *         .valuesFile(Path.of("custom_values.yaml"))
 *         .outputDirectory(Path.of("target/falco-offline"))
 *         .build();
 * PackageResult result = FalcoOffline.packageChart(request, (level, message) -> System.out.println(message));
 * }</pre>
 */
public final class FalcoOffline {

    private FalcoOffline() {}

    /**
     * Rewrites a chart so that every image and OCI reference points at the internal registry, bakes in the user's
     * values, and writes {@code <name>-<version>.tgz} and {@code falco-offline.plan.json} to the output directory.
     *
     * @throws FalcoOfflineException for bad input, naming the file, entry, key or reference and the fix; nothing is
     *     written then
     */
    public static PackageResult packageChart(PackageRequest request, ProgressListener listener) {
        return new ChartPackager(listener).run(request);
    }

    /**
     * Inside the air gap: loads an offline bundle written by a package run into the internal registry recorded in
     * it (or {@link PushRequest#registry()}), then checks that every reference of the bundle resolves there with the
     * digest it was recorded with.
     *
     * @throws FalcoOfflineException when the bundle is missing or damaged, a transfer fails (naming the artifact;
     *     no tag is set then), or a reference does not resolve as recorded
     */
    public static MirrorResult push(PushRequest request, ProgressListener listener) {
        return Mirror.push(request, listener);
    }
}
