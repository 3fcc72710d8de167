package io.falcooffline.bench;

import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.oci.registry.RegistryClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Falco-shaped set for the wide-area benchmark: nine two-platform images of the kind a Falco installation pulls
 * (Falco, its driver loader, falcoctl, Falcosidekick and its UI, the metadata collector, Redis, kubectl, busybox), on
 * three base layers they share, plus falcoctl-style plugin artifacts (two platforms each) and rules files (one
 * manifest each). Layers run from a few KiB to one of about 180 MiB (the driver loader's toolchain); about 80 blobs
 * and 1.2 GiB in all at the default size. Every size is scaled by {@code setMiB / }{@link #fullMiB()}, down to 1 KiB,
 * so a smoke run keeps the shape at a fraction of the bytes.
 */
final class WanImageSet {

    private static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

    /** One layer's content by name (the same name in two images is the same blob) and size per architecture. */
    private record Layer(String name, double amd64MiB, double arm64MiB) {

        static Layer of(String name, double mib) {
            return new Layer(name, mib, mib);
        }

        double mib(String architecture) {
            return architecture.equals("amd64") ? amd64MiB : arm64MiB;
        }
    }

    /** A repository's content: its layers in order, its platforms, and whether it uses Docker's or OCI's types. */
    private record Artifact(String repository, Kind kind, List<Layer> layers) {}

    private enum Kind {
        DOCKER_IMAGE,
        OCI_IMAGE,
        PLUGIN,
        RULES
    }

    private static final Layer DEBIAN = Layer.of("base-debian", 56);
    private static final Layer ALPINE = Layer.of("base-alpine", 4);
    private static final Layer DISTROLESS = Layer.of("base-distroless", 2.5);
    private static final List<Layer> FALCO = List.of(
            DEBIAN,
            Layer.of("falco-bin", 72),
            Layer.of("falco-plugins", 9),
            Layer.of("falco-config", 0.3),
            Layer.of("falco-entrypoint", 0.004));

    private static final List<Artifact> ARTIFACTS = List.of(
            new Artifact("falcosecurity/falco", Kind.OCI_IMAGE, FALCO),
            new Artifact(
                    "falcosecurity/falco-driver-loader",
                    Kind.OCI_IMAGE,
                    concat(FALCO, new Layer("driver-toolchain", 180, 150), Layer.of("driver-loader-scripts", 1.5))),
            new Artifact(
                    "falcosecurity/falcoctl",
                    Kind.OCI_IMAGE,
                    List.of(DISTROLESS, Layer.of("falcoctl-bin", 31), Layer.of("falcoctl-config", 0.01))),
            new Artifact(
                    "falcosecurity/falcosidekick",
                    Kind.DOCKER_IMAGE,
                    List.of(ALPINE, Layer.of("falcosidekick-bin", 19), Layer.of("falcosidekick-config", 0.003))),
            new Artifact(
                    "falcosecurity/falcosidekick-ui",
                    Kind.DOCKER_IMAGE,
                    List.of(
                            ALPINE,
                            Layer.of("falcosidekick-ui-bin", 44),
                            Layer.of("falcosidekick-ui-assets", 6),
                            Layer.of("falcosidekick-ui-config", 0.05))),
            new Artifact(
                    "falcosecurity/k8s-metacollector",
                    Kind.OCI_IMAGE,
                    List.of(DISTROLESS, Layer.of("metacollector-bin", 40))),
            new Artifact(
                    "library/redis",
                    Kind.DOCKER_IMAGE,
                    List.of(
                            DEBIAN,
                            Layer.of("redis-bin", 50),
                            Layer.of("redis-modules", 9),
                            Layer.of("redis-entrypoint", 0.008))),
            new Artifact(
                    "bitnami/kubectl",
                    Kind.DOCKER_IMAGE,
                    List.of(DEBIAN, Layer.of("kubectl-bin", 60), Layer.of("kubectl-scripts", 0.02))),
            new Artifact("library/busybox", Kind.DOCKER_IMAGE, List.of(Layer.of("busybox", 2.2))),
            new Artifact("falcosecurity/plugins/plugin/container", Kind.PLUGIN, List.of(Layer.of("container", 24))),
            new Artifact("falcosecurity/plugins/plugin/k8saudit", Kind.PLUGIN, List.of(Layer.of("k8saudit", 9))),
            new Artifact("falcosecurity/plugins/plugin/json", Kind.PLUGIN, List.of(Layer.of("json", 3))),
            new Artifact("falcosecurity/rules/falco-rules", Kind.RULES, List.of(Layer.of("falco-rules", 0.03))),
            new Artifact(
                    // not .../ruleset/k8saudit as upstream: skopeo sync keeps only a repository's last component
                    "falcosecurity/rules/k8saudit-rules", Kind.RULES, List.of(Layer.of("k8saudit-rules", 0.02))));

    /** What was published: the repositories, and the distinct blobs' count and bytes (what must cross the link). */
    record Published(List<String> repositories, int blobs, long bytes, long largestBlob, int images, int plugins) {

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%d two-platform images on shared base layers, %d two-platform plugin artifacts and %d rules"
                            + " files: %d MiB in %d distinct blobs, the largest %d MiB",
                    images,
                    plugins,
                    repositories.size() - images - plugins,
                    bytes >> 20,
                    blobs,
                    largestBlob >> 20);
        }
    }

    private WanImageSet() {}

    /** Publishes the set, scaled to about {@code setMiB}, under tag {@link SyntheticImages#TAG}. */
    static Published publish(RegistryClient client, int setMiB) throws IOException {
        double scale = setMiB / fullMiB();
        Map<String, Descriptor> blobs = new HashMap<>();
        Map<String, String> firstRepository = new HashMap<>();
        List<String> repositories = new ArrayList<>();
        for (Artifact artifact : ARTIFACTS) {
            repositories.add(artifact.repository());
            boolean multiPlatform = artifact.kind() != Kind.RULES;
            Map<String, Descriptor> platforms = new LinkedHashMap<>();
            for (String architecture : multiPlatform ? ARCHITECTURES : List.of("amd64")) {
                List<Descriptor> layers = new ArrayList<>();
                for (Layer layer : artifact.layers()) {
                    String name = layer.name() + "/" + (multiPlatform ? architecture : "any");
                    long bytes = Math.max(1024, Math.round(layer.mib(architecture) * scale * (1 << 20)));
                    Descriptor pushed = blobs.get(name);
                    if (pushed == null) {
                        pushed = SyntheticImages.pushLayer(
                                client, artifact.repository(), name, bytes, layerType(artifact));
                        blobs.put(name, pushed);
                        firstRepository.put(name, artifact.repository());
                    } else if (!client.mountBlob(artifact.repository(), pushed, firstRepository.get(name))) {
                        SyntheticImages.pushLayer(client, artifact.repository(), name, bytes, layerType(artifact));
                    }
                    // the same bytes, typed as this artifact's manifest types its layers
                    layers.add(new Descriptor(layerType(artifact), pushed.digest(), pushed.size()));
                }
                Descriptor manifest = SyntheticImages.pushManifest(
                        client,
                        artifact.repository(),
                        multiPlatform ? null : SyntheticImages.TAG,
                        configType(artifact),
                        config(artifact, architecture, layers),
                        manifestType(artifact),
                        layers);
                platforms.put(architecture, manifest);
            }
            if (multiPlatform) {
                SyntheticImages.pushIndex(
                        client,
                        artifact.repository(),
                        artifact.kind() == Kind.DOCKER_IMAGE ? MediaTypes.DOCKER_MANIFEST_LIST : MediaTypes.OCI_INDEX,
                        platforms);
            }
        }
        long bytes = blobs.values().stream().mapToLong(Descriptor::size).sum();
        long largest = blobs.values().stream().mapToLong(Descriptor::size).max().orElse(0);
        int configs = repositories.size() * 2 - (int) count(Kind.RULES);
        return new Published(
                List.copyOf(repositories),
                blobs.size() + configs,
                bytes,
                largest,
                (int) (count(Kind.DOCKER_IMAGE) + count(Kind.OCI_IMAGE)),
                (int) count(Kind.PLUGIN));
    }

    /** The distinct layers' MiB at scale 1: about what a Falco installation with its UI pulls. */
    static double fullMiB() {
        Map<String, Double> distinct = new HashMap<>();
        for (Artifact artifact : ARTIFACTS) {
            for (String architecture : artifact.kind() == Kind.RULES ? List.of("amd64") : ARCHITECTURES) {
                artifact.layers()
                        .forEach(layer -> distinct.put(layer.name() + "/" + architecture, layer.mib(architecture)));
            }
        }
        return distinct.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static long count(Kind kind) {
        return ARTIFACTS.stream().filter(artifact -> artifact.kind() == kind).count();
    }

    private static String layerType(Artifact artifact) {
        return switch (artifact.kind()) {
            case DOCKER_IMAGE -> "application/vnd.docker.image.rootfs.diff.tar.gzip";
            case OCI_IMAGE -> "application/vnd.oci.image.layer.v1.tar+gzip";
            case PLUGIN -> "application/vnd.cncf.falco.plugin.layer.v1+tar.gz";
            case RULES -> "application/vnd.cncf.falco.rulesfile.layer.v1+tar.gz";
        };
    }

    private static String configType(Artifact artifact) {
        return switch (artifact.kind()) {
            case DOCKER_IMAGE -> "application/vnd.docker.container.image.v1+json";
            case OCI_IMAGE -> "application/vnd.oci.image.config.v1+json";
            case PLUGIN -> "application/vnd.cncf.falco.plugin.config.v1+json";
            case RULES -> "application/vnd.cncf.falco.rulesfile.config.v1+json";
        };
    }

    /** An image config, or a falcoctl config as falcoctl publishes one (name, version, requirements). */
    private static byte[] config(Artifact artifact, String architecture, List<Descriptor> layers) {
        String name = artifact.repository().substring(artifact.repository().lastIndexOf('/') + 1);
        return switch (artifact.kind()) {
            case DOCKER_IMAGE, OCI_IMAGE -> SyntheticImages.config(architecture, layers);
            case PLUGIN ->
                ("{\"name\":\"" + name + "\",\"version\":\"0.7.0\",\"requirements\":[{\"name\":"
                                + "\"plugin_api_version\",\"version\":\"3.10.0\"}]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case RULES ->
                ("{\"name\":\"" + artifact.layers().get(0).name() + "\",\"version\":\"4.0.0\","
                                + "\"requirements\":[{\"name\":\"engine_version_semver\",\"version\":\"0.43.0\"}]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        };
    }

    private static String manifestType(Artifact artifact) {
        return artifact.kind() == Kind.DOCKER_IMAGE ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
    }

    private static List<Layer> concat(List<Layer> first, Layer... more) {
        List<Layer> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
