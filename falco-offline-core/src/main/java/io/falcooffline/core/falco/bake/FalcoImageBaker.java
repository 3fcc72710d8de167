package io.falcooffline.core.falco.bake;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.ScratchDirectory;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.plan.OciReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Bakes plugins, rules and the container plugin override into the Falco image, from OCI content alone: no container
 * engine and no emulation, so an x86 machine builds the arm64 image.
 *
 * <p>For each platform the derived manifest keeps the base image's layers byte for byte (their descriptors reused,
 * never recompressed) and adds one deterministic layer; its config is the base config with that layer's diff_id, a
 * history entry and a fixed {@code created}. An OCI image index over the platform manifests is tagged last, after
 * every blob and manifest is in the target, so a failed run leaves no tag on incomplete content. Everything is read
 * and checked before anything is written: bad input fails with a {@link BakeException} naming the artifact, and
 * nothing is pushed. The same inputs always give the same digests.
 *
 * <p>This is a stage of the package pipeline, not part of the library's public API.
 */
public final class FalcoImageBaker {

    /**
     * Replaces the image's {@code falco.container_plugin.yaml} ({@code load_plugins: [container]}). An empty map
     * changes no setting under any {@code config_files} merge strategy and passes Falco's config schema.
     */
    static final String CONTAINER_PLUGIN_OVERRIDE =
            "# Written by falco-offline: the container plugin is not configured for this deployment, so this file,\n"
                    + "# which the Falco image ships to load it, is replaced by one that changes nothing.\n"
                    + "{}\n";

    private final BakeRequest request;
    private final ProgressListener listener;
    private final Path work;

    private FalcoImageBaker(BakeRequest request, ProgressListener listener, Path work) {
        this.request = request;
        this.listener = listener;
        this.work = work;
    }

    /**
     * Builds the derived image and writes it to the request's target: blobs, then platform manifests by digest, then
     * the index under the target tag. When the request asks for a build context, it is written before anything is
     * pushed.
     *
     * @param request what to bake, from where, to where
     * @param listener receives progress
     * @return the index and platform manifests written, and the files the added layer holds
     * @throws BakeException naming the artifact or image when the input cannot be baked (nothing pushed then)
     * @throws FalcoOfflineException when reading or writing a store fails (no tag set then)
     */
    public static BakeResult bake(BakeRequest request, ProgressListener listener) {
        try (ScratchDirectory work = createWorkDirectory(request)) {
            return new FalcoImageBaker(request, listener, work.path()).run();
        }
    }

    private BakeResult run() {
        BaseImage base = BaseImage.read(request.source(), request.baseImage(), request.platforms());
        List<FalcoArtifact> artifacts = request.artifacts().stream()
                .map(reference -> FalcoArtifactReader.read(request.source(), reference, request.platforms()))
                .toList();
        Path override = request.overrideContainerPluginConfig() ? writeOverride() : null;
        Map<String, List<LayerExtractor.ExtractedFile>> extracted = new HashMap<>();
        List<PlatformBuild> builds = new ArrayList<>();
        Set<String> baseManifests = new LinkedHashSet<>();
        for (Platform platform : sortedPlatforms()) {
            BaseImage.PlatformImage baseImage = base.platforms().get(platform);
            if (!baseManifests.add(baseImage.manifest().digest())) {
                continue;
            }
            PlatformFiles files = collect(platform, artifacts, override, extracted);
            if (!builds.isEmpty()) {
                requireSamePaths(builds.get(0), platform, files);
            }
            builds.add(build(platform, baseImage, files, artifacts, builds.size()));
        }
        Manifest index = DerivedImage.index(
                builds.stream().map(build -> build.built().manifest()).toList(),
                builds.stream().map(build -> build.built().base().platform()).toList());
        request.buildContext().ifPresent(directory -> writeBuildContext(directory, base, builds));
        push(builds, index);
        listener.info("Baked " + request.targetImage() + "@"
                + index.descriptor().digest() + " from "
                + request.baseImage() + " for "
                + builds.stream().map(build -> build.platform().toString()).collect(Collectors.joining(", "))
                + ": added layer of "
                + builds.stream()
                        .map(build -> build.built().layer().blob().size() + " bytes")
                        .collect(Collectors.joining(", "))
                + " with " + describe(artifacts) + ".");
        return result(index, builds, artifacts, override != null);
    }

