package io.falcooffline.core.mirror;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.Sizes;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.oci.registry.Stores;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@link Mirror#run}: plans the copy jobs, reads their graphs, copies and tags, builds the derived images, and
 * writes lock and bundle.
 */
final class MirrorRun {

    private final MirrorRequest request;
    private final MirrorOptions options;
    private final String registry;
    private final ProgressListener listener;
    private final CopyAhead ahead;

    /** @param ahead the run's registry clients, engine and threads, with what was copied ahead */
    MirrorRun(MirrorRequest request, CopyAhead ahead, ProgressListener listener) {
        this.request = request;
        this.options = request.options();
        this.registry = request.registry();
        this.listener = listener;
        this.ahead = ahead;
    }

    MirrorResult run() {
        requireTarget();
        if (options.mode() == MirrorMode.PUSH) {
            ahead.requireTargetProbed(TargetChecks.probe(registry, request.access(), listener));
        }
        Optional<MirrorLock> previousLock = options.lockFile().flatMap(MirrorLock::read);
        previousLock.ifPresent(lock -> listener.info("Fetching sources at the digests locked in "
                + options.lockFile().orElseThrow() + " (" + lock.entries().size() + " entries)."));
        Optional<OfflineBundle> bundle = Optional.empty();
        Stores stores = ahead.stores();
        // Closed before a failure discards the bundle, as the bundle's store is one of them.
        try (CopyAhead closedFirst = ahead) {
            if (options.mode() == MirrorMode.BUNDLE) {
                bundle = Optional.of(OfflineBundle.open(ahead.layout(), options));
            }
            Optional<OciLayoutStore> layout = bundle.map(OfflineBundle::layout);
            String destination = CopyAhead.destination(options, registry);
            if (!ahead.started()) {
                listener.info("Mirroring to " + destination + ".");
            }

            CopyJobs.Planned planned = new CopyJobs(stores, layout, previousLock, listener).plan(request.references());
            DerivedImages derived = new DerivedImages(request.builds());
            List<CopyJobs.Internal> alreadyInternal = derived.withoutBuiltImages(planned.alreadyInternal());
            derived.requireInputsCopied(planned.jobs(), alreadyInternal);
            List<LockEntry> internal =
                    alreadyInternal.stream().map(CopyJobs.Internal::lockEntry).toList();
            if (options.mode() == MirrorMode.PUSH) {
                internal = AlreadyInternal.resolve(alreadyInternal, stores, registry);
                List<String> repositories = new ArrayList<>();
                // Signatures go beside what they sign.
                planned.jobs().forEach(job -> repositories.add(job.targetName().repository()));
                repositories.addAll(derived.repositories());
                ociChart().ifPresent(chart -> repositories.add(chart.reference().repository()));
                TargetChecks.requireHarborProjects(registry, request.access(), repositories, listener);
            }

            // What was copied ahead is in place; the rest (all of it when nothing was) is copied now.
            Map<CopyJob, ArtifactReads.ReadArtifact> read = new HashMap<>(ahead.copied());
            MirrorEngine engine = ahead.engine();
            List<CopyJob> rest = planned.jobs().stream()
                    .filter(job -> !read.containsKey(job))
                    .toList();
            if (!rest.isEmpty()) {
                read.putAll(new ArtifactReads(ahead.lookups(), options, listener).copy(engine, rest));
            }
            List<StagedArtifact> staged = new ArrayList<>();
            planned.jobs().forEach(job -> staged.add(read.get(job).artifact()));
            planned.jobs().forEach(job -> staged.addAll(read.get(job).signatures()));
            engine.tag(staged);
            List<DerivedImageBuild.Built> built = derived.build(layout, stores, listener);
            // Last: a chart that can be pulled finds everything it pulls.
            ociChart().ifPresent(chart -> storeChart(chart, layout, stores));

            List<LockEntry> entries = new ArrayList<>(internal);
            staged.forEach(artifact -> entries.add(artifact.toLockEntry()));
            built.forEach(image -> entries.add(image.lockEntry()));
            MirrorLock copied = new MirrorLock(registry, entries);
            MirrorLock lock = request.chart()
                    .map(chart -> copied.withChart(chart.lockEntry()))
                    .orElse(copied);
            Optional<Path> archive = Optional.empty();
            if (bundle.isPresent()) {
                Set<String> refNames = new HashSet<>(derived.bundleRefNames());
                Set<String> digests = new HashSet<>();
                built.forEach(image -> digests.addAll(image.digests()));
                ociChart().ifPresent(chart -> {
                    refNames.add(
                            chart.reference().name() + ":" + chart.reference().tag());
                    digests.add(chart.manifest().descriptor().digest());
                    chart.blobs().keySet().forEach(blob -> digests.add(blob.digest()));
                });
                List<MirrorRequest.BundleFile> files = new ArrayList<>();
                files.add(new MirrorRequest.BundleFile(BundlePusher.LOCK_FILE, lock.toJson()));
                files.add(new MirrorRequest.BundleFile(
                        ChartRegistry.FILE_NAME,
                        ChartRegistry.of(registry, request.access()).toJson()));
                files.addAll(request.bundleFiles());
                archive = bundle.get().complete(staged, refNames, digests, files, listener);
            }
            // Last, so that a failed run leaves the previous lock as it was.
            options.lockFile().ifPresent(lock::write);
            listener.info("Mirrored " + staged.size() + " artifacts to " + destination + ": "
                    + Sizes.format(engine.bytesTransferred()) + " in " + engine.blobsTransferred() + " blobs, "
                    + engine.blobsSkipped() + " already there, " + engine.blobsMounted() + " mounted.");
            // The result lists what was copied and built; the lock also records the chart.
            return new MirrorResult(
                    options.mode(),
                    destination,
                    copied.registry(),
                    copied.entries(),
                    engine.bytesTransferred(),
                    engine.blobsTransferred(),
                    engine.blobsSkipped(),
                    engine.blobsMounted(),
                    options.mode() == MirrorMode.BUNDLE ? options.bundle() : Optional.empty(),
                    archive,
                    options.lockFile());
        } catch (RuntimeException e) {
            bundle.ifPresent(OfflineBundle::discard);
            throw e;
        }
    }

    private Optional<ChartArtifact.OciChart> ociChart() {
        return request.chart().flatMap(ChartArtifact::oci);
    }

    /** Stores the Helm OCI chart in the bundle, or pushes it to the registry and reads it back. */
    private void storeChart(ChartArtifact.OciChart chart, Optional<OciLayoutStore> layout, Stores stores) {
        OciReference reference = chart.reference();
        if (layout.isPresent()) {
            ChartStore.store(layout.get(), reference.name(), reference.tag(), chart);
            listener.info("Stored the chart in " + options.bundle().orElseThrow() + " as " + reference
                    + "; push publishes it.");
            return;
        }
        Location target = stores.target(reference);
        ChartStore.store(target.store(), target.repository(), reference.tag(), chart);
        ChartStore.requireStored(target.store(), target.repository(), reference.tag(), chart);
        listener.info("Pushed the chart to oci://" + reference + " ("
                + chart.manifest().descriptor().digest() + ").");
    }

    private void requireTarget() {
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
    }
}
