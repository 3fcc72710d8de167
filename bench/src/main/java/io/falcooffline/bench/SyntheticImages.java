package io.falcooffline.bench;

import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.oci.registry.LargeBlobCopy.GeneratedStream;
import io.falcooffline.core.oci.registry.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Images of incompressible layers, streamed into a registry as they are generated. */
final class SyntheticImages {

    static final String TAG = "1";

    private SyntheticImages() {}

    /** Publishes single-platform {@code repository:1} with {@code layers} layers of {@code layerBytes} each. */
    static long publish(RegistryClient client, String repository, int layers, long layerBytes) throws IOException {
        List<Descriptor> pushed = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            pushed.add(pushLayer(
                    client, repository, repository + "/" + i, layerBytes, "application/vnd.oci.image.layer.v1.tar"));
        }
        pushManifest(
                client,
                repository,
                TAG,
                "application/vnd.oci.image.config.v1+json",
                config("amd64", pushed),
                MediaTypes.OCI_MANIFEST,
                pushed);
        return layers * layerBytes;
    }

    /** Pushes {@code bytes} of pseudo-random content named {@code name} (the same name gives the same blob). */
    static Descriptor pushLayer(RegistryClient client, String repository, String name, long bytes, String mediaType)
            throws IOException {
        long seed = name.hashCode() * 0x9E3779B97F4A7C15L;
        Descriptor layer = new Descriptor(mediaType, digestOf(new GeneratedStream(seed, bytes)), bytes);
        try (InputStream in = new GeneratedStream(seed, bytes)) {
            client.pushBlob(repository, layer, in);
        }
        return layer;
    }

    /** An image configuration for linux on {@code architecture} whose diff IDs are the layers' digests. */
    static byte[] config(String architecture, List<Descriptor> layers) {
        List<String> diffIds =
                layers.stream().map(layer -> '"' + layer.digest() + '"').toList();
        return ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                        + "\"diff_ids\":[" + String.join(",", diffIds) + "]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Pushes the config and a manifest of {@code mediaType} over it and the layers, tagged {@code tag} or, for
     * {@code null}, by digest only; returns the manifest's descriptor.
     */
    static Descriptor pushManifest(
            RegistryClient client,
            String repository,
            String tag,
            String configType,
            byte[] config,
            String mediaType,
            List<Descriptor> layers) {
        Manifest configBlob = Manifest.of(configType, config);
        client.pushBlob(repository, configBlob.descriptor(), new ByteArrayInputStream(config));
        List<String> layerJson = layers.stream().map(SyntheticImages::json).toList();
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":"
                + json(configBlob.descriptor()) + ",\"layers\":[" + String.join(",", layerJson) + "]}";
        Manifest pushed = Manifest.of(mediaType, manifest.getBytes(StandardCharsets.UTF_8));
        client.pushManifest(repository, tag == null ? pushed.descriptor().digest() : tag, pushed);
        return pushed.descriptor();
    }

    /** Pushes an index of {@code mediaType} over one linux manifest per architecture, tagged {@link #TAG}. */
    static void pushIndex(
            RegistryClient client, String repository, String mediaType, Map<String, Descriptor> byArchitecture) {
        List<String> entries = new ArrayList<>();
        byArchitecture.forEach((architecture, manifest) -> entries.add(json(manifest)
                .replaceFirst("}$", ",\"platform\":{\"architecture\":\"" + architecture + "\",\"os\":\"linux\"}}")));
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"manifests\":["
                + String.join(",", entries) + "]}";
        client.pushManifest(repository, TAG, Manifest.of(mediaType, index.getBytes(StandardCharsets.UTF_8)));
    }

    private static String json(Descriptor descriptor) {
        return "{\"mediaType\":\"" + descriptor.mediaType() + "\",\"digest\":\"" + descriptor.digest() + "\",\"size\":"
                + descriptor.size() + "}";
    }

    private static String digestOf(InputStream in) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream digesting = new DigestInputStream(in, sha)) {
                digesting.transferTo(OutputStream.nullOutputStream());
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
