package io.falcooffline.core;

import io.falcooffline.core.audit.AuditStage;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.chart.ChartTree;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.mirror.Mirror;
import io.falcooffline.core.mirror.MirrorRequest;
import io.falcooffline.core.output.OutputFiles;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlanJson;
import io.falcooffline.core.reference.FalcoctlIndex;
import io.falcooffline.core.reference.ReferenceFinder;
import io.falcooffline.core.reference.ReferenceMapper;
import io.falcooffline.core.rewrite.Rewrite;
import io.falcooffline.core.values.EffectiveValues;
import io.falcooffline.core.values.ValuesFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One package run, stage by stage: chart → values → references → rewrite → audit → mirror → output. Each stage lives
 * in the package that owns its knowledge; this class only hands each stage's result to the next.
 */
final class Pipeline {

    private final ProgressListener listener;

    Pipeline(ProgressListener listener) {
        this.listener = listener;
    }

    PackageResult run(PackageRequest request) {
        listener.info("Reading chart " + request.chart());
        ChartTree chart = ChartTree.of(new ChartReader().read(request.chart()));

        AuditStage audit = new AuditStage(request.profile().isPresent(), request.audit());
        List<ValuesFile> userFiles = ValuesFile.load(request.valuesFiles());
        List<Map<String, Object>> layers = new ArrayList<>(audit.profileLayers());
        userFiles.forEach(file -> layers.add(file.values()));
        EffectiveValues values = EffectiveValues.of(chart, layers);

        FalcoctlIndex index = FalcoctlIndex.builtIn();
        ReferenceMapper mapper = new ReferenceMapper(
                request.registry(), request.repositoryPrefix(), request.repositoryLayout(), request.overrides(), index);
        Rewrite rewrite = new Rewrite(values, mapper, request.registry());
        new ReferenceFinder(index).findAll(values).forEach(rewrite::redirect);
        rewrite.addPullSecrets(request.imagePullSecrets());

        AuditStage.Result wired = audit.run(
                userFiles,
                values.root().values(),
                chart.subchartKeys(),
                request.releaseName(),
                request.namespace(),
                listener);
        wired.valuesOverlay().ifPresent(rewrite::overlayRoot);
        wired.warnings().forEach(listener::warn);

        Rewrite.Result rewritten = rewrite.finish();
        Plan plan = rewritten.plan();
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
        byte[] archive = new ChartWriter().toBytes(rewritten.chart(), mtime);
        byte[] planJson = PlanJson.toJson(plan);
        Optional<MirrorResult> mirrored = mirror(request, plan, archive, planJson);
        OutputFiles.Written written = OutputFiles.write(
                request.outputDirectory(),
                plan.chartFileName(),
                archive,
                PlanJson.FILE_NAME,
                planJson,
                wired.controlPlaneFiles(),
                listener);
        return new PackageResult(plan, Optional.of(written.chartFile()), Optional.of(written.planFile()), mirrored);
    }

    /** Copies what the chart pulls to the internal registry or the bundle; references not in use are left out. */
    private Optional<MirrorResult> mirror(PackageRequest request, Plan plan, byte[] archive, byte[] planJson) {
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
                        new MirrorRequest.BundleFile(PlanJson.FILE_NAME, planJson)));
        return Optional.of(Mirror.run(mirror, listener));
    }
}
