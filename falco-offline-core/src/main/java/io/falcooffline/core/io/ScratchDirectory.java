package io.falcooffline.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A temporary working directory that is deleted, with everything in it, when it is closed, and also when the JVM
 * stops before that: on SIGTERM, SIGINT (Ctrl-C) or {@code System.exit} the JVM runs its shutdown hooks but no
 * {@code finally} block of the threads still working, so a bake stopped half-way would otherwise leave hundreds of
 * megabytes of extracted layers behind. A shutdown hook is registered while the directory exists and removed when it
 * is closed, so finished runs leave no hook behind in a long-lived JVM (a Maven daemon, an IDE).
 *
 * <p>SIGKILL runs no hook; what it leaves carries the directory's prefix, so it is recognisable.
 */
public final class ScratchDirectory implements AutoCloseable {

    /** How often the shutdown hook deletes again when a working thread added files meanwhile. */
    private static final int DELETE_ATTEMPTS = 5;

    private final Path path;
    private final Thread cleanup;

    private ScratchDirectory(Path path) {
        this.path = path;
        this.cleanup = new Thread(() -> delete(path), "falco-offline-cleanup " + path.getFileName());
    }

    /** Creates a directory named {@code prefix…} in {@code java.io.tmpdir}. */
    public static ScratchDirectory create(String prefix) throws IOException {
        return register(Files.createTempDirectory(prefix));
    }

    /** Creates a directory named {@code prefix…} in {@code parent}, which must exist. */
    public static ScratchDirectory create(Path parent, String prefix) throws IOException {
        return register(AtomicFiles.createTemporaryDirectory(parent, prefix));
    }

    private static ScratchDirectory register(Path path) {
        ScratchDirectory directory = new ScratchDirectory(path);
        try {
            Runtime.getRuntime().addShutdownHook(directory.cleanup);
        } catch (IllegalStateException shuttingDown) {
            delete(path);
            throw new IllegalStateException("The JVM is shutting down; no working directory is created", shuttingDown);
        }
        return directory;
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    /** Deletes the directory and everything in it, and removes its shutdown hook. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to run, and deletes the directory as well
        }
        delete(path);
    }

    /**
     * Deletes {@code root} quietly. A thread still writing into it can add a file between the listing and the
     * removal of the directory, so the deletion is repeated a few times; once the directory itself is gone, nothing
     * can be created in it any more.
     */
    private static void delete(Path root) {
        for (int attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
            try {
                AtomicFiles.deleteRecursively(root);
            } catch (IOException | UncheckedIOException e) {
                // a file vanished or appeared while walking: try again
            }
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
        }
    }
}
