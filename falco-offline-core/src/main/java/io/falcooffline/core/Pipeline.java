package io.falcooffline.core;

import io.falcooffline.core.audit.AuditStage;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartTree;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.falco.BakePlan;
import io.falcooffline.core.falco.FalcoPlanSection;
import io.falcooffline.core.falco.FalcoStage;
import io.falcooffline.core.falco.IndexSource;
import io.falcooffline.core.falco.SourceStores;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.mirror.MirrorRequest;
import io.falcooffline.core.mirror.UpstreamSources;
import io.falcooffline.core.output.OutputFiles;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.publish.ChartPublisher;
import io.falcooffline.core.publish.PublishedChart;
import io.falcooffline.core.reference.FalcoctlIndex;
import io.falcooffline.core.reference.ReferenceFinder;
import io.falcooffline.core.reference.ReferenceMapper;
import io.falcooffline.core.rewrite.Rewrite;
import io.falcooffline.core.source.ChartSources;
import io.falcooffline.core.source.Provenance;
import io.falcooffline.core.source.ResolvedChart;
import io.falcooffline.core.values.EffectiveValues;
import io.falcooffline.core.values.ValuesFile;
import io.falcooffline.core.verify.RenderVerification;
import io.falcooffline.core.yaml.HelmValues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One package run, stage by stage: source → chart → values → references → rewrite → falco → audit → verify → mirror →
 * output → publish. Each stage lives
 * in the package that owns its knowledge; this class only hands each stage's result to the next.
 */
final class Pipeline {

    private final ProgressListener listener;

    Pipeline(ProgressListener listener) {
        this.listener = listener;
    }

    PackageResult run(PackageRequest request) {
        requireNoNetworkWhenOffline(request);
        RenderVerification verification =
                RenderVerification.withHelm(request.verify()).loadingInBackground();
        listener.info("Reading chart " + request.source().describe());
        ResolvedChart source = ChartSources.resolve(
                request.source(), request.sourceOptions(), request.mirror().access(), listener);
        ChartTree chart = ChartTree.of(source.read());

        AuditStage audit = new AuditStage(request.profile().isPresent(), request.audit());
        List<ValuesFile> userFiles = ValuesFile.load(request.valuesFiles());
        List<Map<String, Object>> layers = new ArrayList<>(audit.profileLayers());
        userFiles.forEach(file -> layers.add(file.values()));
        EffectiveValues values = EffectiveValues.of(chart, layers);

        FalcoStage falcoStage = new FalcoStage(request.falcoOptions());
        boolean reachesUpstream =
                request.mirror().mode() != MirrorMode.NONE && !request.mirror().offline();
        IndexSource.Chosen falcoctlIndex = falcoStage.chooseIndex(
                values.root().values(),
                reachesUpstream,
                new IndexSource(
                        request.falcoOptions().indexCache(),
                        request.mirror().proxy(),
                        request.mirror().offline()));
        FalcoctlIndex index = falcoctlIndex.index();
        ReferenceMapper mapper = new ReferenceMapper(
                request.registry(), request.repositoryPrefix(), request.repositoryLayout(), request.overrides(), index);
        Rewrite rewrite = new Rewrite(values, mapper, request.registry());
        FalcoStage.Result falco = falco(request, falcoStage, falcoctlIndex, values, mapper, reachesUpstream);
        new ReferenceFinder(index)
                .findAll(values).stream()
                        .filter(reference -> FalcoStage.keeps(falco, reference))
                        .forEach(rewrite::redirect);
        rewrite.addPullSecrets(request.imagePullSecrets());
        Map<String, Object> falcoOverlay = FalcoStage.overlay(falco);
        rewrite.overlayRoot(falcoOverlay);
        falco.copies()
                .forEach(copy -> rewrite.mirrorAlso(
                        copy.kind(), OciReference.parse(copy.source()), OciReference.parse(copy.target()), copy.why()));

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
        Plan plan = verification
                .verify(
                        outputChart,
                        rewritten.plan().withFalco(FalcoPlanSection.of(falco)),
                        request.releaseName(),
                        request.namespace(),
                        listener)
                .plan();
        PlanJson.summary(plan).forEach(listener::info);
        plan.warnings().forEach(listener::warn);
        if (request.strict() && !plan.warnings().isEmpty()) {
            throw new UnredirectedReferencesException(plan.warnings());
        }
        if (request.dryRun()) {
            listener.info("Dry run: nothing written.");
            return new PackageResult(plan, Optional.empty(), Optional.empty());
        }

        Instant mtime =
                request.outputTimestamp().or(chart.chart()::newestEntryTime).orElse(Instant.EPOCH);
        byte[] archive = new ChartWriter().toBytes(Provenance.annotate(outputChart, source), mtime);
        byte[] planJson = PlanJson.toJson(plan);
        Optional<MirrorResult> mirrored = mirror(
                request,
                plan,
                archive,
                planJson,
                falco.bake().map(bake -> bake.withBuildContext(request.bakeBuildContext())));
        OutputFiles.Written written = OutputFiles.write(
                request.outputDirectory(),
                plan.chartFileName(),
                archive,
                PlanJson.FILE_NAME,
                planJson,
                wired.controlPlaneFiles(),
                listener);
        publish(request, written, source);
        return new PackageResult(plan, Optional.of(written.chartFile()), Optional.of(written.planFile()), mirrored);
    }

