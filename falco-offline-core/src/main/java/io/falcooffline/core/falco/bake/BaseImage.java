package io.falcooffline.core.falco.bake;

import io.falcooffline.core.Platform;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.plan.OciReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Falco image the derived one is built on: for each requested platform, its manifest, config and layers, read
 * from an OCI index, a Docker manifest list, or a single manifest.
 *
 * @param reference where it was read
 * @param root what the reference resolved to
 * @param platforms each requested platform's image, in request order
 */
record BaseImage(OciReference reference, Descriptor root, Map<Platform, PlatformImage> platforms) {

    private static final String DOCKER_IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json";
    private static final int MAX_CONFIG_BYTES = Manifest.MAX_BYTES;
    /** Docker's layer media types and the OCI ones for the same bytes. */
    private static final Map<String, String> DOCKER_LAYERS = Map.of(
            "application/vnd.docker.image.rootfs.diff.tar.gzip",
            OciJson.OCI_LAYER_GZIP,
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");

    private static final String OCI_LAYER_PREFIX = "application/vnd.oci.image.layer.";

    BaseImage {
        platforms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(platforms));
    }

    /**
     * One platform of the base image.
     *
     * @param platform the index entry's {@code platform} object, copied into the derived index
     * @param manifest the platform's manifest
     * @param layers its layer descriptors as JSON, Docker media types replaced by the OCI names of the same bytes
     * @param config its config, parsed
     */
    record PlatformImage(ObjectNode platform, Descriptor manifest, List<ObjectNode> layers, ObjectNode config) {}

    static BaseImage read(BakeStore source, OciReference reference, List<Platform> platforms) {
        String what = "the base image " + reference;
        String repository = source.repository(reference);
        Manifest root = fetch(source, reference, BakeStore.version(reference), what);
        Map<Platform, PlatformImage> images = new LinkedHashMap<>();
        String rootType = root.descriptor().mediaType();
        if (rootType.equals(OciJson.OCI_INDEX) || rootType.equals(MediaTypes.DOCKER_MANIFEST_LIST)) {
            ObjectNode index = OciJson.parse(root, what);
            for (Platform platform : platforms) {
                JsonNode entry = OciJson.selectPlatform(index, platform, reference.toString(), missingPlatformFix());
                Manifest manifest =
                        fetch(source, reference, OciJson.descriptor(entry, what).digest(), what);
                images.put(
                        platform,
                        platformImage(
                                source, repository, manifest, (ObjectNode) entry.get("platform"), platform, what));
            }
        } else {
            PlatformImage single = platformImage(source, repository, root, null, null, what);
            Platform own = OciJson.platform(single.platform());
            for (Platform platform : platforms) {
                if (!platform.selects(own.os(), own.architecture(), own.variant())) {
                    throw new MissingPlatformException(
                            reference.toString(), platform, List.of(own.toString()), missingPlatformFix());
                }
                images.put(platform, single);
            }
        }
        return new BaseImage(reference, root.descriptor(), images);
    }

    private static String missingPlatformFix() {
        return "Mirror the Falco image with every platform the image is baked for (the upstream image has linux/amd64"
                + " and linux/arm64), or bake only for the platforms it offers (`platforms`).";
    }

    private static PlatformImage platformImage(
            BakeStore source,
            String repository,
            Manifest manifest,
            ObjectNode platformNode,
            Platform platform,
            String what) {
        String type = manifest.descriptor().mediaType();
        if (!type.equals(OciJson.OCI_MANIFEST) && !type.equals(MediaTypes.DOCKER_MANIFEST)) {
            throw new BakeException(
                    what,
                    what + ": " + manifest.descriptor().digest() + " is a " + type + ", not a container image"
                            + " manifest (" + OciJson.OCI_MANIFEST + " or " + MediaTypes.DOCKER_MANIFEST + ").");
        }
        ObjectNode json = OciJson.parse(manifest, what);
        Descriptor configDescriptor = OciJson.descriptor(json.path("config"), what);
        if (!configDescriptor.mediaType().equals(OciJson.OCI_IMAGE_CONFIG)
                && !configDescriptor.mediaType().equals(DOCKER_IMAGE_CONFIG)) {
            throw new BakeException(
                    what,
                    what + ": the manifest " + manifest.descriptor().digest() + " has a " + configDescriptor.mediaType()
                            + " config, so it is not a container image.");
        }
        List<ObjectNode> layers = new ArrayList<>();
        for (JsonNode layer : json.path("layers")) {
            Descriptor descriptor = OciJson.descriptor(layer, what);
            ObjectNode copy = ((ObjectNode) layer).deepCopy();
            String ociType = DOCKER_LAYERS.get(descriptor.mediaType());
            if (ociType != null) {
                copy.put("mediaType", ociType);
            } else if (!descriptor.mediaType().startsWith(OCI_LAYER_PREFIX)) {
                throw new BakeException(
                        what,
                        what + ": the layer " + descriptor.digest() + " is a " + descriptor.mediaType()
                                + ", not a container image layer.");
            }
            layers.add(copy);
        }
        ObjectNode config = OciJson.parse(
                OciJson.readSmallBlob(source, repository, configDescriptor, MAX_CONFIG_BYTES, what), what, "config");
        ObjectNode ownPlatform = OciJson.object();
        ownPlatform.put("architecture", config.path("architecture").asString(""));
        ownPlatform.put("os", config.path("os").asString(""));
        if (!config.path("variant").asString("").isEmpty()) {
            ownPlatform.put("variant", config.path("variant").asString(""));
        }
        Platform configPlatform = OciJson.platform(ownPlatform);
        if (platform != null
                && !platform.selects(configPlatform.os(), configPlatform.architecture(), configPlatform.variant())) {
            throw new BakeException(
                    what,
                    what + ": the index lists " + manifest.descriptor().digest() + " for " + platform
                            + " but its config is for " + configPlatform + "; mirror the image again.");
        }
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        if (!(diffIds instanceof ArrayNode) || diffIds.size() != layers.size()) {
            throw new BakeException(
                    what,
                    what + ": the config of " + manifest.descriptor().digest() + " lists " + diffIds.size()
                            + " rootfs.diff_ids for " + layers.size() + " layers; it is not a valid image.");
        }
        return new PlatformImage(
                platformNode != null ? platformNode.deepCopy() : ownPlatform, manifest.descriptor(), layers, config);
    }

    private static Manifest fetch(BakeStore source, OciReference reference, String version, String what) {
        return source.fetchManifest(reference, version, "from " + what, "Mirror the Falco image there first.");
    }
}
