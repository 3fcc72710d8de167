package io.falcooffline.core.falco.bake;

import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON documents of the derived image: each platform's config and manifest, and the index over them. */
final class DerivedImage {

    static final String BASE_DIGEST = "org.opencontainers.image.base.digest";
    static final String BASE_NAME = "org.opencontainers.image.base.name";

    private DerivedImage() {}

    /** The base config's {@code created}, whole seconds, when it has a valid one. */
    static Optional<Instant> created(ObjectNode baseConfig) {
        String created = baseConfig.path("created").asString("");
        try {
            return created.isEmpty()
                    ? Optional.empty()
                    : Optional.of(OffsetDateTime.parse(created)
                            .toInstant()
                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The base config with the added layer: its diff_id appended to {@code rootfs.diff_ids}, a {@code history} entry
     * appended, and {@code created} set. Everything else is kept as the base has it.
     */
    static byte[] config(ObjectNode baseConfig, String diffId, Instant created, String createdBy, String comment) {
        ObjectNode config = baseConfig.deepCopy();
        String time = DateTimeFormatter.ISO_INSTANT.format(created);
        config.put("created", time);
        ((ArrayNode) config.path("rootfs").path("diff_ids")).add(diffId);
        JsonNode history = config.get("history");
        ArrayNode entries = history instanceof ArrayNode array ? array : config.putArray("history");
        ObjectNode entry = entries.addObject();
        entry.put("created", time);
        entry.put("created_by", createdBy);
        entry.put("comment", comment);
        return OciJson.bytes(config);
    }

    /** An OCI image manifest over the base layers, byte for byte, and the added one. */
    static Manifest manifest(
            Descriptor config,
            List<ObjectNode> baseLayers,
            Descriptor addedLayer,
            Descriptor baseManifest,
            String baseName) {
        ObjectNode manifest = OciJson.object();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OciJson.OCI_MANIFEST);
        manifest.set("config", OciJson.descriptorNode(config));
        ArrayNode layers = manifest.putArray("layers");
        baseLayers.forEach(layers::add);
        layers.add(OciJson.descriptorNode(addedLayer));
        ObjectNode annotations = manifest.putObject("annotations");
        annotations.put(BASE_DIGEST, baseManifest.digest());
        annotations.put(BASE_NAME, baseName);
        return Manifest.of(OciJson.OCI_MANIFEST, OciJson.bytes(manifest));
    }

    /** An OCI image index: one entry per platform manifest, with the base index's platform object. */
    static Manifest index(List<Manifest> manifests, List<ObjectNode> platforms) {
        ObjectNode index = OciJson.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", OciJson.OCI_INDEX);
        ArrayNode entries = index.putArray("manifests");
        for (int i = 0; i < manifests.size(); i++) {
            ObjectNode entry = OciJson.descriptorNode(manifests.get(i).descriptor());
            entry.set("platform", platforms.get(i));
            entries.add(entry);
        }
        return Manifest.of(OciJson.OCI_INDEX, OciJson.bytes(index));
    }
}
