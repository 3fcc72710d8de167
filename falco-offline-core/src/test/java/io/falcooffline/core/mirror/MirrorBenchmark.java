package io.falcooffline.core.mirror;

import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.mirror.oci.Descriptor;
import io.falcooffline.core.mirror.oci.Manifest;
import io.falcooffline.core.mirror.oci.RegistryClient;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.ExternalCommand;
import io.falcooffline.core.testing.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Measures the mirror engine against {@code skopeo copy --all} per image and {@code skopeo sync --all} of the set
 * between local registries: a first copy of 512 MiB of incompressible layers, the no-op re-run, and the peak heap
 * while copying one 1 GiB layer (run it with {@code -Xmx256m}; the commands are in {@code performance.md}).
 *
 * <p>Arguments: {@code [images] [layersPerImage] [layerMiB] [hugeLayerMiB]}, defaults 4 4 32 1024.
 */
public final class MirrorBenchmark {

    private static final ProgressListener QUIET = (level, message) -> {
        if (level != ProgressListener.Level.DEBUG && message.startsWith("Mirrored")) {
            System.out.println("  " + message);
        }
    };

    private MirrorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long layerBytes = (args.length > 2 ? Long.parseLong(args[2]) : 32) << 20;
        long hugeBytes = (args.length > 3 ? Long.parseLong(args[3]) : 1024) << 20;
        System.out.printf(
                Locale.ROOT,
                "max heap %s, %d cores%n",
                Sizes.format(Runtime.getRuntime().maxMemory()),
                Runtime.getRuntime().availableProcessors());

        try (LocalRegistry source = LocalRegistry.startPlain();
                LocalRegistry ours = LocalRegistry.startPlain();
                LocalRegistry theirs = LocalRegistry.startPlain();
                RegistryClient sourceClient =
                        new RegistryClient(source.clientOptions().build())) {
            List<String> repositories = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < images; i++) {
                String repository = "bench/image-" + i;
                total += publishImage(sourceClient, repository, layers, layerBytes, "image-" + i);
                repositories.add(repository);
            }
            System.out.printf(Locale.ROOT, "published %d images, %s of layers%n", images, Sizes.format(total));

            MirrorOptions options = MirrorOptions.builder()
                    .mode(MirrorMode.PUSH)
                    .insecureRegistries(List.of(source.host(), ours.host()))
                    .copySignatures(false)
                    .build();
            List<PlannedReference> plan = plan(source.host(), ours.host(), repositories);
            Timed<MirrorResult> first =
                    time(() -> MirrorCalls.run(options, ours.host(), plan, Optional.empty(), Optional.empty(), QUIET));
            report("falco-offline first copy", first.seconds(), first.value().bytesTransferred());
            Timed<MirrorResult> again =
                    time(() -> MirrorCalls.run(options, ours.host(), plan, Optional.empty(), Optional.empty(), QUIET));
            report("falco-offline no-op re-run", again.seconds(), again.value().bytesTransferred());

            Timed<Void> skopeo = time(() -> skopeoCopyAll(source.host(), theirs.host(), repositories));
            report("skopeo copy --all first copy", skopeo.seconds(), total);
            Timed<Void> skopeoAgain = time(() -> skopeoCopyAll(source.host(), theirs.host(), repositories));
            report("skopeo copy --all re-run", skopeoAgain.seconds(), -1);
            try (LocalRegistry synced = LocalRegistry.startPlain()) {
                Timed<Void> sync = time(() -> skopeoSyncAll(source.host(), synced.host(), repositories));
                report("skopeo sync --all first copy", sync.seconds(), total);
            }

            Path bundle = Files.createTempDirectory("falco-offline-bench").resolve("bundle");
            MirrorOptions bundleOptions =
                    options.toBuilder().mode(MirrorMode.BUNDLE).bundle(bundle).build();
            Timed<MirrorResult> written = time(
                    () -> MirrorCalls.run(bundleOptions, ours.host(), plan, Optional.empty(), Optional.empty(), QUIET));
            report(
                    "falco-offline bundle write",
                    written.seconds(),
                    written.value().bytesTransferred());
            try (LocalRegistry inside = LocalRegistry.startPlain()) {
                Timed<MirrorResult> pushed = time(() -> MirrorCalls.push(
                        PushRequest.builder()
                                .bundle(bundle)
                                .registry(inside.host())
                                .insecureRegistries(inside.host())
                                .build(),
                        QUIET));
                report(
                        "falco-offline bundle push",
                        pushed.seconds(),
                        pushed.value().bytesTransferred());
            }
            deleteRecursively(bundle.getParent());

