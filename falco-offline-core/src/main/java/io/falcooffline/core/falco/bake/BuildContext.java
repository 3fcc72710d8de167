package io.falcooffline.core.falco.bake;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.plan.OciReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * A Dockerfile build context with the same files as the baked image, for teams that must build images with their
 * own tooling: {@code plugins/<os>-<arch>/}, {@code rules/} (the image's paths below it), {@code config.d/} and a
 * {@code Dockerfile} that selects the plugin directory by BuildKit's {@code TARGETOS} and {@code TARGETARCH}.
 */
final class BuildContext {

    static final String DOCKERFILE = "Dockerfile";
    /** The first line of every Dockerfile written here; a directory whose Dockerfile starts otherwise is not replaced. */
    static final String HEADER = "# Build context written by falco-offline";

    private BuildContext() {}

    /**
     * Replaces {@code directory} by the build context, atomically.
     *
     * @param base the base image, pinned
     * @param image the baked image's name
     * @param files each platform's layer files
     * @throws InvalidRequestException when the directory holds something other than a build context written here
     */
    static void write(
            Path directory,
            OciReference base,
            OciReference image,
            Map<Platform, SortedMap<String, DeterministicLayer.LayerFile>> files) {
        requireReplaceable(directory);
        AtomicFiles.replaceDirectory(directory, "the Dockerfile build context files", staging -> {
            boolean plugins = false;
            boolean rules = false;
            boolean config = false;
            for (Map.Entry<Platform, SortedMap<String, DeterministicLayer.LayerFile>> platform : files.entrySet()) {
                for (Map.Entry<String, DeterministicLayer.LayerFile> file :
                        platform.getValue().entrySet()) {
                    DeterministicLayer.LayerFile content = file.getValue();
                    switch (content.role()) {
                        case PLUGIN_LIBRARY -> {
                            plugins = true;
                            copy(
                                    content,
                                    staging.resolve("plugins")
                                            .resolve(directoryName(platform.getKey()))
                                            .resolve(file.getKey()
                                                    .substring(InImagePaths.PLUGINS_DIRECTORY.length() + 1)));
                        }
                        case RULES -> {
                            rules = true;
                            copyOnce(
                                    content,
                                    staging.resolve("rules")
                                            .resolve(file.getKey().substring(1)));
                        }
                        case CONFIG -> {
                            config = true;
                            copyOnce(
                                    content, staging.resolve("config.d").resolve(InImagePaths.fileName(file.getKey())));
                        }
                    }
                }
            }
            Files.writeString(
                    staging.resolve(DOCKERFILE),
                    dockerfile(base, image, plugins, rules, config),
                    StandardCharsets.UTF_8);
        });
    }

    /** {@code linux-arm64}: the platform as BuildKit's {@code ${TARGETOS}-${TARGETARCH}} spells it. */
    static String directoryName(Platform platform) {
        return platform.os() + "-" + platform.architecture();
    }

    private static String dockerfile(
            OciReference base, OciReference image, boolean plugins, boolean rules, boolean config) {
        StringBuilder text = new StringBuilder()
                .append(HEADER)
                .append(": the same files as the baked image ")
                .append(image)
                .append(".\n")
                .append("# Build it with BuildKit, buildah or podman, which set TARGETOS and TARGETARCH, e.g.\n")
                .append("#   docker buildx build --platform linux/amd64,linux/arm64 --tag ")
                .append(image)
                .append(" --push .\n")
                .append("# The legacy Docker builder needs --build-arg TARGETOS=linux --build-arg TARGETARCH=arm64.\n")
                .append("ARG BASE_IMAGE=")
                .append(base)
                .append('\n')
                .append("FROM ${BASE_IMAGE}\n")
                .append("ARG TARGETOS\n")
                .append("ARG TARGETARCH\n");
        if (plugins) {
            text.append("COPY plugins/${TARGETOS}-${TARGETARCH}/ ")
                    .append(InImagePaths.PLUGINS_DIRECTORY)
                    .append("/\n");
        }
        if (rules) {
            text.append("COPY rules/ /\n");
        }
        if (config) {
            text.append("COPY config.d/")
                    .append(InImagePaths.fileName(InImagePaths.CONTAINER_PLUGIN_CONFIG))
                    .append(' ')
                    .append(InImagePaths.CONTAINER_PLUGIN_CONFIG)
                    .append('\n');
        }
        return text.toString();
    }

    /** Copies a file all platforms share, the same on every platform, once. */
    private static void copyOnce(DeterministicLayer.LayerFile content, Path target) throws IOException {
        if (!Files.exists(target)) {
            copy(content, target);
        }
    }

    /** Copies a file with its image mode, since COPY keeps the context's permissions. */
    private static void copy(DeterministicLayer.LayerFile content, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(content.content(), target);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(
                    target,
                    PosixFilePermissions.fromString(
                            content.mode() == DeterministicLayer.EXECUTABLE_MODE ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    private static void requireReplaceable(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
            Path dockerfile = directory.resolve(DOCKERFILE);
            if (Files.isRegularFile(dockerfile)) {
                byte[] start = new byte[HEADER.length()];
                int read;
                try (InputStream in = Files.newInputStream(dockerfile)) {
                    read = in.readNBytes(start, 0, start.length);
                }
                if (read == start.length && new String(start, StandardCharsets.UTF_8).equals(HEADER)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new InvalidRequestException(
                    "buildContext", "Cannot read the build context directory " + directory + ": " + e.getMessage());
        }
        throw new InvalidRequestException(
                "buildContext",
                "The build context directory " + directory + " already holds files that falco-offline did not write;"
                        + " writing the context replaces the directory, so choose a new or empty one.");
    }
}
