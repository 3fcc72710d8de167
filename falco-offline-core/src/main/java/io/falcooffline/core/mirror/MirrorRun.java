package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.falco.BakePlan;
import io.falcooffline.core.falco.DriverImagePlan;
import io.falcooffline.core.falco.FalcoctlDependencies;
import io.falcooffline.core.falco.FalcoctlIndex;
import io.falcooffline.core.falco.bake.BakeRequest;
import io.falcooffline.core.falco.bake.BakeResult;
import io.falcooffline.core.falco.bake.BakeStore;
import io.falcooffline.core.falco.bake.DriverLoaderBaker;
import io.falcooffline.core.falco.bake.FalcoImageBaker;
import io.falcooffline.core.io.Sizes;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.layout.BundleArchive;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One {@link Mirror#run}: plans the copy jobs, reads their graphs, copies, tags, and writes lock and bundle. */
final class MirrorRun {

    /** Suffixes of the tags cosign puts beside {@code sha256-<hex>}: signature, attestation, SBOM, referrers. */
    private static final List<String> SIGNATURE_SUFFIXES = List.of(".sig", ".att", ".sbom", "");

    private static final int MAX_CONFIG_BYTES = 1024 * 1024;
    private static final int MAX_DEPENDENCY_ROUNDS = 8;

    private final MirrorRequest request;
    private final MirrorOptions options;
    private final String registry;
    private final ProgressListener listener;
    private final Stores.Opener opener;
    private final FalcoctlIndex index;

    private Stores stores;
    private OciLayoutStore bundle;
    private Optional<MirrorLock> previousLock = Optional.empty();

    MirrorRun(MirrorRequest request, ProgressListener listener, Stores.Opener opener, FalcoctlIndex index) {
        this.request = request;
        this.options = request.options();
        this.registry = request.registry();
        this.listener = listener;
        this.opener = opener;
        this.index = index;
    }

    MirrorResult run() {
        if (options.mode() == MirrorMode.NONE) {
            throw new InvalidRequestException("mirror", "A mirror run needs a mode: push or bundle.");
        }
        if (registry.isEmpty()) {
            throw new InvalidRequestException("registry", "No internal registry given to mirror to.");
        }
        if (options.mode() == MirrorMode.BUNDLE && options.bundle().isEmpty()) {
            throw new InvalidRequestException(
                    "bundle", "No bundle directory given: set `bundle`, or apply MirrorOptions.withDefaults.");
        }
        if (options.mode() == MirrorMode.PUSH) {
            TargetChecks.requireSpeaksAsChartSays(
                    ChartRegistry.of(registry, request.access()), request.access(), TargetChecks.Run.PACKAGE, listener);
        }
        previousLock = options.lockFile().flatMap(MirrorLock::read);
        previousLock.ifPresent(lock -> listener.info("Fetching sources at the digests locked in "
                + options.lockFile().orElseThrow() + " (" + lock.entries().size() + " entries)."));
        try (Stores opened = new Stores(opener, options.registryMirrors());
                MirrorEngine engine = new MirrorEngine(options.parallelism(), options.progressInterval(), listener)) {
            stores = opened;
            if (options.mode() == MirrorMode.BUNDLE) {
                bundle = stores.own(
                        OciLayoutStore.openForWriting(options.bundle().orElseThrow()));
                // Until the run finishes the bundle has no lock, so a failed run leaves nothing push would load. A
                // later
                // stage that adds to a finished bundle (the published chart) opens it without removing the lock.
                bundle.removeExtraFile(BundlePusher.LOCK_FILE);
            }
            String destination = options.mode() == MirrorMode.BUNDLE ? bundle.describe() : "registry " + registry;
            listener.info("Mirroring to " + destination + ".");

            List<LockEntry> internal = new ArrayList<>();
            List<CopyJob> jobs = planJobs(request.references(), internal);
            List<StagedArtifact> staged =
                    new ArrayList<>(engine.map(jobs, job -> StagedArtifact.stage(job, options.platforms())));
            requirePinnedDigests(staged);
            staged.addAll(stageDependencies(staged, engine));
            if (options.copySignatures()) {
                engine.map(List.copyOf(staged), this::stageSignatures).forEach(staged::addAll);
            }
            // The baked image is built here, after its base: it is not expected to exist yet.
            Optional<OciReference> bakedImage = request.bake().map(plan -> OciReference.parse(plan.image()));
            internal.removeIf(entry -> bakedImage.isPresent()
                    && entry.target().equals(bakedImage.get().toString()));
            request.drivers()
                    .ifPresent(plan -> internal.removeIf(entry -> entry.target().equals(plan.image())));
            checkAlreadyInternal(internal);
            if (options.mode() == MirrorMode.PUSH) {
                List<String> repositories = new ArrayList<>();
                staged.forEach(
                        artifact -> repositories.add(artifact.job().targetName().repository()));
                bakedImage.ifPresent(image -> repositories.add(image.repository()));
                TargetChecks.requireHarborProjects(registry, request.access(), repositories, listener);
            }

            engine.copyContent(staged);
            engine.tag(staged);
            List<BakedImage> baked = new ArrayList<>();
            request.bake().map(this::bake).ifPresent(baked::add);
            request.drivers().map(this::bakeDrivers).ifPresent(baked::add);

            List<LockEntry> entries = new ArrayList<>(internal);
            staged.forEach(artifact -> entries.add(artifact.toLockEntry()));
            baked.forEach(image -> entries.add(image.lockEntry()));
            MirrorLock lock = new MirrorLock(registry, entries);
            Optional<Path> archive = Optional.empty();
            if (bundle != null) {
                archive = finishBundle(staged, baked, lock);
            }
            // Last, so that a failed run leaves the previous lock as it was.
            options.lockFile().ifPresent(lock::write);
            listener.info("Mirrored " + staged.size() + " artifacts to " + destination + ": "
                    + Sizes.format(engine.bytesTransferred()) + " in " + engine.blobsTransferred() + " blobs, "
                    + engine.blobsSkipped() + " already there, " + engine.blobsMounted() + " mounted.");
            return new MirrorResult(
                    options.mode(),
                    destination,
                    lock.registry(),
                    lock.entries(),
                    engine.bytesTransferred(),
                    engine.blobsTransferred(),
                    engine.blobsSkipped(),
                    engine.blobsMounted(),
                    options.mode() == MirrorMode.BUNDLE ? options.bundle() : Optional.empty(),
                    archive,
                    options.lockFile());
        } catch (RuntimeException e) {
            if (bundle != null) {
                bundle.discardResults();
                deleteQuietly(bundleArchive());
            }
            throw e;
        }
    }

    private Path bundleArchive() {
        Path directory = options.bundle().orElseThrow();
        return directory.resolveSibling(directory.getFileName() + ".tar");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The failure that led here is the one worth reporting.
        }
    }

    private List<CopyJob> planJobs(List<PlannedReference> references, List<LockEntry> internal) {
        Map<String, CopyJob> jobs = new LinkedHashMap<>();
        Set<String> internalSeen = new HashSet<>();
        for (PlannedReference reference : references) {
            if (reference.kind() == ReferenceKind.INDEX) {
                continue;
            }
            switch (reference.disposition()) {
                case NOT_REDIRECTED ->
                    listener.warn("Not mirrored: " + reference.source()
                            + " still points upstream in the chart, so the cluster pulls it from there.");
                case ALREADY_INTERNAL -> {
                    if (internalSeen.add(reference.source())) {
                        internal.add(new LockEntry(
                                LockEntry.Origin.ALREADY_INTERNAL,
                                reference.kind(),
                                reference.source(),
                                null,
                                reference.source(),
                                null,
                                "",
                                List.of(),
                                0,
                                "already on the internal registry"));
                    }
                }
                case REDIRECTED -> {
                    CopyJob job = job(
                            LockEntry.Origin.PLAN,
                            reference.kind(),
                            reference.sourceReference().orElseThrow(),
                            reference.targetReference().orElseThrow(),
                            "");
                    jobs.putIfAbsent(job.sourceName() + " " + job.targetName(), job);
                }
            }
        }
        return List.copyOf(jobs.values());
    }

    /** A target the plan pins by digest must be what the copy writes, or the chart would pull something else. */
    private static void requirePinnedDigests(List<StagedArtifact> staged) {
        for (StagedArtifact artifact : staged) {
            String pinned = artifact.job().targetName().digest();
            String copied = artifact.graph().root().descriptor().digest();
            if (pinned != null && !pinned.equals(copied)) {
                throw new MirrorException(
                        artifact.job().targetName().toString(),
                        "The plan pins " + artifact.job().targetName() + ", but copying "
                                + artifact.job().sourceName() + " writes " + copied
                                + " (other platforms than the plan was made for?). Package again with the same"
                                + " `platforms`. Nothing was tagged.",
                        null);
            }
        }
    }

    private CopyJob job(
            LockEntry.Origin origin, ReferenceKind kind, OciReference source, OciReference target, String note) {
        String sourceName = source.toString();
        String sourceReference = source.digest() != null
                ? source.digest()
                : previousLock
                        .flatMap(lock -> lock.findSource(sourceName))
                        .map(LockEntry::sourceDigest)
                        .orElse(source.effectiveTag().orElseThrow());
        Location targetLocation =
                options.mode() == MirrorMode.BUNDLE ? new Location(bundle, target.name()) : stores.target(target);
        return new CopyJob(
                origin,
                kind,
                source,
                stores.source(source),
                sourceReference,
                target,
                targetLocation,
                target.effectiveTag().orElse(null),
                // A target pinned to the source's own digest must keep it; one pinned to another digest (pinDigests
                // with platforms) names the narrowed index.
                target.digest() == null || !target.digest().equals(source.digest()),
                note);
    }

    private List<StagedArtifact> stageDependencies(List<StagedArtifact> explicit, MirrorEngine engine) {
        List<StagedArtifact> added = new ArrayList<>();
        Map<String, FalcoctlDependencies.Config> configs = new LinkedHashMap<>();
        Set<String> fetched = new HashSet<>();
        explicit.forEach(artifact -> fetched.add(artifact.job().sourceName().toString()));
        List<StagedArtifact> toRead = new ArrayList<>(explicit);
        for (int round = 0; round < MAX_DEPENDENCY_ROUNDS && !toRead.isEmpty(); round++) {
            List<Optional<FalcoctlDependencies.Config>> read = engine.map(toRead, this::readConfig);
            for (int i = 0; i < toRead.size(); i++) {
                String name = toRead.get(i).job().sourceName().toString();
                read.get(i).ifPresent(config -> configs.put(name, config));
            }
            List<CopyJob> dependencies = new ArrayList<>();
            List<String> conflicts = new ArrayList<>();
            for (FalcoctlDependencies.Unmet unmet : FalcoctlDependencies.unmet(configs.values(), conflicts)) {
                Optional<FalcoctlIndex.Entry> entry =
                        index.find(unmet.requirement().name());
                if (entry.isEmpty()) {
                    listener.warn(unmet.requiredBy() + " depends on " + unmet.falcoctlReference()
                            + ", which is not in the falcoctl index, so it is not mirrored; falcoctl will fail to "
                            + "resolve it unless resolveDeps is off or a reference of the chart provides it.");
                    continue;
                }
                OciReference source = entry.get().at(":" + unmet.requirement().version());
                if (!fetched.add(source.toString())) {
                    continue;
                }
                OciReference target = request.dependencyTargets().targetOf(source);
                String note = unmet.falcoctlReference() + ", required by " + unmet.requiredBy();
                listener.info("Also mirroring " + source + " -> " + target + ": falcoctl resolves " + note + ".");
                dependencies.add(job(LockEntry.Origin.DEPENDENCY, entry.get().type(), source, target, note));
            }
            conflicts.forEach(listener::warn);
            toRead = engine.map(dependencies, job -> StagedArtifact.stage(job, options.platforms()));
            added.addAll(toRead);
        }
        return added;
    }

    private Optional<FalcoctlDependencies.Config> readConfig(StagedArtifact artifact) {
        List<Descriptor> falcoConfigs = artifact.graph().falcoConfigs();
        if (falcoConfigs.isEmpty()) {
            return Optional.empty();
        }
        Descriptor config = falcoConfigs.get(0);
        if (config.size() > MAX_CONFIG_BYTES) {
            listener.warn(artifact.job().sourceName() + " has a " + Sizes.format(config.size())
                    + " config; its dependencies are not checked.");
            return Optional.empty();
        }
        Location source = artifact.job().source();
        try (InputStream in = source.store().fetchBlob(source.repository(), config)) {
            byte[] bytes = in.readAllBytes();
            return Optional.of(FalcoctlDependencies.parse(
                    bytes, artifact.job().sourceName().toString()));
        } catch (IOException | RuntimeException e) {
            throw new MirrorException(
                    artifact.job().sourceName().toString(),
                    "Cannot read the config of " + artifact.job().sourceName() + " from " + source + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The signatures, attestations and referrers tag of an artifact found beside it in its source. */
    private List<StagedArtifact> stageSignatures(StagedArtifact artifact) {
        List<StagedArtifact> signatures = new ArrayList<>();
        CopyJob job = artifact.job();
        if (artifact.graph().narrowed()) {
            listener.info("Signatures of " + job.sourceName() + " are not copied: narrowing it to "
                    + artifact.graph().platforms() + " changed its digest, which they sign.");
            return signatures;
        }
        String digest = artifact.graph().sourceRoot().digest();
        String prefix = digest.replace(':', '-');
        OciReference sourceName = job.sourceName();
        OciReference targetName = job.targetName();
        for (String suffix : SIGNATURE_SUFFIXES) {
            String tag = prefix + suffix;
            Optional<Descriptor> found;
            try {
                found = job.source().store().resolve(job.source().repository(), tag);
            } catch (RuntimeException e) {
                listener.warn("Cannot look for " + tag + " of " + job.sourceName() + ": " + e.getMessage()
                        + "; it is not copied.");
                continue;
            }
            if (found.isEmpty()) {
                continue;
            }
            CopyJob signature = new CopyJob(
                    LockEntry.Origin.SIGNATURE,
                    job.kind(),
                    new OciReference(sourceName.registry(), sourceName.repository(), tag, null),
                    job.source(),
                    found.get().digest(),
                    new OciReference(targetName.registry(), targetName.repository(), tag, null),
                    job.target(),
                    tag,
                    false,
                    "signs " + job.targetName());
            signatures.add(StagedArtifact.stage(signature, List.of()));
        }
        return signatures;
    }

    private void checkAlreadyInternal(List<LockEntry> internal) {
        if (options.mode() != MirrorMode.PUSH) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < internal.size(); i++) {
            LockEntry entry = internal.get(i);
            OciReference reference = parse(entry.target(), "reference");
            Location location = stores.target(reference);
            String tagOrDigest = reference.digest() != null
                    ? reference.digest()
                    : reference.effectiveTag().orElseThrow();
            Optional<Descriptor> found = location.store().resolve(location.repository(), tagOrDigest);
            if (found.isEmpty()) {
                missing.add(entry.target());
                continue;
            }
            internal.set(
                    i,
                    new LockEntry(
                            entry.origin(),
                            entry.kind(),
                            entry.source(),
                            found.get().digest(),
                            entry.target(),
                            found.get().digest(),
                            found.get().mediaType(),
                            List.of(),
                            found.get().size(),
                            entry.note()));
        }
        if (!missing.isEmpty()) {
            throw new FalcoOfflineException("These references already point at " + registry
                    + " but do not exist there: " + String.join(", ", missing)
                    + ". Push them there first, or point the chart at their upstream source so they are mirrored.");
        }
    }

    /** The derived Falco image of {@code delivery=baked}, and how the lock and bundle keep it. */
    private record BakedImage(LockEntry lockEntry, String bundleRefName, Set<String> digests) {}

    /**
     * Builds the derived Falco image from what this run has just mirrored (its base and the artifacts to bake), in
     * the target itself: the registry, or the bundle, which {@code push} then loads like any other entry.
     */
    private BakedImage bake(BakePlan plan) {
        OciReference image = OciReference.parse(plan.image());
        OciReference base = OciReference.parse(plan.baseImage());
        BakeStore store = options.mode() == MirrorMode.BUNDLE
                ? BakeStore.layout(bundle)
                : BakeStore.registry(stores.target(image).store());
        BakeResult result = FalcoImageBaker.bake(
                BakeRequest.builder()
                        .baseImage(base)
                        .artifacts(plan.artifacts().stream()
                                .map(OciReference::parse)
                                .toList())
                        .rulesFiles(List.copyOf(plan.rulesFiles().values()))
                        .overrideContainerPluginConfig(plan.overrideContainerPluginConfig())
                        .platforms(plan.platforms())
                        .source(store)
                        .target(store)
                        .targetImage(image)
                        .buildContext(plan.buildContext().orElse(null))
                        .build(),
                listener);
        List<String> missing = plan.pluginLibraries().values().stream()
                .filter(library -> !result.libraryPaths().contains(library))
                .toList();
        if (!missing.isEmpty()) {
            throw new FalcoOfflineException("The baked image " + image + " lacks " + String.join(", ", missing)
                    + ", which the values load from it: check that the artifacts " + plan.artifacts()
                    + " ship these libraries, or pin versions that do with `artifacts`.");
        }
        BakedImage baked = baked(
                image,
                base.toString(),
                result.index(),
                result.platforms(),
                "baked from " + base + " with " + String.join(", ", plan.artifacts()));
        listener.info("Baked " + image + " (" + result.index().digest() + ") for "
                + String.join(", ", baked.lockEntry().platforms()) + ".");
        return baked;
    }

    /**
     * Builds the driver-loader image with prebuilt drivers from the loader image this run has just mirrored, in the
     * target itself, and records it as {@code BAKED}.
     */
    private BakedImage bakeDrivers(DriverImagePlan plan) {
        OciReference image = OciReference.parse(plan.image());
        BakeStore store = options.mode() == MirrorMode.BUNDLE
                ? BakeStore.layout(bundle)
                : BakeStore.registry(stores.target(image).store());
        DriverLoaderBaker.Built built = DriverLoaderBaker.bake(plan, store, listener);
        return baked(
                image,
                plan.baseImage(),
                built.index(),
                built.platforms(),
                "driver loader with the drivers " + plan.driverVersion() + " of "
                        + String.join(
                                ", ",
                                plan.drivers().stream()
                                        .map(driver ->
                                                driver.kernel() + " " + driver.architecture() + " " + driver.digest())
                                        .toList()));
    }

    /** A derived image built in the target, recorded as {@code BAKED}: its lock entry and every digest it holds. */
    private static BakedImage baked(
            OciReference image, String base, Descriptor index, List<BakeResult.PlatformImage> built, String note) {
        Set<String> digests = new HashSet<>();
        digests.add(index.digest());
        List<String> platforms = new ArrayList<>();
        for (BakeResult.PlatformImage platform : built) {
            digests.add(platform.manifest().digest());
            digests.add(platform.config().digest());
            digests.add(platform.addedLayer().digest());
            platforms.add(platform.platform().toString());
        }
        LockEntry entry = new LockEntry(
                LockEntry.Origin.BAKED,
                ReferenceKind.IMAGE,
                base,
                null,
                image.toString(),
                index.digest(),
                index.mediaType(),
                platforms,
                index.size(),
                note);
        return new BakedImage(entry, image.name() + ":" + image.tag(), digests);
    }

    private Optional<Path> finishBundle(List<StagedArtifact> staged, List<BakedImage> baked, MirrorLock lock) {
        Set<String> refNames = new HashSet<>();
        Set<String> digests = new HashSet<>();
        baked.forEach(image -> {
            refNames.add(image.bundleRefName());
            digests.addAll(image.digests());
        });
        for (StagedArtifact artifact : staged) {
            if (artifact.job().targetTag() != null) {
                refNames.add(artifact.job().target().repository() + ":"
                        + artifact.job().targetTag());
            }
            digests.add(artifact.graph().root().descriptor().digest());
            artifact.graph().children().stream().map(Manifest::descriptor).forEach(d -> digests.add(d.digest()));
            artifact.graph().blobs().forEach(blob -> digests.add(blob.digest()));
        }
        bundle.retainOnly(refNames, digests);
        bundle.writeExtraFile(BundlePusher.LOCK_FILE, lock.toJson());
        bundle.writeExtraFile(
                ChartRegistry.FILE_NAME,
                ChartRegistry.of(registry, request.access()).toJson());
        request.bundleFiles().forEach(file -> bundle.writeExtraFile(file.name(), file.content()));
        if (!options.bundleAsTar()) {
            return Optional.empty();
        }
        Path directory = options.bundle().orElseThrow();
        Path archive = bundleArchive();
        try {
            BundleArchive.pack(directory, archive);
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot write the bundle archive " + archive + ": " + e.getMessage()
                            + ". Check that its directory is writable and the disk has space, then run again.",
                    e);
        }
        listener.info("Packed the bundle into " + archive + ".");
        return Optional.of(archive);
    }

    private static OciReference parse(String text, String what) {
        try {
            return OciReference.parse(text);
        } catch (InvalidReferenceException e) {
            throw new FalcoOfflineException("The plan's " + what + " " + e.getMessage(), e);
        }
    }
}
