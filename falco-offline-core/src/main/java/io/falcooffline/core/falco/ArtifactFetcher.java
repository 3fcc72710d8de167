package io.falcooffline.core.falco;

import static io.falcooffline.core.falco.FalcoMediaTypes.ASSET_LAYER;
import static io.falcooffline.core.falco.FalcoMediaTypes.PLUGIN_LAYER;
import static io.falcooffline.core.falco.FalcoMediaTypes.RULESFILE_LAYER;
import static io.falcooffline.core.falco.FalcoMediaTypes.TITLE;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.HostUnreachableException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.FalcoctlDependencies.Config;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.net.Connections;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.version.SemanticVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a falcoctl artifact's root as falcoctl's puller does: the index or manifest, its config blob, the platforms
 * a plugin offers and the files its layer holds, each checked against the upstream formats and bounded.
 */
final class ArtifactFetcher {

    private static final int MAX_CONFIG_BYTES = 1024 * 1024;
    private static final long MAX_LAYER_BYTES = 512L * 1024 * 1024;
    private static final int MAX_LAYER_ENTRIES = 10_000;

    private final SourceStores stores;
    private final List<Platform> platforms;

    ArtifactFetcher(SourceStores stores, List<Platform> platforms) {
        this.stores = stores;
        this.platforms = platforms;
    }

    /** Fetches and checks an artifact root as falcoctl's puller reads it. */
    ArtifactResolver.Fetched fetch(OciReference reference, String what) {
        SourceStores.Located located = stores.locate(reference);
        String tag = reference.digest() != null ? reference.digest() : reference.tag();
        Manifest root;
        try {
            root = located.store().fetchManifest(located.repository(), tag);
        } catch (HostUnreachableException e) {
            // Unreachable is not missing: the way out is the network path, not another version.
            throw new FalcoArtifactException(
                    what,
                    "Cannot read " + what + " at " + reference + ": " + e.getMessage() + Connections.advice(e.host()));
        } catch (FalcoOfflineException e) {
            throw new FalcoArtifactException(
                    what,
                    "Cannot read " + what + " at " + reference + ": " + e.getMessage() + " Check the reference,"
                            + " or pin a version that exists with `artifacts`.");
        }
        String mediaType = root.descriptor().mediaType();
        List<String> offered = new ArrayList<>();
        Manifest first = root;
        List<Manifest> selected = new ArrayList<>();
        if (mediaType.equals(MediaTypes.OCI_INDEX)) {
            Map<String, String> digestByPlatform = new LinkedHashMap<>();
            for (JsonNode entry : json(root, what).path("manifests")) {
                JsonNode platform = entry.path("platform");
                if (!platform.isObject()) {
                    continue;
                }
                digestByPlatform.putIfAbsent(
                        platform.path("os").asString("") + "/"
                                + platform.path("architecture").asString(""),
                        entry.path("digest").asString(""));
            }
            offered.addAll(digestByPlatform.keySet());
            List<String> wantedPlatforms = platforms.isEmpty()
                    ? offered
                    : platforms.stream()
                            .map(p -> p.os() + "/" + p.architecture())
                            .toList();
            for (String platform : wantedPlatforms) {
                String digest = digestByPlatform.get(platform);
                if (digest == null) {
                    throw new FalcoArtifactException(
                            what,
                            what + " has no manifest for platform " + platform + " (it offers " + offered + "), so"
                                    + " falcoctl on a " + platform + " node fails with \"unable to find a manifest"
                                    + " matching the given platform\". Choose `platforms` it offers, or another"
                                    + " version with `artifacts`.");
                }
                selected.add(located.store().fetchManifest(located.repository(), digest));
            }
            if (selected.isEmpty()) {
                throw new FalcoArtifactException(what, what + " is an index without platform manifests.");
            }
            first = selected.get(0);
        } else if (!mediaType.equals(MediaTypes.OCI_MANIFEST)) {
            throw notFalco(what, "its tag points at a " + mediaType);
        } else {
            selected.add(root);
        }
        Descriptor configDescriptor = null;
        Descriptor firstLayer = null;
        for (Manifest manifest : selected) {
            JsonNode json = json(manifest, what);
            JsonNode layers = json.path("layers");
            if (layers.size() < 1) {
                throw notFalco(what, "its manifest " + manifest.descriptor().digest() + " has no layer");
            }
            JsonNode layer = layers.get(0);
            String layerType = layer.path("mediaType").asString("");
            if (!layerType.equals(PLUGIN_LAYER)
                    && !layerType.equals(RULESFILE_LAYER)
                    && !layerType.equals(ASSET_LAYER)) {
                throw notFalco(what, "its layer has media type " + layerType);
            }
            String title = layer.path("annotations").path(TITLE).asString("");
            FalcoctlLayerRules.titleProblem(title).ifPresent(problem -> {
                throw new FalcoArtifactException(
                        what,
                        what + ": " + problem + "; falcoctl's puller names the downloaded file after the "
                                + TITLE + " annotation and cannot install the artifact. Republish it with falcoctl"
                                + " or choose another version with `artifacts`.");
            });
            if (configDescriptor == null) {
                configDescriptor = descriptor(json.path("config"), what);
                firstLayer = descriptor(layer, what);
            }
        }
        boolean plugin = firstLayer.mediaType().equals(PLUGIN_LAYER);
        if (plugin && !mediaType.equals(MediaTypes.OCI_INDEX) && !platforms.isEmpty()) {
            throw new FalcoArtifactException(
                    what,
                    what + " is a plugin without an index, so it has no manifest for platforms " + platforms
                            + ": falcoctl would install it on every node whatever its architecture. Choose a version"
                            + " published per platform with `artifacts`.");
        }
        Config config = readConfig(located, configDescriptor, what);
        if (SemanticVersion.parse(config.version()).isEmpty()) {
            throw new FalcoArtifactException(
                    what, what + " has config version '" + config.version() + "', which falcoctl cannot read.");
        }
        List<String> files = listFiles(located, firstLayer, what);
        ReferenceKind kind = plugin
                ? ReferenceKind.PLUGIN
                : firstLayer.mediaType().equals(RULESFILE_LAYER) ? ReferenceKind.RULESFILE : ReferenceKind.ARTIFACT;
        OciReference repository = new OciReference(reference.registry(), reference.repository(), null, null);
        return new ArtifactResolver.Fetched(
                repository, tag, root.descriptor().digest(), config, kind, plugin ? offered : List.of(), files);
    }

