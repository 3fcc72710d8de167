package io.falcooffline.core.falco.bake;

import io.falcooffline.core.Platform;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reading the OCI JSON documents of the base image and the artifacts, and writing the derived image's. */
final class OciJson {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String ATTESTATION = "attestation-manifest";

    /** Compact output with fields in insertion order: the same document always gives the same bytes. */
    private OciJson() {}

    /** Parses a manifest, index or config, failing with a message naming the artifact. */
    static ObjectNode parse(byte[] bytes, String artifact, String what) {
        try {
            if (Json.MAPPER.readTree(bytes) instanceof ObjectNode object) {
                return object;
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw new BakeException(artifact, artifact + ": its " + what + " is not a JSON object.");
    }

    static ObjectNode parse(Manifest manifest, String artifact) {
        return parse(
                manifest.bytes(),
                artifact,
                manifest.descriptor().mediaType() + " " + manifest.descriptor().digest());
    }

    /** The descriptor a JSON node states. */
    static Descriptor descriptor(JsonNode node, String artifact) {
        try {
            return Descriptor.of(node);
        } catch (IllegalArgumentException e) {
            throw new BakeException(artifact, artifact + " has a malformed descriptor " + node + ": " + e.getMessage());
        }
    }

    /** The platform a JSON {@code platform} object states. */
    static Platform platform(JsonNode node) {
        return new Platform(
                node.path("os").asString(""),
                node.path("architecture").asString(""),
                node.path("variant").asString(""));
    }

    /**
     * The entry of an index for a platform, as falcoctl and container runtimes pick it: the first whose {@code
     * platform} the requested one selects, attestations left aside.
     *
     * @throws MissingPlatformException naming the artifact, the platform and what the index offers
     */
    static JsonNode selectPlatform(ObjectNode index, Platform platform, String artifact, String fix) {
        List<String> offered = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            JsonNode platformNode = entry.get("platform");
            if (!(platformNode instanceof ObjectNode)
                    || ATTESTATION.equals(entry.path("annotations")
                            .path("vnd.docker.reference.type")
                            .asString(""))) {
                continue;
            }
            Platform entryPlatform = platform(platformNode);
            offered.add(entryPlatform.toString());
            if (platform.selects(entryPlatform.os(), entryPlatform.architecture(), entryPlatform.variant())) {
                return entry;
            }
        }
        throw new MissingPlatformException(artifact, platform, offered, fix);
    }

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static ObjectNode descriptorNode(Descriptor descriptor) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("mediaType", descriptor.mediaType());
        node.put("digest", descriptor.digest());
        node.put("size", descriptor.size());
        return node;
    }

    static byte[] bytes(ObjectNode node) {
        return Json.MAPPER.writeValueAsBytes(node);
    }

    /** Reads a small blob (a config) whole, refusing one larger than {@code maxBytes}. */
    static byte[] readSmallBlob(BakeStore store, String repository, Descriptor blob, int maxBytes, String artifact) {
        if (blob.size() > maxBytes) {
            throw new BakeException(
                    artifact,
                    artifact + ": its config " + blob.digest() + " is " + blob.size() + " bytes, more than the "
                            + maxBytes + " a config may have.");
        }
        try (InputStream in = store.store().fetchBlob(repository, blob)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + blob.digest() + " of " + artifact, e);
        }
    }
}
