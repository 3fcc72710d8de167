package io.falcooffline.core.falco.bake;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.testing.FaultProxy;
import io.falcooffline.core.testing.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bake stopped by SIGTERM (what {@code kill}, systemd and CI runners send, and what {@link Process#destroy()} sends
 * on Linux) leaves no working directory behind: the JVM runs its shutdown hooks but no {@code finally} block.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class BakeSignalTest {

    /** The pattern of every blob upload the bake starts: the first one is where it is held. */
    private static final String UPLOAD = "/v2/.*/blobs/uploads/";

    @TempDir
    Path temp;

    @Test
    void shouldDeleteBakeWorkingDirectoryWhenTerminatedMidBake() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startPlain();
                RegistryClient client =
                        new RegistryClient(registry.clientOptions().build());
                FaultProxy proxy = FaultProxy.start(registry.host())) {
            BakeFixtures.publish(client, "falco/");
            proxy.inject(FaultProxy.Fault.stall("POST", UPLOAD, Duration.ofMinutes(5), 1000));
            Path tmp = Files.createDirectory(temp.resolve("child-tmp"));
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Djava.io.tmpdir=" + tmp,
                            "-cp",
                            System.getProperty("java.class.path"),
                            BakeProcess.class.getName(),
                            proxy.host())
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("child.log").toFile())
                    .start();
            try {
                awaitUpload(proxy, child);
                List<Path> during = bakeDirectories(tmp);
                assertThat(during)
                        .as("the bake's working directory while the push is held")
                        .hasSize(1);
                assertThat(filesUnder(during.get(0)))
                        .as("the bake had staged its layer files when it was stopped")
                        .isNotEmpty();

                child.destroy();

                assertThat(child.waitFor(5, TimeUnit.SECONDS))
                        .as("the child exits within 5 s of SIGTERM")
                        .isTrue();
                assertThat(bakeDirectories(tmp))
                        .as("left in the child's java.io.tmpdir")
                        .isEmpty();
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private void awaitUpload(FaultProxy proxy, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (proxy.count("POST", UPLOAD) == 0) {
            assertThat(child.isAlive())
                    .as("the baking child ended before pushing: %s", Files.readString(temp.resolve("child.log")))
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("the bake reaches its push within 120 s")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static List<Path> bakeDirectories(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(path -> path.getFileName().toString().startsWith("falco-offline-bake-"))
                    .toList();
        }
    }

    private static List<Path> filesUnder(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }
}
