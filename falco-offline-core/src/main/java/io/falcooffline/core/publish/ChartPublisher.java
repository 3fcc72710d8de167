package io.falcooffline.core.publish;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.RegularFiles;
import io.falcooffline.core.mirror.BundleChart;
import io.falcooffline.core.mirror.MirrorLock;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.source.HelmIndex;
import io.falcooffline.core.source.HelmOciChart;
import io.falcooffline.core.source.Provenance;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
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
 *         listener);
 * }</pre>
 */
public final class ChartPublisher {

    /** Made when a chart is first published as an OCI artifact: a run that publishes nothing never pays for it. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    private ChartPublisher() {}

    /**
     * Publishes the chart as the options say.
     *
     * @throws FalcoOfflineException naming the target that failed
     */
    public static PublishResult publish(PublishOptions options, PublishedChart published, ProgressListener listener) {
        if (!options.publishChart()
                && !options.helmRepositoryIndex()
                && options.gitRepository().isEmpty()
                && published.mirror().mode() == MirrorMode.NONE) {
            // Nothing to publish, and no lock file to record the chart in.
            return PublishResult.nothing();
        }
        byte[] archive = published.archive();
        Chart chart =
                new ChartReader().readArchive(archive, published.chartFile().toString());
        String archiveDigest = Digests.sha256(archive);
        Optional<String> ociChart = Optional.empty();
        Optional<String> ociDigest = Optional.empty();
        LockEntry chartEntry;
        if (options.publishChart()) {
            HelmChartArtifact artifact = HelmChartArtifact.of(chart, archive);
            String target = targetReference(published, chart);
            chartEntry = lockEntry(
                    published, target, artifact.manifest().descriptor().digest(), archive.length);
            if (published.mirror().mode() == MirrorMode.BUNDLE) {
                BundleChart.add(published.mirror(), chartEntry, artifact.manifest(), artifact.blobs(), listener);
            } else {
                push(published, chart, artifact, listener);
                recordInLock(published, chartEntry);
            }
            ociChart = Optional.of("oci://" + target);
            ociDigest = Optional.of(artifact.manifest().descriptor().digest());
        } else {
            chartEntry =
                    lockEntry(published, published.chartFile().getFileName().toString(), null, archive.length);
            recordInLock(published, chartEntry);
        }
        Optional<Path> index = Optional.empty();
        if (options.helmRepositoryIndex()) {
            index = Optional.of(writeIndex(options, published, chart, archiveDigest, listener));
        }
        Optional<String> commit = Optional.empty();
        if (options.gitRepository().isPresent()) {
            commit = new GitOpsPublisher(options, published, listener).publish(chart);
        }
        return new PublishResult(ociChart, ociDigest, index, commit);
    }

    private static String targetReference(PublishedChart published, Chart chart) {
        String prefix = published.repositoryPrefix().isEmpty() ? "" : published.repositoryPrefix() + "/";
        // OCI tags cannot hold '+'; Helm writes semver build metadata with '_' instead.
        return published.registry() + "/" + prefix + chart.name() + ":"
                + chart.version().replace('+', '_');
    }

    private static void push(
            PublishedChart published, Chart chart, HelmChartArtifact artifact, ProgressListener listener) {
        String prefix = published.repositoryPrefix().isEmpty() ? "" : published.repositoryPrefix() + "/";
        String repository = prefix + chart.name();
        String tag = chart.version().replace('+', '_');
        try (RegistryClient client =
                new RegistryClient(published.access().clientOptions(published.registry()), listener)) {
            artifact.blobs().forEach((descriptor, content) -> {
                if (!client.hasBlob(repository, descriptor)) {
                    client.pushBlob(repository, descriptor, new ByteArrayInputStream(content));
                }
            });
            client.pushManifest(repository, tag, artifact.manifest());
            verifyPublished(client, published.registry(), repository, tag, artifact);
        }
        listener.info("Pushed the chart to oci://" + published.registry() + "/" + repository + ":" + tag + " ("
                + artifact.manifest().descriptor().digest() + ").");
    }

    /**
     * Reads back what was pushed, as {@code push} does for a bundle: a registry that accepted the chart but did not
     * store it (a full disk, a read-only replica answering 201) must not be reported as published.
     */
    private static void verifyPublished(
            RegistryClient client, String registry, String repository, String tag, HelmChartArtifact artifact) {
        String reference = "oci://" + registry + "/" + repository + ":" + tag;
        String expected = artifact.manifest().descriptor().digest();
        Optional<Descriptor> found = client.resolve(repository, tag);
        String problem = null;
        if (found.isEmpty()) {
            problem = "does not resolve there";
        } else if (!found.get().digest().equals(expected)) {
            problem = "resolves to " + found.get().digest() + ", not the pushed " + expected;
        } else {
            for (Descriptor blob : artifact.blobs().keySet()) {
                if (!client.hasBlob(repository, blob)) {
                    problem = "lacks its blob " + blob.digest();
                    break;
                }
            }
        }
        if (problem != null) {
            throw new FalcoOfflineException("After pushing, the chart " + reference + " " + problem + ": the registry"
                    + " accepted it without storing it. Check the registry's storage and that nothing else writes"
                    + " this tag, then run again.");
        }
    }

    private static LockEntry lockEntry(PublishedChart published, String target, String targetDigest, long size) {
        return LockEntry.builder(
                        LockEntry.Origin.CHART,
                        ReferenceKind.CHART,
                        published.source().reference(),
                        target)
                .sourceDigest(published.source().digest())
                .targetDigest(targetDigest)
                .mediaType(targetDigest == null ? "" : RegistryClient.OCI_MANIFEST)
                .size(size)
                .note("falco-offline " + Provenance.version())
                .build();
    }

    /** Adds the chart's entry to the lock file a mirror run wrote; without a lock file there is nothing to record. */
    private static void recordInLock(PublishedChart published, LockEntry chartEntry) {
        if (published.mirror().mode() == MirrorMode.NONE) {
            return;
        }
        if (published.mirror().mode() == MirrorMode.BUNDLE) {
            BundleChart.record(published.mirror(), chartEntry);
            return;
        }
        published
                .mirror()
                .lockFile()
                .ifPresent(file -> MirrorLock.read(file)
                        .ifPresent(lock -> lock.withChart(chartEntry).write(file)));
    }

    private static Path writeIndex(
            PublishOptions options, PublishedChart published, Chart chart, String digest, ProgressListener listener) {
        Path directory = published.chartFile().toAbsolutePath().getParent();
        Path file = directory.resolve(HelmIndex.FILE_NAME);
        String fileName = published.chartFile().getFileName().toString();
        String url = options.helmRepositoryUrl()
                .map(base -> (base.endsWith("/") ? base : base + "/") + fileName)
                .orElse(fileName);
        HelmIndex index = RegularFiles.read(
                        file,
                        HelmIndex.MAX_INDEX_BYTES,
                        "existing Helm repository index",
                        "Replace it with the repository's real index.yaml, or remove it to start a new index.")
                .map(bytes -> HelmIndex.parse(bytes, file.toString()))
                .orElseGet(HelmIndex::empty);
        index.requireEveryEntryReadable(file.toString());
        Instant created = chart.newestEntryTime().orElse(Instant.EPOCH);
        byte[] yaml = index.with(metadata(chart), digest, url, created).toYaml(created);
        AtomicFiles.write(file, yaml);
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
            manifest.put("mediaType", RegistryClient.OCI_MANIFEST);
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
                    Manifest.of(RegistryClient.OCI_MANIFEST, Json.MAPPER.writeValueAsBytes(manifest)), blobs);
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
