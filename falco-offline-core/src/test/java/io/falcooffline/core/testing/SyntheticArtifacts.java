package io.falcooffline.core.testing;

import static io.falcooffline.core.testing.OrderedJson.object;

import io.falcooffline.core.Platform;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Builds artifacts in exactly the formats falcoctl publishes and consumes (plugin indexes, rulesfile manifests) and
 * multi-platform container images, with deterministic bytes: a fixed creation time, fixed tar headers and gzip
 * header, and content derived from the names. The same call always gives the same digests.
 *
 * <p>Formats follow falcoctl 0.13.0 / oras-go 2.6.0: one-layer OCI image manifests without {@code artifactType},
 * config descriptors without annotations, the layer titled with the archive name, plugin indexes whose entries carry
 * the platform, the config media type as {@code artifactType} and the manifest's annotations.
 */
public final class SyntheticArtifacts {

    /** The fixed {@code org.opencontainers.image.created} of every artifact. */
    public static final String CREATED = "2026-03-12T10:00:00Z";
    /** The source annotation of the plugins repository. */
    public static final String PLUGINS_SOURCE = "https://github.com/falcosecurity/plugins.git";
    /** The source annotation of the rules repository. */
    public static final String RULES_SOURCE = "https://github.com/falcosecurity/rules.git";

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String PLUGIN_CONFIG = "application/vnd.cncf.falco.plugin.config.v1+json";
    public static final String PLUGIN_LAYER = "application/vnd.cncf.falco.plugin.layer.v1+tar.gz";
    public static final String RULESFILE_CONFIG = "application/vnd.cncf.falco.rulesfile.config.v1+json";
    public static final String RULESFILE_LAYER = "application/vnd.cncf.falco.rulesfile.layer.v1+tar.gz";

    private static final String ANNOTATION_CREATED = "org.opencontainers.image.created";
    private static final String ANNOTATION_SOURCE = "org.opencontainers.image.source";
    private static final String ANNOTATION_TITLE = "org.opencontainers.image.title";
    private static final Instant CREATED_INSTANT = Instant.parse(CREATED);

    /** A platform of an index entry. */
    public record Platform(String os, String architecture) {
        /** {@code linux/amd64}. */
        public static final Platform LINUX_AMD64 = new Platform("linux", "amd64");
        /** {@code linux/arm64}. */
        public static final Platform LINUX_ARM64 = new Platform("linux", "arm64");

        /** The machine name plugin archives use: {@code x86_64} or {@code aarch64}. */
        String archiveArchitecture() {
            return switch (architecture) {
                case "amd64" -> "x86_64";
                case "arm64" -> "aarch64";
                default -> architecture;
            };
        }

        Map<String, Object> json() {
            return object("architecture", architecture, "os", os);
        }
    }

    /** A {@code requirements} entry of an artifact config. */
    public record Requirement(String name, String version) {}

    /** A {@code dependencies} entry of an artifact config, with its accepted alternatives. */
    public record Dependency(String name, String version, List<Dependency> alternatives) {
        /** A dependency without alternatives. */
        public Dependency(String name, String version) {
            this(name, version, List.of());
        }
    }

