package io.falcooffline.core;

import io.falcooffline.core.audit.AuditStage;
import io.falcooffline.core.audit.ControlPlaneFiles;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartTree;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.falco.FalcoPlanSection;
import io.falcooffline.core.falco.FalcoStage;
import io.falcooffline.core.falco.FalcoctlReferences;
import io.falcooffline.core.falco.IndexSource;
import io.falcooffline.core.falco.SourceStores;
import io.falcooffline.core.falco.SyscallDriver;
import io.falcooffline.core.falco.ValuesEdit;
import io.falcooffline.core.falco.bake.DriverLoaderBuild;
import io.falcooffline.core.falco.bake.FalcoImageBuild;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.mirror.ChartArtifact;
import io.falcooffline.core.mirror.CopyAhead;
import io.falcooffline.core.mirror.DerivedImageBuild;
import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.mirror.MirrorLock;
import io.falcooffline.core.mirror.MirrorRequest;
import io.falcooffline.core.node.NodeFiles;
import io.falcooffline.core.node.NodeStage;
import io.falcooffline.core.oci.registry.UpstreamSources;
import io.falcooffline.core.output.OutputFiles;
import io.falcooffline.core.output.RunSummary;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.publish.ChartPublisher;
import io.falcooffline.core.publish.PublishedChart;
import io.falcooffline.core.reference.ReferenceConventions;
import io.falcooffline.core.reference.ReferenceFinder;
import io.falcooffline.core.reference.ReferenceMapper;
import io.falcooffline.core.rewrite.DigestPins;
import io.falcooffline.core.rewrite.Rewrite;
import io.falcooffline.core.source.ChartSources;
import io.falcooffline.core.source.Provenance;
import io.falcooffline.core.source.ResolvedChart;
import io.falcooffline.core.values.EffectiveValues;
import io.falcooffline.core.values.ValuesFile;
import io.falcooffline.core.verify.RenderVerification;
import io.falcooffline.core.yaml.HelmValues;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;

/**
 * One package run, stage by stage: source → chart → values → falco (index, artifacts, delivery) → driver →
 * references → nodes → audit → rewrite (which each stage before hands its result to) → verify → mirror → output →
 * publish. Each stage lives in the package that owns its knowledge; this class only hands each stage's result to the
 * next.
 */
final class Pipeline {

    private final ProgressListener listener;
    /** Every warning reported to the listener, for the plan and the run summary. */
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    /** The mirror's copy started while the chart is verified; closed when the run ends, however it ends. */
    private Optional<CopyAhead> copyAhead = Optional.empty();

    Pipeline(ProgressListener listener) {
        this.listener = (level, message) -> {
            if (level == ProgressListener.Level.WARN) {
                warnings.add(message);
            }
            listener.log(level, message);
        };
    }

    PackageResult run(PackageRequest request) {
        try {
            return stages(request);
        } finally {
            copyAhead.ifPresent(CopyAhead::close);
        }
    }

