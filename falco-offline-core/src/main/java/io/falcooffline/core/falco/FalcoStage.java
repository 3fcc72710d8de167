package io.falcooffline.core.falco;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.FalcoVersions.FalcoVersion;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.reference.FoundReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The {@code falco} stage of a package run, right after the values: makes the output chart start Falco on a node
 * that reaches only the internal registry, whatever the values, and says in the plan what it did and why. It chooses
 * the falcoctl index ({@link #chooseIndex}), resolves the artifacts the values ask for ({@link ArtifactResolver}),
 * and delivers them: {@link RegistryDelivery} (falcoctl installs them from the internal registry) or
 * {@link BakedDelivery} (falcoctl is off, the values point at a derived image the bake step builds), then fixes the
 * container plugin's trap ({@link ContainerPlugin}). The syscall driver is decided beside it ({@link SyscallDriver}).
 * For a chart that is not Falco's it decides nothing.
 */
public final class FalcoStage {

    /**
     * What the stage needs of the run.
     *
     * @param effectiveValues the root chart's effective values (defaults, profile, user files), before rewriting
     * @param falcoVersion the chart's appVersion
     * @param internalRegistry the internal registry, {@code host[:port]}
     * @param plainHttp whether falcoctl must speak plain HTTP to it
     * @param toInternal maps an upstream reference to the internal registry, as the rewrite does
     * @param isInternal whether a reference is already on the internal registry
     * @param platforms the platforms mirrored; empty for all
     * @param sources where upstream artifacts are read; empty when mirroring is off
     */
    public record Input(
            Map<String, Object> effectiveValues,
            String falcoVersion,
            String internalRegistry,
            boolean plainHttp,
            UnaryOperator<OciReference> toInternal,
            Predicate<OciReference> isInternal,
            List<Platform> platforms,
            Optional<SourceStores> sources) {

        /** Where a reference lives on the internal registry, as the rewrite maps it. */
        OciReference internal(OciReference source) {
            return isInternal.test(source) ? source : toInternal.apply(source);
        }
    }

    /**
     * One artifact tag to mirror.
     *
     * @param kind plugin or rules file
     * @param source the upstream reference at the tag
     * @param target the internal reference at the same tag
     * @param why the artifact and why it is needed, for the plan
     */
    public record ArtifactCopy(ReferenceKind kind, OciReference source, OciReference target, String why) {}

    /**
     * What the stage decided.
     *
     * @param falcoChart whether the values are the Falco chart's ({@link FalcoValues#describeFalco}); when not, the
     *     stage decided nothing and the plan gets no {@code falco} section
     * @param delivery the delivery used
     * @param index which falcoctl index resolved short names
     * @param artifacts the resolved set; empty when mirroring is off and nothing could be read
     * @param copies every artifact tag to mirror
     * @param edits the values to set in the root chart
     * @param chartFiles files to add to the root chart, by path inside it
     * @param notes what the plan says about the stage, one line each
     * @param warnings what the user should look at
     * @param bake for {@link Delivery#BAKED}: what the bake step builds
     */
    public record Result(
            boolean falcoChart,
            Delivery delivery,
            String index,
            List<ResolvedArtifact> artifacts,
            List<ArtifactCopy> copies,
            List<ValuesEdit> edits,
            Map<String, byte[]> chartFiles,
            List<String> notes,
            List<String> warnings,
            Optional<BakePlan> bake) {}

    private final FalcoStageSettings options;

    /** The stage's values as one overlay of the root chart's values, each edit a whole value at its path. */
    public static Map<String, Object> overlay(Result result) {
        return ValuesEdit.overlay(result.edits());
    }

    /** Whether falcoctl reads the {@code registrySecret} as its credentials store with these values. */
    public static boolean falcoctlReadsRegistrySecret(Result result) {
        return result.edits().stream()
                .anyMatch(edit -> edit.dottedPath().equals("falcoctl.config.registry.creds.config"));
    }

    /**
     * Whether a found reference stays in the plan: the root chart's index URLs do not once the stage set
     * {@code indexes: []}, nor does the root chart's {@code image} once the values point it at the baked image (the
     * plan has the baked image and its base instead).
     */
    public static boolean keeps(Result result, FoundReference reference) {
        boolean inRoot = !reference.location().chart().contains("/");
        boolean indexesReplaced =
                result.edits().stream().anyMatch(edit -> edit.dottedPath().equals("falcoctl.config.indexes"));
        boolean imageReplaced = result.bake().isPresent()
                && reference.kind() == ReferenceKind.IMAGE
                && reference.valuesPath().equals(List.of("image"));
        return !(inRoot && ((indexesReplaced && reference.kind() == ReferenceKind.INDEX) || imageReplaced));
    }

    public FalcoStage(FalcoStageSettings options) {
        this.options = options;
    }

    /**
     * Runs the stage. Reads only: nothing is pushed or written.
     *
     * @throws FalcoArtifactException when an artifact cannot be found, read or used
     * @throws InvalidRequestException for bad options
     */
    public Result run(Input input) {
        return run(input, chooseIndex(input.effectiveValues(), input.sources().isPresent()));
    }

    /**
     * The falcoctl index short names resolve through: the {@code falcoctlIndex} parameter, else the indexes the
     * values configure (fetched now when {@code fetch}, or a cached copy), else the built-in subset.
     */
    public IndexSource.Chosen chooseIndex(Map<String, Object> effectiveValues, boolean fetch) {
        return chooseIndex(effectiveValues, fetch, new IndexSource(options.indexCache()));
    }

    /** {@link #chooseIndex(Map, boolean)} reading index URLs through {@code source} (its proxy, offline or not). */
    public IndexSource.Chosen chooseIndex(Map<String, Object> effectiveValues, boolean fetch, IndexSource source) {
        return source.choose(
                options.falcoctlIndex(), FalcoValues.of(effectiveValues).list("falcoctl.config.indexes"), fetch);
    }

    /** Runs the stage with an index already chosen by {@link #chooseIndex}. */
    public Result run(Input input, IndexSource.Chosen index) {
        if (!FalcoValues.describeFalco(input.effectiveValues())) {
            if (options.delivery() == Delivery.BAKED) {
                throw new InvalidRequestException(
                        "delivery",
                        "delivery=baked builds a Falco image, but this chart's values configure neither `falco` nor"
                                + " `falcoctl`: it is not the Falco chart. Leave delivery at its default for other"
                                + " charts.");
            }
            return new Result(
                    false,
                    options.delivery(),
                    index.description(),
                    List.of(),
                    List.of(),
                    List.of(),
                    Map.of(),
                    List.of("The chart's values configure neither `falco` nor `falcoctl`: no falcoctl artifacts to"
                            + " resolve."),
                    List.of(),
                    Optional.empty());
        }
        FalcoValues values = FalcoValues.of(input.effectiveValues());
        List<String> notes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<ResolvedArtifact> artifacts = resolve(values, input, index, notes, warnings);

        List<ValuesEdit> edits = new ArrayList<>();
        Map<String, byte[]> chartFiles = new LinkedHashMap<>();
        List<ArtifactCopy> copies = new ArrayList<>(copies(artifacts, input));
        Optional<BakePlan> bake = Optional.empty();
        if (options.delivery() == Delivery.BAKED) {
            BakePlan plan = BakedDelivery.plan(values, artifacts, input, copies);
            edits.addAll(BakedDelivery.edits(values, plan));
            notes.add("delivery=baked: Falco runs " + plan.image() + ", built from " + plan.baseImage() + " ("
                    + plan.baseSource() + ") with " + plan.artifacts().size() + " artifacts for " + plan.platforms()
                    + "; falcoctl is off. Its tag is derived from its content (" + plan.contentDigest() + "), so"
                    + " another base, artifact version, platform or file gives another tag.");
            bake = Optional.of(plan);
        } else if (values.installEnabled() || values.followEnabled()) {
            RegistryDelivery registry = new RegistryDelivery(options, input);
            edits.addAll(registry.edits(values, artifacts, notes));
            chartFiles.putAll(registry.chartFiles());
        } else {
            notes.add("delivery=registry with falcoctl install and follow off: plugins and rules come from the Falco"
                    + " image " + values.string("image.repository") + ".");
        }
        ContainerPlugin.fix(values, edits, options.delivery()).ifPresent(notes::add);
        return new Result(
                true,
                options.delivery(),
                index.description(),
                artifacts,
                List.copyOf(copies),
                List.copyOf(edits),
                chartFiles,
                List.copyOf(notes),
                List.copyOf(warnings),
                bake);
    }

    /**
     * Resolves what the values ask for against the upstream registries, with the chosen index, when the run reads
     * them; without them the refs stay as written (and {@code delivery=baked}, which needs the artifacts, fails).
     */
    private List<ResolvedArtifact> resolve(
            FalcoValues values, Input input, IndexSource.Chosen index, List<String> notes, List<String> warnings) {
        Optional<FalcoVersion> falco = FalcoVersions.of(input.falcoVersion());
        if (falco.isEmpty()) {
            warnings.add("Falco " + input.falcoVersion() + " is not in falco-offline's compatibility table: plugin"
                    + " API and rules engine requirements are not checked.");
        }
        // The plan's `index` names the index either way: the built-in subset is worth a warning, any other a note.
        String resolvedThrough = "falcoctl short names resolve through " + index.description() + ".";
        if (index.origin() == IndexSource.Origin.BUILT_IN) {
            warnings.add(resolvedThrough);
        } else {
            notes.add(resolvedThrough);
        }
        if (input.sources().isEmpty()) {
            if (options.delivery() == Delivery.BAKED) {
                throw new InvalidRequestException(
                        "delivery",
                        "delivery=baked builds the Falco image from the plugins and rules themselves, so it needs"
                                + " mirroring on (`mirror` true, or a bundle).");
            }
            notes.add("Artifacts were not resolved against a registry (mirroring is off): the refs are rewritten as"
                    + " written and their dependencies must already be listed.");
            return List.of();
        }
        ArtifactResolver resolver = new ArtifactResolver(
                index.index(),
                index.description(),
                input.sources().get(),
                options.artifacts(),
                falco,
                input.platforms());
        List<ResolvedArtifact> artifacts =
                resolver.resolve(WantedArtifact.of(values, options.delivery()), values.providedRulesFiles());
        for (ResolvedArtifact artifact : artifacts) {
            notes.add("Artifact " + artifact.describe() + " ("
                    + artifact.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + ") " + artifact.repository() + " " + artifact.tags() + " " + artifact.digest()
                    + (artifact.platforms().isEmpty() ? "" : " " + artifact.platforms()) + ", for "
                    + String.join(", ", artifact.origins()) + (artifact.pinned() ? " (pinned by `artifacts`)" : "")
                    + "."
                    + (artifact.skipped().isEmpty() ? "" : " " + String.join("; ", artifact.skipped()) + "."));
        }
        return artifacts;
    }

    private static List<ArtifactCopy> copies(List<ResolvedArtifact> artifacts, Input input) {
        List<ArtifactCopy> copies = new ArrayList<>();
        for (ResolvedArtifact artifact : artifacts) {
            for (String tag : artifact.tags()) {
                OciReference source = artifact.repository().withTag(tag);
                OciReference target = input.internal(source);
                copies.add(new ArtifactCopy(
                        artifact.kind(),
                        source,
                        target,
                        artifact.describe() + " for " + String.join(", ", artifact.origins())));
            }
        }
        return List.copyOf(copies);
    }
}
