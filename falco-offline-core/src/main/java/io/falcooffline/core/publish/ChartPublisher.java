package io.falcooffline.core.publish;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.mirror.ChartArtifact;
import io.falcooffline.core.mirror.ChartStore;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.source.HelmIndex;
import io.falcooffline.core.source.HelmOciChart;
import io.falcooffline.core.source.Provenance;
import io.falcooffline.core.source.ResolvedChart;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * The last stage of a package run: publishes the rewritten chart where the cluster's tooling takes it from, and
 * records in the lock what the chart was made from and where it went.
 *
 * <pre>{@code
 * PublishResult result = ChartPublisher.publish(
 *         PublishOptions.builder().publishChart(true).helmRepositoryIndex(true).build(),
 *         new PublishedChart(
 *                 chartFile, archive, planFile, "192.168.5.96:30003", "falco", mirrorOptions, access, source),
 *         Optional.empty(),
 *         listener);
 * }</pre>
 */
public final class ChartPublisher {

    private ChartPublisher() {}

    /**
     * The chart as the mirror run records and, with {@code publishChart}, stores it: the Helm OCI chart on the internal
     * registry (in bundle mode in the bundle, for {@code push}), and the lock entry that says what the chart was made
     * from and where it went (without {@code publishChart}, the chart file's name).
     *
     * @param fileName the chart archive's file name
     * @param archive the archive's bytes
     * @param registry the internal registry, {@code host[:port]}
     * @param repositoryPrefix the path put before the chart's repository; empty for none
     * @param source what the chart was made from
     */
    public static ChartArtifact chartArtifact(
            PublishOptions options,
            String fileName,
            byte[] archive,
            String registry,
            String repositoryPrefix,
            ResolvedChart source) {
        if (!options.publishChart()) {
            return new ChartArtifact(lockEntry(source, fileName, null, archive.length), Optional.empty());
        }
        ChartArtifact.OciChart oci =
                ociChart(new ChartReader().readArchive(archive, fileName), archive, registry, repositoryPrefix);
        return new ChartArtifact(
                lockEntry(
                        source,
                        oci.reference().toString(),
                        oci.manifest().descriptor().digest(),
                        archive.length),
                Optional.of(oci));
    }

    /**
     * Publishes the chart as the options say.
     *
     * @param mirrored the chart as the mirror run stored and recorded it; empty when no mirror run did, and then the
     *     chart is pushed here when {@code publishChart} asks for it
     * @throws FalcoOfflineException naming the target that failed
     */
    public static PublishResult publish(
            PublishOptions options,
            PublishedChart published,
            Optional<ChartArtifact> mirrored,
            ProgressListener listener) {
        if (!options.publishChart()
                && !options.helmRepositoryIndex()
                && options.gitRepository().isEmpty()) {
            return PublishResult.nothing();
        }
        byte[] archive = published.archive();
        Chart chart =
                new ChartReader().readArchive(archive, published.chartFile().toString());
        Optional<String> ociChart = Optional.empty();
        Optional<String> ociDigest = Optional.empty();
        if (options.publishChart()) {
            ChartArtifact.OciChart oci = mirrored.flatMap(ChartArtifact::oci)
                    .orElseGet(() -> push(
                            published,
                            ociChart(chart, archive, published.registry(), published.repositoryPrefix()),
                            listener));
            ociChart = Optional.of("oci://" + oci.reference());
            ociDigest = Optional.of(oci.manifest().descriptor().digest());
        }
        Optional<Path> index = Optional.empty();
        if (options.helmRepositoryIndex()) {
            index = Optional.of(writeIndex(options, published, chart, Digests.sha256(archive), listener));
        }
        Optional<String> commit = Optional.empty();
        if (options.gitRepository().isPresent()) {
            commit = new GitOpsPublisher(options, published, listener).publish(chart);
        }
        return new PublishResult(ociChart, ociDigest, index, commit);
    }

    /** The chart as Helm's OCI artifact at {@code <registry>/<prefix>/<name>:<version>}. */
    private static ChartArtifact.OciChart ociChart(
            Chart chart, byte[] archive, String registry, String repositoryPrefix) {
        String prefix = repositoryPrefix == null || repositoryPrefix.isEmpty() ? "" : repositoryPrefix + "/";
        // OCI tags cannot hold '+'; Helm writes semver build metadata with '_' instead.
        OciReference reference = OciReference.parse(
                registry + "/" + prefix + chart.name() + ":" + chart.version().replace('+', '_'));
        HelmChartArtifact artifact = HelmChartArtifact.of(chart, archive);
        return new ChartArtifact.OciChart(reference, artifact.manifest(), artifact.blobs());
    }