    private PackageResult stages(PackageRequest request) {
        OfflineRefusals.requireNoNetwork(request);
        RenderVerification verification = RenderVerification.withHelm(
                        request.verify(), request.sourceOptions().cacheDirectory())
                .loadingInBackground();
        listener.info("Reading chart " + request.source().describe());
        ResolvedChart source = ChartSources.resolve(
                request.source(), request.sourceOptions(), request.mirror().access(), listener);
        ChartTree chart = ChartTree.of(source.read());

        AuditStage audit = new AuditStage(request.profile().isPresent(), request.audit());
        List<ValuesFile> userFiles = ValuesFile.load(request.valuesFiles());
        List<Map<String, Object>> layers = new ArrayList<>(audit.profileLayers());
        userFiles.forEach(file -> layers.add(file.values()));
        EffectiveValues values = EffectiveValues.of(chart, layers);

        FalcoStage falcoStage = new FalcoStage(request.falcoStageSettings());
        boolean reachesUpstream =
                request.mirror().mode() != MirrorMode.NONE && !request.mirror().offline();
        IndexSource.Chosen falcoctlIndex = falcoStage.chooseIndex(
                values.root().values(),
                reachesUpstream,
                new IndexSource(
                        request.falcoStageSettings().indexCache(),
                        request.mirror().proxy(),
                        request.mirror().offline()));
        ReferenceConventions falcoctlReferences = new FalcoctlReferences(falcoctlIndex.index());
        ReferenceMapper mapper = new ReferenceMapper(
                request.registry(),
                request.repositoryPrefix(),
                request.repositoryLayout(),
                request.overrides(),
                falcoctlReferences);
        Rewrite rewrite = new Rewrite(values, mapper, request.registry());
        Optional<DigestPins> pins = Optional.empty();
        FalcoStage.Result falco;
        SyscallDriver.Result driver;
        MirrorOptions mirror = request.mirror();
        try (UpstreamSources upstream = reachesUpstream || request.pinDigests()
                ? new UpstreamSources(mirror.access(), mirror.registryMirrors(), listener)
                : null) {
            falco = falco(request, falcoStage, falcoctlIndex, values, mapper, reachesUpstream ? upstream : null);
            driver = driver(request, values, mapper, reachesUpstream);
            if (request.pinDigests()) {
                Optional<MirrorLock> lock = (mirror.mode() == MirrorMode.NONE
                                ? mirror
                                : mirror.withDefaults(request.outputDirectory()))
                        .lockFile()
                        .flatMap(MirrorLock::read);
                pins = Optional.of(digestPins(mirror, lock, upstream));
                rewrite.pinDigests(pins.get());
            }
            FalcoStage.Result decided = falco;
            new ReferenceFinder(falcoctlReferences)
                    .findAll(values).stream()
                            .filter(reference -> FalcoStage.keeps(decided, reference))
                            .map(driver::asRendered)
                            .forEach(rewrite::redirect);
        }
        NodeStage.Result nodes = NodeStage.run(
                new NodeStage.Input(
                        request.registry(),
                        UpstreamSources.plainHttp(request.mirror().insecureRegistries(), request.registry()),
                        request.mirror().caFile(),
                        request.imagePullSecrets(),
                        request.registrySecret(),
                        request.registrySecretAsPullSecret(),
                        FalcoStage.falcoctlReadsRegistrySecret(falco),
                        request.namespace()),
                values);
        rewrite.addPullSecrets(nodes.pullSecrets().names());
        Map<String, Object> falcoOverlay = FalcoStage.overlay(falco);
        rewrite.overlayRoot(falcoOverlay);
        falco.copies().forEach(copy -> rewrite.mirrorAlso(copy.kind(), copy.source(), copy.target(), copy.why()));
        rewrite.overlayRoot(ValuesEdit.overlay(driver.edits()));
        driver.image()
                .ifPresent(image -> rewrite.mirrorAlso(
                        ReferenceKind.IMAGE,
                        image.image(),
                        image.image(),
                        "the driver-loader image with prebuilt drivers, built from " + image.baseImage()));

        // The mirror starts copying what the plan has in use so far while the chart is rewritten and verified: across
        // the internet its first reads are round trips and its blobs most of the run. It sets no tag and changes no
        // bundle index until the mirror run after verification completes it.
        if (mirror.mode() != MirrorMode.NONE && !request.dryRun()) {
            copyAhead = Optional.of(CopyAhead.start(
                    mirror.withDefaults(request.outputDirectory()),
                    mirror.access(),
                    request.registry(),
                    rewrite.references().stream()
                            .filter(PlannedReference::inUse)
                            .toList(),
                    listener));
        }

        // The audit checks what Falco will load: the values with the falco stage's edits.
        AuditStage.Result wired = audit.run(
                userFiles,
                HelmValues.coalesce(values.root().values(), falcoOverlay, chart.subchartKeys()),
                chart.subchartKeys(),
                request.releaseName(),
                request.namespace(),
                listener);
        wired.valuesOverlay().ifPresent(rewrite::overlayRoot);
        wired.warnings().forEach(listener::warn);

        Rewrite.Result rewritten = rewrite.finish();
        Chart outputChart = rewritten.chart();
        for (Map.Entry<String, byte[]> file : falco.chartFiles().entrySet()) {
            outputChart = outputChart.withFile(file.getKey(), file.getValue());
        }
        // The archive does not depend on what verification corrects in the plan: it is packed on a thread of its own
        // while verification packs its rendering copy and Helm renders it, instead of after them.
        FutureTask<byte[]> packing = request.dryRun() ? null : packInBackground(request, outputChart, source, chart);
        Plan plan = verification
                .verify(
                        outputChart,
                        rewritten
                                .plan()
                                .withFalco(FalcoPlanSection.of(falco, driver))
                                .withNodes(nodes.planSection()),
                        request.releaseName(),
                        request.namespace(),
                        listener)
                .plan();
        if (pins.isPresent()) {
            DigestPins pinning = pins.get();
            falco.bake()
                    .ifPresent(bake -> pinning.notPinned(
                            bake.image().toString(),
                            "the baked Falco image is built after the values are written, so its digest is"
                                    + " not known there; its tag is derived from its content ("
                                    + bake.contentDigest() + ") and names that content alone"));
            plan = plan.withPinning(pinning.section(plan));
        }
        PlanJson.summary(plan).forEach(listener::info);
        plan.warnings().forEach(listener::warn);
        nodes.notes().forEach(listener::info);
        if (request.strict() && !plan.warnings().isEmpty()) {
            throw new UnredirectedReferencesException(plan.warnings());
        }
        if (request.dryRun()) {
            listener.info("Dry run: nothing written.");
            return new PackageResult(plan, Optional.empty(), Optional.empty());
        }

        byte[] archive = packed(packing);
        byte[] planJson = PlanJson.toJson(plan, warnings);
        Optional<ChartArtifact> chartArtifact = request.mirror().mode() == MirrorMode.NONE
                ? Optional.empty()
                : Optional.of(ChartPublisher.chartArtifact(
                        request.publish(),
                        plan.chartFileName(),
                        archive,
                        request.registry(),
                        request.repositoryPrefix(),
                        source));
        Optional<MirrorResult> mirrored =
                mirror(request, plan, archive, planJson, derivedImages(request, falco, driver), chartArtifact);
        OutputFiles.Written written = OutputFiles.write(
                request.outputDirectory(),
                plan.chartFileName(),
                archive,
                PlanJson.FILE_NAME,
                planJson,
                Stream.of(
                                wired.controlPlaneFiles().map(ControlPlaneFiles.Prepared::directory),
                                nodes.files().map(NodeFiles.Prepared::directory))
                        .flatMap(Optional::stream)
                        .toList(),
                RunSummary.files(new RunSummary.Facts(
                        plan,
                        PlanJson.FILE_NAME,
                        mirrored.map(result -> mirrored(result, request.outputDirectory())),
                        request.releaseName(),
                        request.namespace(),
                        wired.controlPlaneFiles().isPresent(),
                        nodes.files().isPresent(),
                        nodes.notes(),
                        RunSummary.distinct(warnings))),
                listener);
        publish(request, written, archive, source, chartArtifact);
        return new PackageResult(plan, Optional.of(written.chartFile()), Optional.of(written.planFile()), mirrored);
    }

