package io.falcooffline.bench;

import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.registry.LargeBlobCopy.GeneratedStream;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.registry.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Single-platform images of incompressible layers, streamed into a registry as they are generated. */
final class SyntheticImages {

    static final String TAG = "1";

    private SyntheticImages() {}

    /** Publishes {@code repository:1} with {@code layers} layers of {@code layerBytes} each; returns the layer bytes. */
    static long publish(RegistryClient client, String repository, int layers, long layerBytes) throws IOException {
        StringBuilder layerJson = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        for (int i = 0; i < layers; i++) {
            long seed = (repository + "/" + i).hashCode() * 0x9E3779B97F4A7C15L;
            String digest = digestOf(new GeneratedStream(seed, layerBytes));
            Descriptor layer = new Descriptor("application/vnd.oci.image.layer.v1.tar", digest, layerBytes);
            try (InputStream in = new GeneratedStream(seed, layerBytes)) {
                client.pushBlob(repository, layer, in);
            }
            String separator = i == 0 ? "" : ",";
            layerJson
                    .append(separator)
                    .append("{\"mediaType\":\"")
                    .append(layer.mediaType())
                    .append("\",\"digest\":\"")
                    .append(digest)
                    .append("\",\"size\":")
                    .append(layerBytes)
                    .append('}');
            diffIds.append(separator).append('"').append(digest).append('"');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                        + diffIds + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        Manifest configBlob = Manifest.of("application/vnd.oci.image.config.v1+json", config);
        client.pushBlob(repository, configBlob.descriptor(), new ByteArrayInputStream(config));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configBlob.descriptor().digest() + "\",\"size\":" + config.length + "},\"layers\":[" + layerJson
                + "]}";
        client.pushManifest(
                repository,
                TAG,
                Manifest.of("application/vnd.oci.image.manifest.v1+json", manifest.getBytes(StandardCharsets.UTF_8)));
        return layers * layerBytes;
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