    /** The files of one platform's added layer, and where each artifact's files went. */
    private PlatformFiles collect(
            Platform platform,
            List<FalcoArtifact> artifacts,
            Path override,
            Map<String, List<LayerExtractor.ExtractedFile>> extracted) {
        SortedMap<String, DeterministicLayer.LayerFile> files = new TreeMap<>();
        Map<FalcoArtifact, List<String>> paths = new LinkedHashMap<>();
        for (FalcoArtifact artifact : artifacts) {
            FalcoArtifact.Layer layer = artifact.layers().get(platform);
            List<LayerExtractor.ExtractedFile> content = extracted.computeIfAbsent(
                    layer.blob().digest(), digest -> LayerExtractor.extract(request.source(), artifact, layer, work));
            DeterministicLayer.Role role = artifact.kind() == ArtifactKind.PLUGIN
                    ? DeterministicLayer.Role.PLUGIN_LIBRARY
                    : DeterministicLayer.Role.RULES;
            List<String> artifactPaths = new ArrayList<>();
            for (LayerExtractor.ExtractedFile file : content) {
                String path = inImagePath(artifact.kind(), file.relativePath());
                place(files, path, new DeterministicLayer.LayerFile(file.file(), role, artifact.describe()));
                artifactPaths.add(path);
            }
            artifactPaths.sort(Comparator.naturalOrder());
            paths.put(artifact, artifactPaths);
        }
        if (override != null) {
            place(
                    files,
                    InImagePaths.CONTAINER_PLUGIN_CONFIG,
                    new DeterministicLayer.LayerFile(
                            override, DeterministicLayer.Role.CONFIG, "the container plugin override"));
        }
        requireNoFileUnderAnother(files);
        return new PlatformFiles(files, paths);
    }

    private void writeBuildContext(Path directory, BaseImage base, List<PlatformBuild> builds) {
        Map<Platform, SortedMap<String, DeterministicLayer.LayerFile>> files = new LinkedHashMap<>();
        builds.forEach(build -> files.put(build.platform(), build.files().files()));
        OciReference pinnedBase = new OciReference(
                base.reference().registry(),
                base.reference().repository(),
                base.reference().tag(),
                base.root().digest());
        BuildContext.write(directory, pinnedBase, request.targetImage(), files);
        listener.info("Wrote the Dockerfile build context of " + request.targetImage() + " to " + directory + ".");
    }

    private BakeResult result(
            Manifest index, List<PlatformBuild> builds, List<FalcoArtifact> artifacts, boolean overridden) {
        Map<FalcoArtifact, List<String>> paths = builds.get(0).files().paths();
        List<BakeResult.BakedArtifact> baked = new ArrayList<>();
        for (FalcoArtifact artifact : artifacts) {
            baked.add(new BakeResult.BakedArtifact(
                    artifact.reference(), artifact.kind(), artifact.name(), artifact.version(), paths.get(artifact)));
        }
        return new BakeResult(
                request.targetImage(),
                index.descriptor(),
                builds.stream()
                        .map(build -> build.built().platformImage(build.platform()))
                        .toList(),
                baked,
                overridden ? Optional.of(InImagePaths.CONTAINER_PLUGIN_CONFIG) : Optional.empty(),
                request.buildContext());
    }

    /** The platforms in a fixed order, so the index is the same however the request lists them. */
    private List<Platform> sortedPlatforms() {
        return request.platforms().stream()
                .sorted(Comparator.comparing(Platform::toString))
                .toList();
    }

    private PlatformBuild build(
            Platform platform,
            BaseImage.PlatformImage baseImage,
            PlatformFiles files,
            List<FalcoArtifact> artifacts,
            int number) {
        Instant created = request.created()
                .or(() -> DerivedImage.created(baseImage.config()))
                .orElse(Instant.EPOCH)
                .truncatedTo(ChronoUnit.SECONDS);
        DerivedImageWriter.Built built = DerivedImageWriter.build(
                baseImage,
                baseImage.config(),
                files.files(),
                created,
                work.resolve("layer-" + number + ".tar.gz"),
                "falco-offline bake: " + describe(artifacts),
                artifacts.stream()
                        .map(artifact -> artifact.reference().name() + "@"
                                + artifact.layers().get(platform).manifest().digest())
                        .collect(Collectors.joining(", ")),
                request.baseImage());
        return new PlatformBuild(platform, files, built);
    }

