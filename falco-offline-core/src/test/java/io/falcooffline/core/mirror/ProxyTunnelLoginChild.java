package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A mirror run in a JVM of its own, for what a test JVM cannot change: the JDK property that allows Basic proxy logins
 * through HTTPS tunnels, and the process environment ({@code HTTPS_PROXY}) the library reads when no proxy is set.
 */
final class ProxyTunnelLoginChild {

    private static final long TIMEOUT_SECONDS = 120;

    private ProxyTunnelLoginChild() {}

    /** What the child printed, and how it ended. */
    record Outcome(int exitCode, String output) {}

    /** Runs {@link #main} with these JVM options and environment additions. */
    static Outcome run(
            List<String> jvmOptions, Map<String, String> environment, String upstreamHost, Path caFile, Path bundle) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ProxyTunnelLoginChild.class.getName(),
                upstreamHost,
                caFile.toString(),
                bundle.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment()
                .keySet()
                .removeIf(name -> name.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] printed = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The mirror child did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Outcome(process.exitValue(), new String(printed, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code <upstream host:port> <caFile> <bundle>}: mirrors the fixture's plan with no proxy set. */
    public static void main(String[] args) {
        MirrorOptions options = MirrorOptions.builder()
                .mode(MirrorMode.BUNDLE)
                .bundle(Path.of(args[2]))
                .registryMirrors(UpstreamFixture.registryMirrors(args[0]))
                .caFile(Path.of(args[1]))
                .build();
        try {
            MirrorResult result = MirrorCalls.run(
                    options,
                    "192.168.5.96:30003",
                    UpstreamFixture.plan("192.168.5.96:30003"),
                    Optional.empty(),
                    Optional.empty(),
                    (level, message) -> System.out.println(level + " " + message));
            System.out.println("entries=" + result.entries().size());
            System.exit(0);
        } catch (FalcoOfflineException e) {
            System.out.println("FAILED " + e.getMessage());
            System.exit(1);
        }
    }
}
