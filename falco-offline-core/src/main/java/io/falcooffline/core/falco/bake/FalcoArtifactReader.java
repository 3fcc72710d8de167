package io.falcooffline.core.falco.bake;

import io.falcooffline.core.Platform;
import io.falcooffline.core.falco.FalcoMediaTypes;
import io.falcooffline.core.falco.FalcoctlLayerRules;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.plan.OciReference;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a falcoctl artifact the way falcoctl 0.13.0's puller does ({@code pkg/oci/puller/puller.go}): an OCI index
 * selects the manifest of the platform by {@code os} and {@code architecture}; the manifest's one layer has a title
 * and a media type that tells plugin from rulesfile.
 */
final class FalcoArtifactReader {

    private static final int MAX_CONFIG_BYTES = 1024 * 1024;

    private FalcoArtifactReader() {}

    static FalcoArtifact read(BakeStore source, OciReference reference, List<Platform> platforms) {
        String what = reference.toString();
        String repository = source.repository(reference);
        Manifest root = fetch(source, reference, BakeStore.version(reference));
        String rootType = root.descriptor().mediaType();
        Map<Platform, Manifest> manifests = new LinkedHashMap<>();
        if (rootType.equals(OciJson.OCI_INDEX)) {
            ObjectNode index = OciJson.parse(root, what);
            Map<String, Manifest> fetched = new HashMap<>();
            for (Platform platform : platforms) {
                Descriptor child = select(index, platform, what);
                manifests.put(
                        platform, fetched.computeIfAbsent(child.digest(), digest -> fetch(source, reference, digest)));
            }
        } else if (rootType.equals(OciJson.OCI_MANIFEST)) {
            platforms.forEach(platform -> manifests.put(platform, root));
        } else {
            throw new NotFalcoArtifactException(
                    what,
                    what + " is a " + rootType + ", not a Falco artifact: falcoctl publishes plugins as an OCI image"
                            + " index (" + OciJson.OCI_INDEX + ") and rulesfiles as an OCI image manifest ("
                            + OciJson.OCI_MANIFEST + "). Check that the reference names a Falco plugin or rulesfile.");
        }
        ArtifactKind kind = null;
        Descriptor config = null;
        Map<Platform, FalcoArtifact.Layer> layers = new LinkedHashMap<>();
        for (Map.Entry<Platform, Manifest> entry : manifests.entrySet()) {
            Manifest manifest = entry.getValue();
            if (!manifest.descriptor().mediaType().equals(OciJson.OCI_MANIFEST)) {
                throw new NotFalcoArtifactException(
                        what,
                        what + ": the manifest " + manifest.descriptor().digest() + " for " + entry.getKey() + " is a "
                                + manifest.descriptor().mediaType() + "; falcoctl artifacts are OCI image manifests.");
            }
            ObjectNode json = OciJson.parse(manifest, what);
            JsonNode layerNodes = json.path("layers");
            if (layerNodes.isEmpty()) {
                throw new NotFalcoArtifactException(
                        what,
                        what + ": the manifest " + manifest.descriptor().digest() + " has no layer; a falcoctl plugin"
                                + " or rulesfile has exactly one.");
            }
            Descriptor layer = OciJson.descriptor(layerNodes.get(0), what);
            ArtifactKind layerKind = kindOf(layer, what);
            if (layerNodes.size() != 1) {
                throw new NotFalcoArtifactException(
                        what,
                        what + ": the manifest " + manifest.descriptor().digest() + " has " + layerNodes.size()
                                + " layers; a falcoctl plugin or rulesfile has exactly one.");
            }
            if (kind != null && kind != layerKind) {
                throw new NotFalcoArtifactException(
                        what,
                        what + " is a " + kind.displayName() + " on one platform and a " + layerKind.displayName()
                                + " on " + entry.getKey() + ".");
            }
            kind = layerKind;
            Descriptor manifestConfig = OciJson.descriptor(json.path("config"), what);
            if (!manifestConfig.mediaType().equals(kind.configMediaType())) {
                throw new NotFalcoArtifactException(
                        what,
                        what + ": its layer is a " + kind.displayName() + " layer but its config is a "
                                + manifestConfig.mediaType() + ", not " + kind.configMediaType()
                                + "; it is not an artifact as falcoctl publishes them.");
            }
            config = config == null ? manifestConfig : config;
            String title = layerNodes
                    .get(0)
                    .path("annotations")
                    .path(FalcoMediaTypes.TITLE)
                    .asString("");
            if (!title.isBlank()) {
                FalcoctlLayerRules.titleProblem(title).ifPresent(problem -> {
                    throw new BakeException(
                            what, what + ": " + problem + ". Publish it again with `falcoctl registry push`.");
                });
            }
            if (title.isBlank()) {
                throw new MissingLayerTitleException(
                        what,
                        what + ": its layer " + layer.digest() + " has no " + FalcoMediaTypes.TITLE
                                + " annotation. falcoctl"
                                + " names the file it downloads by it and refuses the artifact without one; publish it"
                                + " again with `falcoctl registry push` (or `oras push` with a file name).");
            }
            layers.put(entry.getKey(), new FalcoArtifact.Layer(manifest.descriptor(), layer, title));
        }
        if (kind == ArtifactKind.PLUGIN && !rootType.equals(OciJson.OCI_INDEX)) {
            throw new NotFalcoArtifactException(
                    what,
                    what + " is a plugin published as a single manifest, so nothing says which platform its library"
                            + " is built for; falcoctl publishes plugins as an OCI image index with one manifest per"
                            + " platform (`falcoctl registry push --platform linux/amd64 --platform linux/arm64`).");
        }
        ObjectNode configJson = OciJson.parse(
                OciJson.readSmallBlob(source, repository, config, MAX_CONFIG_BYTES, what), what, "config");
        String name = configJson.path("name").asString("");
        if (name.isBlank()) {
            throw new NotFalcoArtifactException(
                    what, what + ": its config " + config.digest() + " has no name; falcoctl requires one.");
        }
        return new FalcoArtifact(
                reference, kind, name, configJson.path("version").asString(""), layers);
    }

    private static Manifest fetch(BakeStore source, OciReference reference, String version) {
        return source.fetchManifest(
                reference,
                version,
                reference.toString(),
                "Mirror it there first (falco-offline:package mirrors every artifact the values name).");
    }

    private static Descriptor select(ObjectNode index, Platform platform, String what) {
        return OciJson.descriptor(
                OciJson.selectPlatform(
                        index,
                        platform,
                        what,
                        "falcoctl on a " + platform + " node would fail with \"unable to find a manifest matching the"
                                + " given platform\". Bake only for the platforms it offers (`platforms`), or use a"
                                + " version published for " + platform + "."),
                what);
    }

    private static ArtifactKind kindOf(Descriptor layer, String what) {
        ArtifactKind kind = ArtifactKind.ofLayer(layer.mediaType());
        if (kind != null) {
            return kind;
        }
        if (layer.mediaType().equals(FalcoMediaTypes.ASSET_LAYER)) {
            throw new NotFalcoArtifactException(
                    what,
                    what + " is a falcoctl asset; only plugins and rulesfiles can be baked into the Falco image.");
        }
        throw new NotFalcoArtifactException(
                what,
                what + ": its layer is a " + layer.mediaType() + ", not a Falco plugin ("
                        + ArtifactKind.PLUGIN.layerMediaType() + ") or rulesfile ("
                        + ArtifactKind.RULESFILE.layerMediaType() + "). Check that the reference names a falcoctl"
                        + " artifact and not, say, a container image.");
    }
}