    /**
     * Packs the output chart, with its provenance, into its archive on a daemon thread of its own; {@link #packed}
     * waits for it. Every entry gets the {@code outputTimestamp}, else the newest time in the chart read.
     */
    private static FutureTask<byte[]> packInBackground(
            PackageRequest request, Chart outputChart, ResolvedChart source, ChartTree read) {
        Instant mtime =
                request.outputTimestamp().or(read.chart()::newestEntryTime).orElse(Instant.EPOCH);
        FutureTask<byte[]> packing =
                new FutureTask<>(() -> new ChartWriter().toBytes(Provenance.annotate(outputChart, source), mtime));
        DaemonThreads.start("pack " + outputChart.name(), packing);
        return packing;
    }

    /** The archive {@link #packInBackground} packed; its failure as packing on this thread would have thrown it. */
    private static byte[] packed(FutureTask<byte[]> packing) {
        return ExecutionFailures.await(
                packing, e -> new FalcoOfflineException("Interrupted while packing the output chart", e));
    }

    /**
     * {@code pinDigests}: each image is read where the run reads it (its source, through {@code registryMirrors}, at
     * the digest the lock file records for it when there is one; the internal registry for an image already there),
     * and pinned to the digest the cluster will pull: the one the mirror writes, an index narrowed to
     * {@code platforms} included.
     */
    private static DigestPins digestPins(MirrorOptions mirror, Optional<MirrorLock> lock, UpstreamSources upstream) {
        List<Platform> narrowedTo = mirror.mode() == MirrorMode.NONE ? List.of() : mirror.platforms();
        return new DigestPins((source, copied) -> {
            OciReference read = copied
                    ? lock.flatMap(locked -> locked.findSource(source.toString()))
                            .map(entry -> new OciReference(
                                    source.registry(), source.repository(), source.tag(), entry.sourceDigest()))
                            .orElse(source)
                    : source;
            try {
                UpstreamSources.MirroredDigests digests = upstream.digests(read, copied ? narrowedTo : List.of());
                return new DigestPins.Digests(digests.source(), digests.target());
            } catch (FalcoOfflineException e) {
                throw new InvalidRequestException(
                        "pinDigests",
                        "pinDigests pins every image to the digest its tag resolves to now, but " + source
                                + " cannot be read " + (copied ? "from its source" : "on the internal registry") + ": "
                                + e.getMessage() + " Make it reachable from this machine (registryMirrors reads an"
                                + " upstream registry through a proxy cache), or leave pinDigests off.");
            }
        });
    }