    /** The platforms official plugins are published for. */
    public static final List<Platform> PLUGIN_PLATFORMS = List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64);

    private SyntheticArtifacts() {}

    /**
     * A plugin as the plugins CI publishes it: an index over linux/amd64 and linux/arm64 manifests, each with the
     * archive {@code <name>-<version>-linux-<x86_64|aarch64>.tar.gz} holding {@code lib<name>.so} at its root.
     *
     * @param name e.g. {@code k8saudit}
     * @param version e.g. {@code 0.16.1}
     * @param pluginApiVersion the {@code plugin_api_version} requirement, e.g. {@code 3.11.0}
     */
    public static SyntheticArtifact plugin(String name, String version, String pluginApiVersion) {
        return plugin(
                name, version, List.of(new Requirement("plugin_api_version", pluginApiVersion)), PLUGIN_PLATFORMS);
    }

    /** A plugin with the given requirements and platforms. */
    public static SyntheticArtifact plugin(
            String name, String version, List<Requirement> requirements, List<Platform> platforms) {
        return plugin(
                name,
                version,
                requirements,
                platforms,
                platform -> Map.of("lib" + name + ".so", sharedLibrary(platform, name + version)));
    }

    /**
     * A plugin whose archive for each platform holds the given files (names at the archive root or below it), with
     * requirement {@code plugin_api_version 3.11.0}.
     */
    public static SyntheticArtifact pluginWithFiles(
            String name, String version, List<Platform> platforms, Function<Platform, Map<String, byte[]>> files) {
        return plugin(name, version, List.of(new Requirement("plugin_api_version", "3.11.0")), platforms, files);
    }

    /**
     * A plugin whose layer for each platform is the given gzip tar, as is (for layers no falcoctl CI would publish:
     * links, pipes), with requirement {@code plugin_api_version 3.11.0}.
     */
    public static SyntheticArtifact pluginWithLayer(
            String name, String version, List<Platform> platforms, Function<Platform, byte[]> layer) {
        return pluginOfLayers(
                name, version, List.of(new Requirement("plugin_api_version", "3.11.0")), platforms, layer);
    }

    /**
     * One tar entry of any type, for {@link #tarGzOf}.
     *
     * @param type the tar type flag, e.g. {@code TarConstants.LF_SYMLINK}
     * @param linkName the link target for a link, else empty
     */
    public record RawEntry(String name, byte type, String linkName, byte[] content) {
        /** A regular file. */
        public static RawEntry file(String name, byte[] content) {
            return new RawEntry(name, org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL, "", content);
        }
    }

    /** A gzip-compressed tar holding the entries in the given order, types and link names as given. */
    public static byte[] tarGzOf(List<RawEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (RawEntry raw : entries) {
                TarArchiveEntry entry = new TarArchiveEntry(raw.name(), raw.type());
                entry.setLinkName(raw.linkName());
                entry.setSize(raw.content().length);
                entry.setModTime(java.util.Date.from(CREATED_INSTANT));
                tar.putArchiveEntry(entry);
                tar.write(raw.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gzip(out.toByteArray());
    }

    private static SyntheticArtifact plugin(
            String name,
            String version,
            List<Requirement> requirements,
            List<Platform> platforms,
            Function<Platform, Map<String, byte[]>> files) {
        return pluginOfLayers(name, version, requirements, platforms, platform -> tarGz(files.apply(platform)));
    }

    private static SyntheticArtifact pluginOfLayers(
            String name,
            String version,
            List<Requirement> requirements,
            List<Platform> platforms,
            Function<Platform, byte[]> layers) {
        byte[] config = config(name, version, List.of(), requirements);
        Descriptor configDescriptor = descriptor(PLUGIN_CONFIG, config);
        List<SyntheticArtifact.Blob> blobs = new ArrayList<>();
        blobs.add(new SyntheticArtifact.Blob(configDescriptor, config));
        List<Manifest> manifests = new ArrayList<>();
        List<Object> entries = new ArrayList<>();
        Map<String, Object> annotations = object(ANNOTATION_CREATED, CREATED, ANNOTATION_SOURCE, PLUGINS_SOURCE);
        for (Platform platform : platforms) {
            String title = name + "-" + version + "-linux-" + platform.archiveArchitecture() + ".tar.gz";
            byte[] layer = layers.apply(platform);
            Descriptor layerDescriptor = descriptor(PLUGIN_LAYER, layer);
            blobs.add(new SyntheticArtifact.Blob(layerDescriptor, layer));
            Manifest manifest = artifactManifest(configDescriptor, layerDescriptor, title, annotations);
            manifests.add(manifest);
            entries.add(object(
                    "mediaType",
                    OCI_MANIFEST,
                    "digest",
                    manifest.descriptor().digest(),
                    "size",
                    manifest.descriptor().size(),
                    "annotations",
                    annotations,
                    "platform",
                    platform.json(),
                    "artifactType",
                    PLUGIN_CONFIG));
        }
        byte[] index = OrderedJson.bytes(object(
                "schemaVersion",
                2,
                "mediaType",
                OCI_INDEX,
                "manifests",
                entries,
                "annotations",
                object(ANNOTATION_SOURCE, PLUGINS_SOURCE)));
        return new SyntheticArtifact(Manifest.of(OCI_INDEX, index), manifests, blobs);
    }

    /**
     * A rulesfile: one manifest (no index) whose layer {@code <archiveTitle>} holds {@code entryName}.
     *
     * @param name the config name, e.g. {@code k8saudit-rules}
     * @param version the config version
     * @param archiveTitle the layer title, e.g. {@code k8saudit-rules-0.16.1.tar.gz}
     * @param entryName the file inside, e.g. {@code k8s_audit_rules.yaml}
     * @param content the file's bytes
     * @param dependencies the config dependencies (sorted by name in the config)
     * @param requirements the config requirements (sorted by name in the config)
     * @param source the source annotation, or null for none
     */
    public static SyntheticArtifact rulesfile(
            String name,
            String version,
            String archiveTitle,
            String entryName,
            byte[] content,
            List<Dependency> dependencies,
            List<Requirement> requirements,
            String source) {
        byte[] config = config(name, version, dependencies, requirements);
        Descriptor configDescriptor = descriptor(RULESFILE_CONFIG, config);
        byte[] layer = tarGz(Map.of(entryName, content));
        Descriptor layerDescriptor = descriptor(RULESFILE_LAYER, layer);
        Map<String, Object> annotations = object(ANNOTATION_CREATED, CREATED, ANNOTATION_SOURCE, source);
        Manifest manifest = artifactManifest(configDescriptor, layerDescriptor, archiveTitle, annotations);
        return new SyntheticArtifact(
                manifest,
                List.of(),
                List.of(
                        new SyntheticArtifact.Blob(configDescriptor, config),
                        new SyntheticArtifact.Blob(layerDescriptor, layer)));
    }

    /**
     * The k8saudit rules as the plugins CI publishes them: config {@code k8saudit-rules} with the dependencies of
     * {@code k8s_audit_rules.yaml} 0.16.x (k8saudit 0.7.0 with its four alternatives, json 0.7.0) and engine 0.15.0.
     *
     * @param version e.g. {@code 0.16.1}
     * @param rules the rules file content
     */
    public static SyntheticArtifact k8sauditRules(String version, byte[] rules) {
        return rulesfile(
                "k8saudit-rules",
                version,
                "k8saudit-rules-" + version + ".tar.gz",
                "k8s_audit_rules.yaml",
                rules,
                List.of(
                        new Dependency(
                                "k8saudit",
                                "0.7.0",
                                List.of(
                                        new Dependency("k8saudit-aks", "0.1.0"),
                                        new Dependency("k8saudit-eks", "0.4.0"),
                                        new Dependency("k8saudit-gke", "0.1.0"),
                                        new Dependency("k8saudit-ovh", "0.1.0"))),
                        new Dependency("json", "0.7.0")),
                List.of(new Requirement("engine_version_semver", "0.15.0")),
                PLUGINS_SOURCE);
    }

    /** falco-rules as the rules repository publishes them: {@code falco_rules.yaml.tar.gz}, engine requirement. */
    public static SyntheticArtifact falcoRules(String version, String engineVersion, byte[] rules) {
        return rulesfile(
                "falco-rules",
                version,
                "falco_rules.yaml.tar.gz",
                "falco_rules.yaml",
                rules,
                List.of(),
                List.of(new Requirement("engine_version_semver", engineVersion)),
                RULES_SOURCE);
    }

    /** A multi-platform image as an OCI image index over OCI image manifests, one small layer each. */
    public static SyntheticArtifact ociImage(String name, List<Platform> platforms) {
        return image(name, platforms, false);
    }

    /**
     * A multi-platform OCI image whose single layer also holds the files given for each platform (paths without
     * leading slash).
     */
    public static SyntheticArtifact ociImage(
            String name, List<Platform> platforms, Function<Platform, Map<String, byte[]>> files) {
        return image(name, platforms, false, platform -> {
            Map<String, byte[]> content = new LinkedHashMap<>(files.apply(platform));
            content.put("usr/bin/" + name, pseudoRandom(name + platform, 2048));
            return List.of(content);
        });
    }

    /** A multi-platform image as a Docker manifest list over Docker schema-2 manifests, as Docker Hub serves. */
    public static SyntheticArtifact dockerImage(String name, List<Platform> platforms) {
        return image(name, platforms, true);
    }

    /**
     * The Falco image as {@code docker/falco/Dockerfile} builds it, in miniature: per platform a first layer with
     * {@code /usr/bin/falco} and {@code /etc/falco/falco.yaml}, and a second with the container plugin's
     * {@code /usr/share/falco/plugins/libcontainer.so} and {@code /etc/falco/config.d/falco.container_plugin.yaml}
     * (the upstream content, {@code load_plugins: [container]}).
     *
     * @param docker a Docker manifest list over Docker manifests, as Docker Hub may serve; else OCI
     */
    public static SyntheticArtifact falcoImage(String version, List<Platform> platforms, boolean docker) {
        return image(
                "falco",
                platforms,
                docker,
                platform -> List.of(
                        Map.of(
                                "usr/bin/falco", pseudoRandom("falco" + version + platform, 8192),
                                "etc/falco/falco.yaml", utf8("config_files:\n  - /etc/falco/config.d\n")),
                        Map.of(
                                "usr/share/falco/plugins/libcontainer.so",
                                pseudoRandom("container0.7.1" + platform, 4096),
                                "etc/falco/config.d/falco.container_plugin.yaml",
                                utf8(FALCO_CONTAINER_PLUGIN_CONFIG))));
    }

    /** {@code config/falco.container_plugin.yaml} of Falco 0.44.0, which has no trailing newline. */
    public static final String FALCO_CONTAINER_PLUGIN_CONFIG =
            "# Enable container plugin for linux non musl installation.\nload_plugins: [container]";

    private static SyntheticArtifact image(String name, List<Platform> platforms, boolean docker) {
        return image(
                name,
                platforms,
                docker,
                platform -> List.of(Map.of("usr/bin/" + name, pseudoRandom(name + platform, 2048))));
    }

    private static SyntheticArtifact image(
            String name,
            List<Platform> platforms,
            boolean docker,
            Function<Platform, List<Map<String, byte[]>>> files) {
        List<SyntheticArtifact.Blob> blobs = new ArrayList<>();
        List<Manifest> manifests = new ArrayList<>();
        List<Object> entries = new ArrayList<>();
        String manifestType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
        for (Platform platform : platforms) {
            List<Object> diffIds = new ArrayList<>();
            List<Object> layers = new ArrayList<>();
            List<Object> history = new ArrayList<>();
            int configPosition = blobs.size();
            for (Map<String, byte[]> layerFiles : files.apply(platform)) {
                byte[] tar = tar(layerFiles);
                byte[] layer = gzip(tar);
                Descriptor layerDescriptor = descriptor(docker ? DOCKER_LAYER : OCI_LAYER, layer);
                blobs.add(new SyntheticArtifact.Blob(layerDescriptor, layer));
                diffIds.add(Digests.sha256(tar));
                layers.add(descriptorJson(layerDescriptor, null));
                history.add(object("created", CREATED, "created_by", "falco-offline synthetic image"));
            }
            byte[] config = OrderedJson.bytes(object(
                    "created", CREATED,
                    "architecture", platform.architecture(),
                    "os", platform.os(),
                    "config", object("Entrypoint", List.of("/usr/bin/" + name)),
                    "rootfs", object("type", "layers", "diff_ids", diffIds),
                    "history", history));
            Descriptor configDescriptor = descriptor(docker ? DOCKER_IMAGE_CONFIG : OCI_IMAGE_CONFIG, config);
            blobs.add(configPosition, new SyntheticArtifact.Blob(configDescriptor, config));
            byte[] manifestBytes = OrderedJson.bytes(object(
                    "schemaVersion",
                    2,
                    "mediaType",
                    manifestType,
                    "config",
                    descriptorJson(configDescriptor, null),
                    "layers",
                    layers));
            Manifest manifest = Manifest.of(manifestType, manifestBytes);
            manifests.add(manifest);
            entries.add(object(
                    "mediaType", manifestType,
                    "digest", manifest.descriptor().digest(),
                    "size", manifest.descriptor().size(),
                    "platform", platform.json()));
        }
        String indexType = docker ? DOCKER_MANIFEST_LIST : OCI_INDEX;
        byte[] index = OrderedJson.bytes(object("schemaVersion", 2, "mediaType", indexType, "manifests", entries));
        return new SyntheticArtifact(Manifest.of(indexType, index), manifests, blobs);
    }

    /**
     * A gzip-compressed tar with the entries at its root, in name order, as regular files with mode 0644, uid/gid 0,
     * the fixed creation time, and a gzip header with mtime 0 and OS "unknown".
     */
    public static byte[] tarGz(Map<String, byte[]> entries) {
        return gzip(tar(entries));
    }

    private static byte[] tar(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            List<String> names = new ArrayList<>(entries.keySet());
            names.sort(Comparator.naturalOrder());
            for (String name : names) {
                byte[] content = entries.get(name);
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(content.length);
                entry.setMode(0100644);
                entry.setModTime(java.util.Date.from(CREATED_INSTANT));
                entry.setUserId(0);
                entry.setGroupId(0);
                entry.setUserName("");
                entry.setGroupName("");
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) {
        GzipParameters parameters = new GzipParameters();
        parameters.setModificationTime(0);
        parameters.setOperatingSystem(255);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out, parameters)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] config(
            String name, String version, List<Dependency> dependencies, List<Requirement> requirements) {
        List<Object> dependencyJson = dependencies.stream()
                .sorted(Comparator.comparing(Dependency::name))
                .map(SyntheticArtifacts::dependencyJson)
                .toList();
        List<Object> requirementJson = requirements.stream()
                .sorted(Comparator.comparing(Requirement::name))
                .map(r -> (Object) object("name", r.name(), "version", r.version()))
                .toList();
        return OrderedJson.bytes(object(
                "name",
                name,
                "version",
                version,
                "dependencies",
                dependencyJson.isEmpty() ? null : dependencyJson,
                "requirements",
                requirementJson.isEmpty() ? null : requirementJson));
    }

    private static Object dependencyJson(Dependency dependency) {
        List<Object> alternatives = dependency.alternatives().stream()
                .map(SyntheticArtifacts::dependencyJson)
                .toList();
        return object(
                "name", dependency.name(),
                "version", dependency.version(),
                "alternatives", alternatives.isEmpty() ? null : alternatives);
    }

    private static Manifest artifactManifest(
            Descriptor config, Descriptor layer, String title, Map<String, Object> annotations) {
        byte[] bytes = OrderedJson.bytes(object(
                "schemaVersion",
                2,
                "mediaType",
                OCI_MANIFEST,
                "config",
                descriptorJson(config, null),
                "layers",
                List.of(descriptorJson(layer, object(ANNOTATION_TITLE, title))),
                "annotations",
                annotations));
        return Manifest.of(OCI_MANIFEST, bytes);
    }

    private static Map<String, Object> descriptorJson(Descriptor descriptor, Map<String, Object> annotations) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mediaType", descriptor.mediaType());
        json.put("digest", descriptor.digest());
        json.put("size", descriptor.size());
        if (annotations != null) {
            json.put("annotations", annotations);
        }
        return json;
    }

    private static Descriptor descriptor(String mediaType, byte[] bytes) {
        return new Descriptor(mediaType, Digests.sha256(bytes), bytes.length);
    }

    /**
     * A stand-in for a shared library built for a platform: the 20 bytes of an ELF64 little-endian header up to
     * {@code e_machine} (62 for x86_64, 183 for aarch64, as {@code readelf -h} reads them), then filler.
     */
    public static byte[] sharedLibrary(Platform platform, String seed) {
        byte[] bytes = pseudoRandom(seed + platform, 4096);
        byte[] header = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0};
        int machine = switch (platform.architecture()) {
            case "amd64" -> 62;
            case "arm64" -> 183;
            default -> 0;
        };
        header[18] = (byte) machine;
        System.arraycopy(header, 0, bytes, 0, header.length);
        return bytes;
    }

    /**
     * A stand-in for a Falco kernel module built for one kernel: an ELF64 little-endian header of type
     * {@code ET_REL} (1, as {@code readelf -h} shows for a {@code .ko}) for the driver architecture ({@code x86_64}
     * or {@code aarch64}), then filler derived from the seed, e.g. the kernel.
     */
    public static byte[] kernelModule(String driverArchitecture, String seed) {
        byte[] bytes = pseudoRandom("kmod" + seed + driverArchitecture, 4096);
        byte[] header = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
        header[18] = (byte) (driverArchitecture.equals("aarch64") ? 183 : 62);
        System.arraycopy(header, 0, bytes, 0, header.length);
        return bytes;
    }

    /** The platform's architecture as the {@code e_machine} field of an ELF header names it, or empty. */
    public static java.util.Optional<String> elfArchitecture(byte[] library) {
        if (library.length < 20 || library[0] != 0x7f || library[1] != 'E' || library[2] != 'L' || library[3] != 'F') {
            return java.util.Optional.empty();
        }
        int machine = (library[18] & 0xff) | (library[19] & 0xff) << 8;
        return switch (machine) {
            case 62 -> java.util.Optional.of("amd64");
            case 183 -> java.util.Optional.of("arm64");
            default -> java.util.Optional.empty();
        };
    }

    /** Deterministic filler bytes: the same seed always gives the same content. */
    public static byte[] pseudoRandom(String seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed.hashCode()).nextBytes(bytes);
        return bytes;
    }

    /** UTF-8 bytes of a text. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
