package io.falcooffline.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real git repositories for the tests, made with the git command line: a bare repository seeded from a directory
 * with a commit and a tag, and a {@code git daemon} serving bare repositories over {@code git://}.
 */
public final class GitRepositories {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private GitRepositories() {}

    /**
     * Creates a bare repository whose branch {@code main} has one commit of {@code tree} (copied under
     * {@code pathInRepository}) and the tag {@code tag} on it.
     *
     * @return the bare repository's directory
     */
    public static Path bareWithTree(Path workArea, Path tree, String pathInRepository, String tag) {
        Path work = workArea.resolve("work");
        Path bare = workArea.resolve("repository.git");
        try {
            Files.createDirectories(workArea);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(workArea, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(workArea, "init", "-q", "-b", "main", work.toString());
        copyTree(tree, work.resolve(pathInRepository));
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "chart");
        git(work, "tag", "-a", tag, "-m", "release " + tag);
        git(work, "push", "-q", bare.toUri().toString(), "main", "--tags");
        return bare;
    }

    /** Runs git in a directory and returns its standard output. */
    public static String git(Path directory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.add("-C");
        command.add(directory.toString());
        command.addAll(List.of(arguments));
        ExternalCommand.Result result = ExternalCommand.run(
                command,
                Map.of(
                        "GIT_CONFIG_NOSYSTEM", "1",
                        "HOME", directory.toString(),
                        "GIT_AUTHOR_NAME", "Test",
                        "GIT_AUTHOR_EMAIL", "test@localhost",
                        "GIT_COMMITTER_NAME", "Test",
                        "GIT_COMMITTER_EMAIL", "test@localhost"),
                TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("git " + String.join(" ", arguments) + " failed: " + result.stderr());
        }
        return result.stdoutText();
    }

    /** Copies a directory tree. */
    public static void copyTree(Path from, Path to) {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code git daemon} exporting every repository under a base directory, read only. */
    public static final class Daemon implements AutoCloseable {
        private final Process process;
        private final int port;

        private Daemon(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        public static Daemon serve(Path basePath) {
            int port = LocalRegistry.freePort();
            try {
                Process process = new ProcessBuilder(
                                "git",
                                "daemon",
                                "--export-all",
                                "--reuseaddr",
                                "--listen=127.0.0.1",
                                "--port=" + port,
                                "--base-path=" + basePath,
                                basePath.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                basePath.resolveSibling("git-daemon.log").toFile())
                        .start();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) {
                    try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                        return new Daemon(process, port);
                    } catch (IOException notYet) {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("git daemon exited with " + process.exitValue());
                        }
                        Thread.sleep(50);
                    }
                }
                process.destroyForcibly();
                throw new IllegalStateException("git daemon did not listen on port " + port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The URL of a repository under the base path, e.g. {@code git://127.0.0.1:9418/repository.git}. */
        public String url(String repository) {
            return "git://127.0.0.1:" + port + "/" + repository;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