            publishImage(sourceClient, "bench/huge", 1, hugeBytes, "huge");
            List<PlannedReference> hugePlan = plan(source.host(), ours.host(), List.of("bench/huge"));
            System.gc();
            resetPeaks();
            Timed<MirrorResult> huge = time(
                    () -> MirrorCalls.run(options, ours.host(), hugePlan, Optional.empty(), Optional.empty(), QUIET));
            report(
                    "falco-offline one " + Sizes.format(hugeBytes) + " layer",
                    huge.seconds(),
                    huge.value().bytesTransferred());
            System.out.printf(
                    Locale.ROOT,
                    "heap pools' summed peaks during the %s layer: %s (max heap %s)%n",
                    Sizes.format(hugeBytes),
                    Sizes.format(peakHeap()),
                    Sizes.format(Runtime.getRuntime().maxMemory()));
        }
    }

    private static List<PlannedReference> plan(String source, String target, List<String> repositories) {
        return repositories.stream()
                .map(repository -> new PlannedReference(
                        ReferenceKind.IMAGE,
                        source + "/" + repository + ":1",
                        target + "/" + repository + ":1",
                        Disposition.REDIRECTED,
                        List.of()))
                .toList();
    }

    /** Publishes a single-platform image of pseudo-random layers, streaming them; returns the layer bytes. */
    private static long publishImage(RegistryClient client, String repository, int layers, long layerBytes, String seed)
            throws IOException {
        StringBuilder layerJson = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        for (int i = 0; i < layers; i++) {
            String seedI = seed + "/" + i;
            String digest = digestOf(new PseudoRandomStream(seedI, layerBytes));
            Descriptor layer = new Descriptor("application/vnd.oci.image.layer.v1.tar", digest, layerBytes);
            try (InputStream in = new PseudoRandomStream(seedI, layerBytes)) {
                client.pushBlob(repository, layer, in);
            }
            layerJson
                    .append(i == 0 ? "" : ",")
                    .append("{\"mediaType\":\"")
                    .append(layer.mediaType())
                    .append("\",\"digest\":\"")
                    .append(digest)
                    .append("\",\"size\":")
                    .append(layerBytes)
                    .append('}');
            diffIds.append(i == 0 ? "" : ",").append('"').append(digest).append('"');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                        + diffIds + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        Manifest configBlob = Manifest.of("application/vnd.oci.image.config.v1+json", config);
        client.pushBlob(repository, configBlob.descriptor(), new java.io.ByteArrayInputStream(config));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configBlob.descriptor().digest() + "\",\"size\":" + config.length + "},\"layers\":[" + layerJson
                + "]}";
        client.pushManifest(
                repository,
                "1",
                Manifest.of("application/vnd.oci.image.manifest.v1+json", manifest.getBytes(StandardCharsets.UTF_8)));
        return layers * layerBytes;
    }

    private static Void skopeoCopyAll(String source, String target, List<String> repositories) {
        for (String repository : repositories) {
            ExternalCommand.runChecked(
                    List.of(
                            "skopeo",
                            "copy",
                            "--all",
                            "--src-tls-verify=false",
                            "--dest-tls-verify=false",
                            "docker://" + source + "/" + repository + ":1",
                            "docker://" + target + "/" + repository + ":1"),
                    Duration.ofMinutes(10));
        }
        return null;
    }

    /** The fair anchor: skopeo copies the whole set in one process, as the mirror does. */
    private static Void skopeoSyncAll(String source, String target, List<String> repositories) {
        try {
            Path list = Files.createTempFile("falco-offline-bench", ".yaml");
            StringBuilder yaml = new StringBuilder(source + ":\n  tls-verify: false\n  images:\n");
            repositories.forEach(
                    repository -> yaml.append("    ").append(repository).append(": [\"1\"]\n"));
            Files.writeString(list, yaml);
            ExternalCommand.runChecked(
                    List.of(
                            "skopeo",
                            "sync",
                            "--all",
                            "--src",
                            "yaml",
                            "--dest",
                            "docker",
                            "--dest-tls-verify=false",
                            list.toString(),
                            target + "/synced"),
                    Duration.ofMinutes(10));
            Files.delete(list);
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String digestOf(InputStream in) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream digesting = new DigestInputStream(in, sha)) {
                digesting.transferTo(OutputStream.nullOutputStream());
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }

    private static void report(String what, double seconds, long bytes) {
        System.out.printf(
                Locale.ROOT,
                "%-36s %7.2f s%s%n",
                what,
                seconds,
                bytes < 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "  %10s transferred%s",
                                Sizes.format(bytes),
                                bytes > 0
                                        ? String.format(Locale.ROOT, "  (%s/s)", Sizes.format((long) (bytes / seconds)))
                                        : ""));
    }

    private record Timed<T>(T value, double seconds) {}

    @FunctionalInterface
    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> Timed<T> time(Step<T> step) throws Exception {
        long start = System.nanoTime();
        T value = step.run();
        return new Timed<>(value, (System.nanoTime() - start) / 1e9);
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A repeatable stream of incompressible bytes, generated as read, so no layer is ever held in memory. */
    private static final class PseudoRandomStream extends InputStream {
        private final SplittableRandom random;
        private long remaining;

        PseudoRandomStream(String seed, long size) {
            this.random = new SplittableRandom(seed.hashCode() * 0x9E3779B97F4A7C15L);
            this.remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining) & ~7;
            if (n == 0) {
                n = (int) Math.min(length, remaining);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = (byte) random.nextInt();
                }
            } else {
                for (int i = 0; i < n; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buffer[offset + i + b] = (byte) (value >>> (8 * b));
                    }
                }
            }
            remaining -= n;
            return n;
        }
    }
}