    private static FalcoArtifactException notFalco(String what, String why) {
        return new FalcoArtifactException(
                what,
                what + " is not a Falco artifact: " + why + ", not a falcoctl plugin or rulesfile"
                        + " (application/vnd.cncf.falco.*). Correct the reference, or leave it out.");
    }

    private static Config readConfig(SourceStores.Located located, Descriptor config, String what) {
        if (config.size() > MAX_CONFIG_BYTES) {
            throw new FalcoArtifactException(
                    what,
                    what + " has a config of " + config.size() + " bytes; at most " + MAX_CONFIG_BYTES + " are read.");
        }
        try (InputStream in = located.store().fetchBlob(located.repository(), config)) {
            return FalcoctlDependencies.parse(in.readAllBytes(), what);
        } catch (IOException e) {
            throw new FalcoArtifactException(what, "Cannot read the config of " + what + ": " + e.getMessage());
        }
    }

    /** The regular files of a gzip tar layer, names as falcoctl extracts them (no path stripping). */
    private static List<String> listFiles(SourceStores.Located located, Descriptor layer, String what) {
        if (layer.size() > MAX_LAYER_BYTES) {
            throw new FalcoArtifactException(
                    what,
                    what + " has a layer of " + layer.size() + " bytes; at most " + MAX_LAYER_BYTES + " are read.");
        }
        List<String> files = new ArrayList<>();
        try (InputStream in = located.store().fetchBlob(located.repository(), layer);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (files.size() >= MAX_LAYER_ENTRIES) {
                    throw new FalcoArtifactException(what, what + " has more than " + MAX_LAYER_ENTRIES + " files.");
                }
                TarArchiveEntry current = entry;
                FalcoctlLayerRules.entryProblem(entry).ifPresent(problem -> {
                    throw new FalcoArtifactException(
                            what,
                            what + ": " + problem + ". falcoctl would not install it as a file falco-offline"
                                    + " checked; choose another version with `artifacts`.");
                });
                if (FalcoctlLayerRules.isRegularFile(current)) {
                    files.add(
                            current.getName().startsWith("./")
                                    ? current.getName().substring(2)
                                    : current.getName());
                }
            }
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new FalcoArtifactException(
                    what, what + " has a layer that is not a gzip tar archive: " + e.getMessage());
        }
        return List.copyOf(new LinkedHashSet<>(files));
    }

    private static JsonNode json(Manifest manifest, String what) {
        try {
            return Json.MAPPER.readTree(manifest.bytes());
        } catch (JacksonException e) {
            throw notFalco(what, "its manifest is not JSON");
        }
    }

    private static Descriptor descriptor(JsonNode node, String what) {
        try {
            return Descriptor.of(node);
        } catch (IllegalArgumentException e) {
            throw notFalco(what, "it has a malformed descriptor (" + e.getMessage() + ")");
        }
    }
}
