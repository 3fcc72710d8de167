package io.falcooffline.core.verify;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RenderVerificationException;
import io.falcooffline.core.VerifyMode;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartWriter;
import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.io.ScratchDirectory;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Renders the output chart with Helm's own engine, with no values and no cluster, and checks that everything the
 * manifests pull (container images of every pod spec, hooks included, and the artifacts of falcoctl's ConfigMap) is in
 * the plan with the same tag or digest, so on the internal registry once mirrored.
 *
 * <p>It also corrects discovery: a rendered reference on the internal registry, in a repository the plan redirects,
 * but with a tag the plan does not have, comes from a template default the values-based discovery does not model
 * (e.g. {@code .Values.image.tag | default (printf "%s-debian" .Chart.AppVersion)}); it is added to the plan, mirrored
 * from the same source repository with the tag the cluster pulls, and replaces the entry no object pulls. Anything
 * else the render pulls cannot be traced to the plan and fails the run.
 */
public final class RenderVerification {

    /**
     * Helm's engine, loaded when a verification first asks for it and never before; helm-java loads its native
     * library once per JVM, so the first load's library cache is the one every later verification shares.
     */
    private static final class HelmEngine {
        private static EngineLoad load;

        static synchronized EngineLoad load(Path downloadCache) {
            if (load == null) {
                try {
                    load = HelmTemplateEngine.load(
                            RenderVerification.class.getClassLoader(),
                            Optional.of(new HelmLibraryCache(downloadCache.resolve(HelmLibraryCache.DIRECTORY))));
                } catch (LinkageError e) {
                    load = EngineLoad.missing("helm-java is not on the class path (" + e + ")");
                }
            }
            return load;
        }
    }

    /**
     * How long one render may take. Falco's chart renders in well under a second; a template that loops for hours
     * (a nested {@code range until 100000}) would otherwise hold the build with no message at all.
     */
    static final Duration RENDER_TIMEOUT = Duration.ofMinutes(2);

    private final VerifyMode mode;
    private final Supplier<EngineLoad> engine;
    private final Duration renderTimeout;

    RenderVerification(VerifyMode mode, Supplier<EngineLoad> engine) {
        this(mode, engine, RENDER_TIMEOUT);
    }

    RenderVerification(VerifyMode mode, Supplier<EngineLoad> engine, Duration renderTimeout) {
        this.mode = mode;
        this.engine = engine;
        this.renderTimeout = renderTimeout;
    }

    /**
     * Verification with Helm's engine, loaded on first use.
     *
     * @param downloadCache the download cache ({@code SourceOptions.cacheDirectory()}): Helm's native library is
     *     unpacked into its {@code helm-java} directory once and loaded from there by later runs
     */
    public static RenderVerification withHelm(VerifyMode mode, Path downloadCache) {
        return new RenderVerification(mode, () -> HelmEngine.load(downloadCache));
    }

    /**
     * Starts loading Helm's engine on a background thread when this verification will render, so that unpacking
     * and linking its native library overlaps with the stages before it; {@link #verify} waits for it.
     */
    public RenderVerification loadingInBackground() {
        if (mode != VerifyMode.OFF) {
            DaemonThreads.start("helm-engine", engine::get);
        }
        return this;
    }

    /**
     * The result of a verified run.
     *
     * @param plan the plan with the corrections applied; the input plan when verification was skipped
     * @param report what was checked and corrected
     */
    public record Verified(Plan plan, VerificationReport report) {}

    /**
     * Renders the output chart and checks it against the plan.
     *
     * @param output the rewritten chart, values baked in
     * @param plan the plan the rewrite made
     * @param release the release name the chart will be installed as
     * @param namespace the namespace it will be installed into
     * @throws RenderVerificationException naming manifest, container, pull and plan entry for each reference the plan
     *     does not account for; or when verification is required and Helm's engine is missing
     */
    public Verified verify(Chart output, Plan plan, String release, String namespace, ProgressListener listener) {
        if (mode == VerifyMode.OFF) {
            return new Verified(plan, VerificationReport.skipped("verify is false"));
        }
        EngineLoad load = engine.get();
        if (load.engine().isEmpty()) {
            if (mode == VerifyMode.REQUIRED) {
                throw new RenderVerificationException(
                        "verify is true, but the output chart cannot be rendered: " + load.missing()
                                + ". Run on a platform helm-java supports, or set verify to auto or false.",
                        List.of());
            }
            listener.warn("Render verification skipped: " + load.missing() + ".");
            return new Verified(plan, VerificationReport.skipped(load.missing()));
        }
        List<PulledReference> pulled =
                RenderedPulls.of(render(load.engine().get(), output, release, namespace, renderTimeout));
        Verified verified = check(plan, pulled);
        listener.info("Render verification: " + pulled.size() + " pulled reference(s) in the rendered chart, all in"
                + " the plan"
                + (verified.report().corrected().isEmpty()
                        ? "."
                        : "; " + verified.report().corrected().size() + " added with the tag the cluster pulls: "
                                + verified.report().corrected().stream()
                                        .map(PlannedReference::target)
                                        .toList()));
        return verified;
    }

    private static String render(
            TemplateEngine engine, Chart output, String release, String namespace, Duration timeout) {
        try (ScratchDirectory work = ScratchDirectory.create("falco-offline-render-")) {
            Path file = work.path().resolve("chart.tgz");
            Files.write(file, new ChartWriter().toBytes(RenderableChart.of(output), Instant.EPOCH));
            return withDeadline(() -> engine.template(file, release, namespace), output, timeout);
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot write the chart to render it: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof FalcoOfflineException) {
                throw e;
            }
            throw new RenderVerificationException(
                    "Helm cannot render the output chart " + output.name() + "-" + output.version() + ": "
                            + e.getMessage(),
                    List.of());
        }
    }

    /**
     * Runs the render on a daemon thread and waits for it at most {@code timeout}. A call into Helm's native library
     * cannot be interrupted: a render past its deadline is left running on its daemon thread, which does not keep
     * the JVM alive, and the run fails.
     */
    private static String withDeadline(Supplier<String> render, Chart output, Duration timeout) {
        FutureTask<String> task = new FutureTask<>(render::get);
        DaemonThreads.start("render " + output.name(), task);
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RenderVerificationException(
                    "Helm did not finish rendering the output chart " + output.name() + "-" + output.version()
                            + " within " + timeout.toSeconds() + " s; a template loops for too long (e.g. a nested"
                            + " range over until). Fix the template, or skip render verification with"
                            + " -Dfalco-offline.verify=false (<verify>false</verify>).",
                    List.of());
        } catch (ExecutionException e) {
            throw ExecutionFailures.unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderVerificationException(
                    "Interrupted while Helm rendered the output chart " + output.name() + "-" + output.version(),
                    List.of());
        }
    }

    /** Checks the pulled references against the plan and applies the corrections. */
    static Verified check(Plan plan, List<PulledReference> pulled) {
        Map<String, PlannedReference> byTarget = new LinkedHashMap<>();
        Map<String, PlannedReference> bySource = new LinkedHashMap<>();
        for (PlannedReference reference : plan.references()) {
            if (reference.kind() != ReferenceKind.INDEX) {
                byTarget.putIfAbsent(normalized(reference.target()), reference);
                bySource.putIfAbsent(reference.source(), reference);
            }
        }
        Set<String> pulledTargets = new LinkedHashSet<>();
        Map<String, PlannedReference> corrections = new LinkedHashMap<>();
        Set<PlannedReference> nowInUse = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (PulledReference pull : pulled) {
            Optional<OciReference> parsed = pull.artifact() ? parse(pull.reference()) : parseImage(pull.reference());
            if (parsed.isEmpty()) {
                PlannedReference unresolved = bySource.get(pull.reference().strip());
                if (pull.artifact() && unresolved != null && unresolved.disposition() == Disposition.NOT_REDIRECTED) {
                    continue; // a falcoctl short name the plan already reports as not redirected
                }
                problems.add(pull + ", which is not a reference the plan can hold: the plan has "
                        + (unresolved == null ? "nothing for it" : describe(unresolved)));
                continue;
            }
            OciReference reference = parsed.get();
            PlannedReference exact = byTarget.get(reference.toString());
            if (exact == null) {
                exact = pinnedAt(plan, reference).orElse(null);
            }
            if (exact != null) {
                pulledTargets.add(normalized(exact.target()));
                if (!exact.inUse()) {
                    nowInUse.add(exact);
                }
                continue;
            }
            Optional<PlannedReference> sameRepository = plan.references().stream()
                    .filter(planned -> planned.kind() != ReferenceKind.INDEX
                            && planned.disposition() != Disposition.NOT_REDIRECTED)
                    .filter(planned -> parse(planned.target())
                            .map(target -> target.name().equals(reference.name()))
                            .orElse(false))
                    .findFirst();
            if (sameRepository.isPresent()) {
                PlannedReference traced = sameRepository.get();
                OciReference source = OciReference.parse(traced.source()).withTagAndDigestOf(reference);
                corrections.putIfAbsent(
                        reference.toString(),
                        new PlannedReference(
                                traced.kind(),
                                source.toString(),
                                reference.toString(),
                                traced.disposition(),
                                traced.locations(),
                                true));
                pulledTargets.add(reference.toString());
                continue;
            }
            problems.add(pull + ", but the plan has " + planFor(plan, reference));
        }
        if (!problems.isEmpty()) {
            throw new RenderVerificationException(
                    "The rendered output chart pulls " + problems.size() + " reference(s) the plan does not account"
                            + " for, so the cluster would pull them from where they are not mirrored:\n  "
                            + String.join("\n  ", problems)
                            + "\nSet these images in a values file (registry, repository and tag) or give them an"
                            + " override, so that they are redirected to the internal registry.",
                    problems);
        }
        List<PlannedReference> superseded = new ArrayList<>();
        List<PlannedReference> references = new ArrayList<>();
        for (PlannedReference reference : plan.references()) {
            boolean replaced = reference.kind() != ReferenceKind.INDEX
                    && !pulledTargets.contains(normalized(reference.target()))
                    && corrections.values().stream().anyMatch(correction -> sameName(correction, reference));
            if (replaced) {
                superseded.add(reference);
            } else if (nowInUse.contains(reference)) {
                references.add(new PlannedReference(
                        reference.kind(),
                        reference.source(),
                        reference.target(),
                        reference.disposition(),
                        reference.locations(),
                        true));
            } else {
                references.add(reference);
            }
        }
        references.addAll(corrections.values());
        references.sort(Comparator.comparing(PlannedReference::source).thenComparing(PlannedReference::target));
        Plan corrected = plan.withReferences(references);
        return new Verified(
                corrected,
                new VerificationReport(Optional.empty(), pulled, List.copyOf(corrections.values()), superseded));
    }

    /**
     * The planned reference a pull by digest names: same repository, same digest. A runtime pulls
     * {@code repository:tag@digest} by the digest alone, so a render that spells the tag otherwise, or leaves it
     * out, still pulls the planned content.
     */
    private static Optional<PlannedReference> pinnedAt(Plan plan, OciReference pulled) {
        if (pulled.digest() == null) {
            return Optional.empty();
        }
        return plan.references().stream()
                .filter(planned -> planned.kind() != ReferenceKind.INDEX)
                .filter(planned -> planned.targetReference()
                        .map(target -> target.name().equals(pulled.name())
                                && pulled.digest().equals(target.digest()))
                        .orElse(false))
                .findFirst();
    }

    private static boolean sameName(PlannedReference a, PlannedReference b) {
        Optional<OciReference> first = parse(a.target());
        Optional<OciReference> second = parse(b.target());
        return first.isPresent()
                && second.isPresent()
                && first.get().name().equals(second.get().name());
    }

    private static String planFor(Plan plan, OciReference reference) {
        List<String> sameRepository = plan.references().stream()
                .filter(planned -> planned.kind() != ReferenceKind.INDEX)
                .filter(planned -> parse(planned.source())
                                .map(source -> source.name().equals(reference.name()))
                                .orElse(false)
                        || parse(planned.target())
                                .map(target -> target.name().equals(reference.name()))
                                .orElse(false))
                .map(RenderVerification::describe)
                .toList();
        return sameRepository.isEmpty() ? "no reference to " + reference.name() : String.join("; ", sameRepository);
    }

    private static String describe(PlannedReference planned) {
        return planned.source() + " -> " + planned.target() + " (" + planned.disposition() + ", found at "
                + (planned.locations().isEmpty()
                        ? "no location"
                        : planned.locations().get(0)) + ")";
    }

    /** A full reference as a pull reads it; empty for a falcoctl short name or anything else unparseable. */
    private static Optional<OciReference> parse(String text) {
        if (text == null || !text.contains("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(OciReference.parse(text).withDefaultTag());
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }

    /** An image as the container runtime reads it: a name without a registry is on Docker Hub. */
    private static Optional<OciReference> parseImage(String text) {
        try {
            return Optional.of(OciReference.parse(text).withDefaultTag());
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }

    private static String normalized(String reference) {
        return parse(reference).map(OciReference::toString).orElse(reference);
    }
}
