package io.falcooffline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The simple limit: each blob's GET body copied straight into one monolithic PUT, a few at a time, then each manifest
 * PUT; no digest check, no retry, no existence check. Run as its own process, like the tools it is compared with.
 *
 * <p>Arguments: {@code <source host> <target host> <parallel transfers> <repository:tag>...}, plain HTTP.
 */
public final class RawCopy {

    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

    private RawCopy() {}

    public static void main(String[] args) throws Exception {
        String source = args[0];
        String target = args[1];
        int parallel = Integer.parseInt(args[2]);
        ObjectMapper json = new ObjectMapper();
        Map<String, byte[]> manifests = new java.util.LinkedHashMap<>();
        List<String[]> blobs = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String repository = args[i].substring(0, args[i].indexOf(':'));
            String tag = args[i].substring(args[i].indexOf(':') + 1);
            byte[] manifest = get(source, "/v2/" + repository + "/manifests/" + tag);
            manifests.put(args[i], manifest);
            JsonNode tree = json.readTree(manifest);
            blobs.add(new String[] {
                repository,
                tree.get("config").get("digest").asString(),
                "" + tree.get("config").get("size").asLong()
            });
            for (JsonNode layer : tree.get("layers")) {
                blobs.add(new String[] {
                    repository,
                    layer.get("digest").asString(),
                    "" + layer.get("size").asLong()
                });
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<?>> copies = new ArrayList<>();
        for (String[] blob : blobs) {
            copies.add(pool.submit(() -> copyBlob(source, target, blob[0], blob[1], Long.parseLong(blob[2]))));
        }
        for (Future<?> copy : copies) {
            copy.get();
        }
        pool.shutdown();
        for (Map.Entry<String, byte[]> manifest : manifests.entrySet()) {
            String repository = manifest.getKey().substring(0, manifest.getKey().indexOf(':'));
            String tag = manifest.getKey().substring(manifest.getKey().indexOf(':') + 1);
            HttpURLConnection put = open(target, "/v2/" + repository + "/manifests/" + tag, "PUT");
            put.setRequestProperty("Content-Type", MANIFEST_TYPE);
            put.setFixedLengthStreamingMode(manifest.getValue().length);
            try (OutputStream out = put.getOutputStream()) {
                out.write(manifest.getValue());
            }
            expect(put, 201);
        }
    }

    private static Void copyBlob(String source, String target, String repository, String digest, long size)
            throws IOException {
        HttpURLConnection start = open(target, "/v2/" + repository + "/blobs/uploads/", "POST");
        start.setFixedLengthStreamingMode(0);
        start.getOutputStream().close();
        expect(start, 202);
        URI location = URI.create("http://" + target + "/").resolve(start.getHeaderField("Location"));
        String upload = location.getRawPath() + "?"
                + (location.getRawQuery() == null ? "" : location.getRawQuery() + "&") + "digest=" + digest;
        HttpURLConnection get = open(source, "/v2/" + repository + "/blobs/" + digest, "GET");
        HttpURLConnection put = open(target, upload, "PUT");
        put.setRequestProperty("Content-Type", "application/octet-stream");
        put.setFixedLengthStreamingMode(size);
        try (InputStream in = get.getInputStream();
                OutputStream out = put.getOutputStream()) {
            in.transferTo(out);
        }
        expect(put, 201);
        return null;
    }

    private static byte[] get(String host, String path) throws IOException {
        HttpURLConnection connection = open(host, path, "GET");
        connection.setRequestProperty("Accept", MANIFEST_TYPE);
        try (InputStream in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static HttpURLConnection open(String host, String path, String method) throws IOException {
        HttpURLConnection connection =
                (HttpURLConnection) URI.create("http://" + host + path).toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setDoOutput(method.equals("PUT") || method.equals("POST"));
        return connection;
    }

    private static void expect(HttpURLConnection connection, int status) throws IOException {
        int actual = connection.getResponseCode();
        if (actual != status) {
            throw new UncheckedIOException(new IOException(connection.getRequestMethod() + " " + connection.getURL()
                    + " answered " + actual + " instead of " + status));
        }
        try (InputStream drained = connection.getInputStream()) {
            drained.transferTo(OutputStream.nullOutputStream());
        }
    }
}