    /** Where falcoctl would put a file of the artifact, or the {@code rules_files} path that names it. */
    private String inImagePath(ArtifactKind kind, String relativePath) {
        if (kind == ArtifactKind.PLUGIN) {
            return InImagePaths.PLUGINS_DIRECTORY + "/" + relativePath;
        }
        for (String rulesFile : request.rulesFiles()) {
            if (rulesFile.endsWith("/" + relativePath)) {
                return rulesFile;
            }
        }
        return BakeRequest.DEFAULT_RULES_DIRECTORY + "/" + relativePath;
    }

    private static void place(
            SortedMap<String, DeterministicLayer.LayerFile> files, String path, DeterministicLayer.LayerFile file) {
        DeterministicLayer.LayerFile earlier = files.putIfAbsent(path, file);
        if (earlier != null && !earlier.origin().equals(file.origin())) {
            throw new BakeException(
                    file.origin(),
                    "Both " + earlier.origin() + " and " + file.origin() + " put a file at " + path
                            + " in the image; bake only one of them.");
        }
    }

    private static void requireNoFileUnderAnother(SortedMap<String, DeterministicLayer.LayerFile> files) {
        for (Map.Entry<String, DeterministicLayer.LayerFile> file : files.entrySet()) {
            SortedMap<String, DeterministicLayer.LayerFile> below =
                    files.subMap(file.getKey() + "/", file.getKey() + "0");
            if (!below.isEmpty()) {
                DeterministicLayer.LayerFile other = below.values().iterator().next();
                throw new BakeException(
                        file.getValue().origin(),
                        file.getValue().origin() + " puts a file at " + file.getKey() + ", where " + other.origin()
                                + " needs a directory (" + below.firstKey() + ").");
            }
        }
    }

    private static void requireSamePaths(PlatformBuild first, Platform otherPlatform, PlatformFiles other) {
        for (Map.Entry<FalcoArtifact, List<String>> entry :
                first.files().paths().entrySet()) {
            List<String> otherPaths = other.paths().get(entry.getKey());
            if (!entry.getValue().equals(otherPaths)) {
                throw new BakeException(
                        entry.getKey().reference().toString(),
                        entry.getKey().describe() + " has the files " + entry.getValue() + " on " + first.platform()
                                + " but " + otherPaths + " on " + otherPlatform + "; one set of values serves every"
                                + " platform, so its files must have the same names on all of them.");
            }
        }
    }

    private static String describe(List<FalcoArtifact> artifacts) {
        return artifacts.isEmpty()
                ? "the container plugin override"
                : artifacts.stream()
                        .map(artifact -> artifact.name() + " " + artifact.version())
                        .collect(Collectors.joining(", "));
    }

    private Path writeOverride() {
        try {
            Path file = Files.createTempFile(work, "override-", ".yaml");
            Files.writeString(file, CONTAINER_PLUGIN_OVERRIDE, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stage the container plugin override in " + work, e);
        }
    }

    /** Blobs first, then the platform manifests by digest, then the index under its tag. */
    private void push(List<PlatformBuild> builds, Manifest index) {
        DerivedImageWriter.push(
                request.source(),
                request.target(),
                request.baseImage(),
                request.targetImage(),
                builds.stream().map(PlatformBuild::built).toList(),
                index);
    }

    /** Deleted when the bake ends, and when the JVM stops during it (SIGTERM, Ctrl-C). */
    private static ScratchDirectory createWorkDirectory(BakeRequest request) {
        try {
            Optional<Path> parent = request.workDirectory();
            if (parent.isPresent()) {
                Files.createDirectories(parent.get());
                return ScratchDirectory.create(parent.get(), ".falco-offline-bake-");
            }
            return ScratchDirectory.create("falco-offline-bake-");
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot create a working directory to bake " + request.targetImage() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The files of one platform's added layer.
     *
     * @param files absolute paths in the image to their content
     * @param paths for each artifact, the sorted paths of its files
     */
    private record PlatformFiles(
            SortedMap<String, DeterministicLayer.LayerFile> files, Map<FalcoArtifact, List<String>> paths) {}

    /**
     * One platform of the derived image.
     *
     * @param platform the requested platform
     * @param files the added layer's files
     * @param built the base, the added layer, config and manifest, as the shared writer pushes them
     */
    private record PlatformBuild(Platform platform, PlatformFiles files, DerivedImageWriter.Built built) {}
}