    /** Pushes the chart when no mirror run does (mirroring off), and reads it back. */
    private static ChartArtifact.OciChart push(
            PublishedChart published, ChartArtifact.OciChart chart, ProgressListener listener) {
        String repository = chart.reference().repository();
        String tag = chart.reference().tag();
        try (RegistryClient client =
                new RegistryClient(published.access().clientOptions(published.registry()), listener)) {
            ChartStore.store(client, repository, tag, chart);
            ChartStore.requireStored(client, repository, tag, chart);
        }
        listener.info("Pushed the chart to oci://" + chart.reference() + " ("
                + chart.manifest().descriptor().digest() + ").");
        return chart;
    }

    private static LockEntry lockEntry(ResolvedChart source, String target, String targetDigest, long size) {
        return LockEntry.builder(LockEntry.Origin.CHART, ReferenceKind.CHART, source.reference(), target)
                .sourceDigest(source.digest())
                .targetDigest(targetDigest)
                .mediaType(targetDigest == null ? "" : MediaTypes.OCI_MANIFEST)
                .size(size)
                .note("falco-offline " + Provenance.version())
                .build();
    }

    private static Path writeIndex(
            PublishOptions options, PublishedChart published, Chart chart, String digest, ProgressListener listener) {
        Path directory = published.chartFile().toAbsolutePath().getParent();
        Path file = directory.resolve(HelmIndex.FILE_NAME);
        String fileName = published.chartFile().getFileName().toString();
        String url = options.helmRepositoryUrl()
                .map(base -> (base.endsWith("/") ? base : base + "/") + fileName)
                .orElse(fileName);
        Instant created = chart.newestEntryTime().orElse(Instant.EPOCH);
        HelmIndex.addTo(file, metadata(chart), digest, url, created);
        listener.info("Wrote " + file + " with " + chart.name() + " " + chart.version() + " at " + url + ".");
        return file;
    }

    /** The Chart.yaml fields an index entry and Helm's OCI config repeat. */
    static Map<String, Object> metadata(Chart chart) {
        Map<String, Object> metadata = new LinkedHashMap<>(chart.chartYaml());
        metadata.remove("dependencies");
        return metadata;
    }

    /** The chart as Helm's OCI artifact: config, layer, manifest. */
    record HelmChartArtifact(Manifest manifest, Map<Descriptor, byte[]> blobs) {

        static HelmChartArtifact of(Chart chart, byte[] archive) {
            byte[] config = Json.MAPPER.writeValueAsBytes(chart.chartYaml());
            Descriptor configDescriptor =
                    new Descriptor(HelmOciChart.CONFIG_MEDIA_TYPE, Digests.sha256(config), config.length);
            Descriptor layer =
                    new Descriptor(HelmOciChart.CHART_LAYER_MEDIA_TYPE, Digests.sha256(archive), archive.length);
            ObjectNode manifest = Json.MAPPER.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
            manifest.set("config", descriptor(configDescriptor));
            manifest.putArray("layers").add(descriptor(layer));
            ObjectNode annotations = manifest.putObject("annotations");
            Object description = chart.chartYaml().get("description");
            if (description != null) {
                annotations.put("org.opencontainers.image.description", String.valueOf(description));
            }
            annotations.put("org.opencontainers.image.title", chart.name());
            annotations.put("org.opencontainers.image.version", chart.version());
            Map<Descriptor, byte[]> blobs = new LinkedHashMap<>();
            blobs.put(configDescriptor, config);
            blobs.put(layer, archive);
            return new HelmChartArtifact(
                    Manifest.of(MediaTypes.OCI_MANIFEST, Json.MAPPER.writeValueAsBytes(manifest)), blobs);
        }

        private static ObjectNode descriptor(Descriptor descriptor) {
            ObjectNode node = Json.MAPPER.createObjectNode();
            node.put("mediaType", descriptor.mediaType());
            node.put("digest", descriptor.digest());
            node.put("size", descriptor.size());
            return node;
        }
    }
}