    /**
     * The {@code falco} stage: resolves the falcoctl artifacts against the upstream registries when the run reaches
     * them, and works out the values that make Falco start offline.
     *
     * @param upstream the upstream registries, or null when the run does not reach them
     */
    private FalcoStage.Result falco(
            PackageRequest request,
            FalcoStage stage,
            IndexSource.Chosen index,
            EffectiveValues values,
            ReferenceMapper mapper,
            UpstreamSources upstream) {
        MirrorOptions mirror = request.mirror();
        Optional<SourceStores> sources = Optional.ofNullable(upstream)
                .map(u -> reference -> new SourceStores.Located(u.store(reference), u.repository(reference)));
        FalcoStage.Result result = stage.run(
                new FalcoStage.Input(
                        values.root().values(),
                        values.root().tree().chart().appVersion(),
                        request.registry(),
                        UpstreamSources.plainHttp(mirror.insecureRegistries(), request.registry()),
                        mapper::map,
                        mapper::isInternal,
                        mirror.platforms(),
                        sources),
                index);
        result.notes().forEach(listener::info);
        result.warnings().forEach(listener::warn);
        return result;
    }

    /** Where the mirror put the artifacts, named as the summary shows them: beside the chart when they are. */
    private static RunSummary.Mirrored mirrored(MirrorResult result, Path outputDirectory) {
        Path base = outputDirectory.toAbsolutePath().normalize();
        java.util.function.Function<Path, String> name = path -> {
            Path absolute = path.toAbsolutePath().normalize();
            return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
        };
        return new RunSummary.Mirrored(
                result.bundle().map(name), result.bundleArchive().map(name), result.entries());
    }

    /**
     * The syscall driver: what the nodes need for the driver the values choose, and the prebuilt drivers of the
     * listed kernels, read from the driver repository when the run reaches upstream.
     */
    private SyscallDriver.Result driver(
            PackageRequest request, EffectiveValues values, ReferenceMapper mapper, boolean reachesUpstream) {
        SyscallDriver.Result result = new SyscallDriver(request.falco().driverOptions(), listener)
                .run(new SyscallDriver.Input(
                        values.root().values(),
                        values.root().tree().chart().appVersion(),
                        mapper::map,
                        mapper::isInternal,
                        request.mirror().platforms(),
                        reachesUpstream ? Optional.of(request.mirror().access()) : Optional.empty()));
        result.notes().forEach(listener::info);
        result.warnings().forEach(listener::warn);
        return result;
    }

    /**
     * Publishes the written chart as the request asks (the mirror run has stored and recorded {@code mirrored}); on
     * failure the chart and the plan are removed again.
     */
    private void publish(
            PackageRequest request,
            OutputFiles.Written written,
            byte[] archive,
            ResolvedChart source,
            Optional<ChartArtifact> mirrored) {
        PublishedChart published = new PublishedChart(
                written.chartFile(),
                archive,
                written.planFile(),
                request.registry(),
                request.repositoryPrefix(),
                request.mirror().withDefaults(request.outputDirectory()),
                request.mirror().access(),
                source);
        try {
            ChartPublisher.publish(request.publish(), published, mirrored, listener);
        } catch (FalcoOfflineException e) {
            AtomicFiles.deleteRecursivelyQuietly(written.chartFile());
            AtomicFiles.deleteRecursivelyQuietly(written.planFile());
            throw e;
        }
    }

    /** Copies what the chart pulls to the internal registry or the bundle; references not in use are left out. */
    private Optional<MirrorResult> mirror(
            PackageRequest request,
            Plan plan,
            byte[] archive,
            byte[] planJson,
            List<DerivedImageBuild> builds,
            Optional<ChartArtifact> chart) {
        MirrorOptions options = request.mirror();
        if (options.mode() == MirrorMode.NONE) {
            return Optional.empty();
        }
        MirrorRequest mirror = new MirrorRequest(
                options.withDefaults(request.outputDirectory()),
                options.access(),
                plan.registry(),
                plan.referencesInUse(),
                List.of(
                        new MirrorRequest.BundleFile(plan.chartFileName(), archive),
                        new MirrorRequest.BundleFile(PlanJson.FILE_NAME, planJson)),
                builds,
                chart);
        // A mirroring run that writes started copying ahead before verification.
        return Optional.of(Mirror.run(mirror, copyAhead.orElseThrow(), listener));
    }

    /**
     * The images the mirror builds once their inputs are copied: the baked Falco image of {@code delivery=baked}
     * (with the Dockerfile build context when asked for), then the driver loader with prebuilt drivers.
     */
    private static List<DerivedImageBuild> derivedImages(
            PackageRequest request, FalcoStage.Result falco, SyscallDriver.Result driver) {
        List<DerivedImageBuild> builds = new ArrayList<>();
        falco.bake()
                .map(bake -> new FalcoImageBuild(
                        bake.withBuildContext(request.falco().bakeBuildContext())))
                .ifPresent(builds::add);
        driver.image().map(DriverLoaderBuild::new).ifPresent(builds::add);
        return builds;
    }
}