    /**
     * Offline, what only the network can give fails before anything starts, naming it and the way to get it; the chart
     * source is served from the chart cache (see {@code ChartSources}) and the falcoctl index from its cached copy
     * or the built-in one.
     */
    private static void requireNoNetworkWhenOffline(PackageRequest request) {
        if (!request.mirror().offline()) {
            return;
        }
        MirrorMode mode = request.mirror().mode();
        if (mode != MirrorMode.NONE) {
            throw new InvalidRequestException(
                    "mirror",
                    "Offline (mvn -o): mirroring copies every image and falcoctl artifact the chart pulls from its"
                            + " registry (docker.io, ghcr.io, … or their registryMirrors)"
                            + (mode == MirrorMode.PUSH ? " to " + request.registry() : " into the bundle")
                            + ", and nothing of that is cached here. Run without -o (through a proxy if this machine"
                            + " needs one: settings.xml <proxies>, or HTTPS_PROXY), or set mirror=false"
                            + " (-Dfalco-offline.mirror=false) to write only the chart and the plan.");
        }
        if (request.publish().publishChart()) {
            throw new InvalidRequestException(
                    "publishChart",
                    "Offline (mvn -o): publishChart pushes the chart to " + request.registry()
                            + ". Run without -o, or leave publishChart off and push the chart later.");
        }
        request.publish().gitRepository().filter(Pipeline::isRemoteGit).ifPresent(url -> {
            throw new InvalidRequestException(
                    "gitRepository",
                    "Offline (mvn -o): gitRepository pushes to " + url + ". Run without -o, or leave"
                            + " gitRepository out.");
        });
    }

    private static boolean isRemoteGit(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        return !(lower.startsWith("file:") || lower.startsWith("/") || lower.startsWith(".") || !lower.contains(":"));
    }

    /**
     * The {@code falco} stage: resolves the falcoctl artifacts against the upstream registries when the run reaches
     * them, and works out the values that make Falco start offline.
     */
    private FalcoStage.Result falco(
            PackageRequest request,
            FalcoStage stage,
            IndexSource.Chosen index,
            EffectiveValues values,
            ReferenceMapper mapper,
            boolean reachesUpstream) {
        MirrorOptions mirror = request.mirror();
        try (UpstreamSources upstream =
                reachesUpstream ? new UpstreamSources(mirror.access(), mirror.registryMirrors(), listener) : null) {
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
    }

    /** Publishes the written chart as the request asks; on failure the chart and the plan are removed again. */
    private void publish(PackageRequest request, OutputFiles.Written written, ResolvedChart source) {
        PublishedChart published = new PublishedChart(
                written.chartFile(),
                written.planFile(),
                request.registry(),
                request.repositoryPrefix(),
                request.mirror().withDefaults(request.outputDirectory()),
                request.mirror().access(),
                source);
        try {
            ChartPublisher.publish(request.publish(), published, listener);
        } catch (FalcoOfflineException e) {
            AtomicFiles.deleteRecursivelyQuietly(written.chartFile());
            AtomicFiles.deleteRecursivelyQuietly(written.planFile());
            throw e;
        }
    }

    /** Copies what the chart pulls to the internal registry or the bundle; references not in use are left out. */
    private Optional<MirrorResult> mirror(
            PackageRequest request, Plan plan, byte[] archive, byte[] planJson, Optional<BakePlan> bake) {
        MirrorOptions options = request.mirror();
        if (options.mode() == MirrorMode.NONE) {
            return Optional.empty();
        }
        MirrorRequest mirror = new MirrorRequest(
                options.withDefaults(request.outputDirectory()),
                options.access(),
                plan.registry(),
                plan.referencesInUse(),
                plan.mapping(),
                List.of(
                        new MirrorRequest.BundleFile(plan.chartFileName(), archive),
                        new MirrorRequest.BundleFile(PlanJson.FILE_NAME, planJson)),
                bake);
        return Optional.of(Mirror.run(mirror, listener));
    }
}
