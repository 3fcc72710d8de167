package io.falcooffline.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a machine tool the tests depend on (openssl, skopeo), failing loudly with its output when it fails. */
public final class ExternalCommand {

    private ExternalCommand() {}

    /** What a finished command printed. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        /** Standard output as UTF-8 text. */
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs a command and returns its output whatever its exit code.
     *
     * @param command the program and arguments; the program must be installed
     * @param environment extra environment variables
     * @param timeout how long it may run
     */
    public static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        requireInstalled(command.get(0));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // The command reads no input.
        }
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted running " + command, e);
        }
        return new Result(process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed. */
    public static Result runChecked(List<String> command, Duration timeout) {
        Result result = run(command, Map.of(), timeout);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    command + " failed with exit " + result.exitCode() + ":\n" + result.stderr() + result.stdoutText());
        }
        return result;
    }

    /**
     * Fails (never skips) when a tool the tests need is missing, naming the package to install.
     *
     * @param program a program name or absolute path
     */
    public static void requireInstalled(String program) {
        Path path = Path.of(program);
        boolean found = path.isAbsolute()
                ? Files.isExecutable(path)
                : List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        if (!found) {
            String name = path.getFileName().toString();
            String packageName = switch (name) {
                case "docker-registry" -> "docker-registry";
                case "skopeo" -> "skopeo";
                case "openssl" -> "openssl";
                default -> name;
            };
            throw new IllegalStateException("This test needs '" + program + "', which is not installed: run "
                    + "`apt-get install " + packageName + "`");
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
