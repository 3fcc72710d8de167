package io.falcooffline.core;

import io.falcooffline.core.io.JsonWarmUp;
import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.oci.registry.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;

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
        // A mirror run first needs JSON once the chart is read and rendered (the registries' answers, the lock), and
        // registry clients speaking TLS: Jackson, the client and the JDK's trust store load meanwhile, on another
        // core. A run without one writes its plan with Jackson's streaming generator alone and never pays for either.
        if (request.mirror().mode() != MirrorMode.NONE) {
            JsonWarmUp.inBackground();
            RegistryClient.warmUpInBackground();
        }
        try {
            return new Pipeline(listener).run(request);
        } catch (UncheckedIOException e) {
            throw diskOrNetworkFailure(e);
        }
    }

    /**
     * Inside the air gap: loads an offline bundle written by a package run into the internal registry recorded in
     * it, then checks that every reference of the bundle resolves there with the digest it was recorded with. Before
     * copying, it checks that the registry speaks what the bundle's chart tells falcoctl and the nodes (plain HTTP or
     * HTTPS with the chart's CA) and, on a Harbor, that the projects written to exist.
     *
     * @throws FalcoOfflineException when the bundle is missing or damaged, {@link PushRequest#registry()} is not the
     *     bundle's registry, the registry speaks otherwise than the chart says, a Harbor project is missing, a
     *     transfer fails (naming the artifact; no tag is set then), or a reference does not resolve as recorded
     */
    public static MirrorResult push(PushRequest request, ProgressListener listener) {
        if (request.offline()) {
            throw new InvalidRequestException(
                    "offline",
                    "Offline (mvn -o): push loads the bundle into "
                            + request.registry().orElse("the registry the bundle names")
                            + ", which needs the network. Run it without -o.");
        }
        try {
            return Mirror.push(request, request.access(), listener);
        } catch (UncheckedIOException e) {
            throw diskOrNetworkFailure(e);
        }
    }

    /** An I/O failure no stage turned into a message of its own still reaches the caller as one line. */
    private static FalcoOfflineException diskOrNetworkFailure(UncheckedIOException e) {
        IOException cause = e.getCause();
        String detail = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new FalcoOfflineException(
                "I/O failure: " + detail + ". Check that the paths involved are readable and writable, the disk has"
                        + " space and the registries are reachable, then run again.",
                e);
    }
}
