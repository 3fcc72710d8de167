package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.io.Sizes;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.oci.registry.UpstreamSources;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One {@link Mirror#push}: loads a bundle into a registry and checks every reference of its lock there. */
final class BundlePusher {

    /** The lock's name inside a bundle. */
    static final String LOCK_FILE = MirrorOptions.DEFAULT_LOCK_FILE_NAME;

    private static final int MAX_LOCK_BYTES = 16 * 1024 * 1024;

    private final PushRequest request;
    private final RegistryAccess access;
    private final ProgressListener listener;

    BundlePusher(PushRequest request, RegistryAccess access, ProgressListener listener) {
        this.request = request;
        this.access = access;
        this.listener = listener;
    }

    MirrorResult push() {
        try (OciLayoutStore bundle = OciLayoutStore.openForReading(request.bundle())) {
            MirrorLock recorded = MirrorLock.parse(
                    bundle.readExtraFile(LOCK_FILE, MAX_LOCK_BYTES)
                            .orElseThrow(() -> new FalcoOfflineException(request.bundle()
                                    + " is an OCI layout but not a falco-offline bundle: it has no " + LOCK_FILE
                                    + ". Give the bundle written by falco-offline:package.")),
                    request.bundle() + "!/" + LOCK_FILE);
            String registry = OciReference.canonicalRegistry(recorded.registry());
            request.registry().filter(asked -> !asked.equals(registry)).ifPresent(asked -> {
                throw new InvalidRequestException(
                        "registry",
                        "The bundle's chart pulls every image and artifact from " + registry + " (its plan and lock"
                                + " record it), not from " + asked + ": pushing there would leave the cluster"
                                + " pulling from " + registry + ". Leave `registry` out to push to " + registry
                                + ", or package again with `registry` set to " + asked + ". Nothing was copied.");
            });
            RegistryAccess.Builder withTarget = access.toBuilder();
            request.targetCredentials().ifPresent(credentials -> withTarget.credentials(registry, credentials));
            try (Stores stores = new Stores(Stores.registryClients(withTarget.build(), listener), Map.of());
                    MirrorEngine engine =
                            new MirrorEngine(request.parallelism(), request.progressInterval(), listener)) {
                return push(bundle, recorded, registry, stores, engine, withTarget.build());
            }
        }
    }

    private MirrorResult push(
            OciLayoutStore bundle,
            MirrorLock recorded,
            String registry,
            Stores stores,
            MirrorEngine engine,
            RegistryAccess targetAccess) {
        listener.info("Pushing " + bundle.describe() + " to " + registry + ".");
        requireTrustworthy(bundle, recorded);
        requireRegistryAsChartSays(bundle, registry);
        List<LockEntry> entries = new ArrayList<>();
        List<StagedArtifact> staged = new ArrayList<>();
        for (LockEntry entry : recorded.entries()) {
            if (isUnpublishedChart(entry)) {
                entries.add(entry);
                continue;
            }
            OciReference inBundle = OciReference.parse(entry.target());
            OciReference target = inBundle.withName(registry, inBundle.repository());
            LockEntry moved = entry.toBuilder().target(target.toString()).build();
            entries.add(moved);
            if (entry.origin() == LockEntry.Origin.ALREADY_INTERNAL) {
                continue;
            }
            if (entry.targetDigest() == null) {
                throw new FalcoOfflineException(request.bundle() + ": the lock entry for " + entry.target()
                        + " has no target digest; the bundle is damaged. Write it again.");
            }
            CopyJob job = new CopyJob(
                    entry.origin(),
                    entry.kind(),
                    inBundle,
                    new Location(bundle, inBundle.name()),
                    entry.targetDigest(),
                    target,
                    stores.target(target),
                    target.effectiveTag().orElse(null),
                    false,
                    entry.note());
            staged.add(StagedArtifact.stage(job, List.of()));
        }

        TargetChecks.requireHarborProjects(
                registry,
                targetAccess,
                staged.stream()
                        .map(artifact -> artifact.job().targetName().repository())
                        .toList(),
                listener);
        engine.copyContent(staged);
        engine.tag(staged);
        verify(stores, entries, registry);
        listener.info("Pushed " + staged.size() + " artifacts to " + registry + ": "
                + Sizes.format(engine.bytesTransferred()) + " in " + engine.blobsTransferred() + " blobs, "
                + engine.blobsSkipped() + " already there; every reference resolves with its recorded digest.");
        return new MirrorResult(
                MirrorMode.PUSH,
                "registry " + registry,
                registry,
                entries,
                engine.bytesTransferred(),
                engine.blobsTransferred(),
                engine.blobsSkipped(),
                engine.blobsMounted(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * Refuses a bundle whose lock could make this push write anywhere but the one registry, or tag what the bundle
     * does not hold, before anything is copied or tagged: every entry must name the bundle's registry, no tag may be
     * claimed twice with different digests, and every copied entry's tag in the bundle must point at the digest the
     * lock records.
     */
    private void requireTrustworthy(OciLayoutStore bundle, MirrorLock recorded) {
        String bundleRegistry = OciReference.canonicalRegistry(recorded.registry());
        String rewrite = " The bundle was changed after falco-offline:package wrote it; write it again with"
                + " falco-offline:package rather than pushing this one.";
        Map<String, String> digestByTag = new java.util.HashMap<>();
        for (LockEntry entry : recorded.entries()) {
            if (isUnpublishedChart(entry)) {
                // Provenance only: names the chart file, pushes nothing.
                continue;
            }
            OciReference target = OciReference.parse(entry.target());
            if (!OciReference.canonicalRegistry(target.registry()).equals(bundleRegistry)) {
                throw new FalcoOfflineException(request.bundle() + ": the lock entry for " + entry.target()
                        + " names registry " + target.registry() + ", but the bundle is for " + recorded.registry()
                        + "; push sends artifacts only to the registry it is given (or the bundle's)." + rewrite);
            }
            if (target.tag() != null && entry.targetDigest() != null) {
                String previous =
                        digestByTag.putIfAbsent(target.repository() + ":" + target.tag(), entry.targetDigest());
                if (previous != null && !previous.equals(entry.targetDigest())) {
                    throw new FalcoOfflineException(request.bundle() + ": the lock has two entries for tag "
                            + entry.target() + ", with digests " + previous + " and " + entry.targetDigest()
                            + "; one tag holds one digest." + rewrite);
                }
            }
            if (entry.origin() == LockEntry.Origin.ALREADY_INTERNAL || entry.targetDigest() == null) {
                continue;
            }
            if (!io.falcooffline.core.oci.Digests.isDigest(entry.targetDigest())) {
                throw new FalcoOfflineException(request.bundle() + ": the lock entry for " + entry.target()
                        + " has target digest " + io.falcooffline.core.io.SafeText.quote(entry.targetDigest())
                        + ", which is not a sha256 or sha512 digest." + rewrite);
            }
            if (target.tag() != null) {
                Optional<Descriptor> tagged = bundle.resolve(target.name(), target.tag());
                if (tagged.isPresent() && !tagged.get().digest().equals(entry.targetDigest())) {
                    throw new FalcoOfflineException(request.bundle() + ": the lock records " + entry.target() + " as "
                            + entry.targetDigest() + ", but the bundle's index.json tags it as "
                            + tagged.get().digest() + "." + rewrite);
                }
            }
        }
    }

    /**
     * Checks, before anything is copied, that the registry speaks what the bundle's chart tells falcoctl and the
     * nodes (as recorded in {@link ChartRegistry#FILE_NAME}), and that this push reaches it the same way.
     */
    private void requireRegistryAsChartSays(OciLayoutStore bundle, String registry) {
        String name = request.bundle() + "!/" + ChartRegistry.FILE_NAME;
        Optional<ChartRegistry> chart = bundle.readExtraFile(ChartRegistry.FILE_NAME, ChartRegistry.MAX_BYTES)
                .map(bytes -> ChartRegistry.parse(bytes, name));
        if (chart.isEmpty()) {
            listener.warn(request.bundle() + " does not record how its chart reaches " + registry + " (no "
                    + ChartRegistry.FILE_NAME + ": written by an earlier falco-offline), so plain HTTP against HTTPS"
                    + " and the CA are not checked before pushing.");
            return;
        }
        if (!chart.get().registry().equals(registry)) {
            throw new FalcoOfflineException(
                    name + " names registry " + chart.get().registry() + ", but the lock " + registry
                            + "; the bundle is damaged. Write it again with falco-offline:package.");
        }
        TargetChecks.requireSpeaksAsChartSays(chart.get(), access, TargetChecks.Run.PUSH, listener);
        boolean pushesPlain = UpstreamSources.plainHttp(access.insecureRegistries(), registry);
        if (pushesPlain != chart.get().plainHttp()) {
            throw new InvalidRequestException(
                    "insecureRegistries",
                    "The bundle's chart speaks " + chart.get().describe() + " to " + registry + ", and the registry"
                            + " answers so, but this push was told otherwise: "
                            + (pushesPlain
                                    ? "leave " + registry + " out of `insecureRegistries`"
                                    : "add " + registry + " to `insecureRegistries`")
                            + " (and give `caFile` for a private CA). Nothing was copied.");
        }
    }

    /** Checks that every entry resolves on its registry with the digest the lock recorded. */
    private void verify(Stores stores, List<LockEntry> entries, String registry) {
        List<String> problems = new ArrayList<>();
        String firstFailing = null;
        for (LockEntry entry : entries) {
            if (isUnpublishedChart(entry)) {
                continue;
            }
            Optional<String> problem = problemWith(stores, entry);
            if (problem.isPresent()) {
                problems.add(problem.get());
                firstFailing = firstFailing == null ? entry.target() : firstFailing;
            }
        }
        if (!problems.isEmpty()) {
            throw new MirrorException(
                    firstFailing,
                    "After pushing, " + problems.size() + " reference(s) of the bundle do not resolve on " + registry
                            + " as recorded: " + String.join("; ", problems)
                            + ". Check that nothing else writes these tags, then push again.",
                    null);
        }
    }

    /** The chart's provenance entry when the chart was not put into the bundle as an OCI chart. */
    private static boolean isUnpublishedChart(LockEntry entry) {
        return entry.origin() == LockEntry.Origin.CHART && entry.targetDigest() == null;
    }

    private static Optional<String> problemWith(Stores stores, LockEntry entry) {
        OciReference target = OciReference.parse(entry.target());
        Location location = stores.target(target);
        String reference = target.digest() != null
                ? target.digest()
                : target.effectiveTag().orElseThrow();
        Optional<Descriptor> found;
        try {
            found = location.store().resolve(location.repository(), reference);
        } catch (RuntimeException e) {
            return Optional.of(entry.target() + ": " + e.getMessage());
        }
        if (found.isEmpty()) {
            return Optional.of(entry.target() + " does not exist"
                    + (entry.origin() == LockEntry.Origin.ALREADY_INTERNAL
                            ? " (the chart expects it on the registry already; push it there)"
                            : ""));
        }
        if (entry.targetDigest() != null && !found.get().digest().equals(entry.targetDigest())) {
            return Optional.of(
                    entry.target() + " is " + found.get().digest() + ", not the recorded " + entry.targetDigest());
        }
        return Optional.empty();
    }
}
