package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.K8SAUDIT;
import static io.falcooffline.core.mirror.UpstreamFixture.amd64LayerOf;
import static io.falcooffline.core.mirror.UpstreamFixture.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.testing.FaultProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferProgressTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path temp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);
    private final AtomicLong now = new AtomicLong();

    @Test
    void shouldStayQuietUntilTheFirstIntervalThenReportBytesRateTimeLeftAndTransfersInFlight() {
        TransferProgress progress = new TransferProgress(listener, 100 * MIB, Duration.ofSeconds(10), now::get, false);
        AtomicLong layerRead = new AtomicLong();
        progress.start("docker.io/falcosecurity/falco-driver-loader:0.44.0", blob(80 * MIB), layerRead::get);
        AtomicLong configRead = new AtomicLong();
        progress.start("ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16.1", blob(20 * MIB), configRead::get);

        layerRead.set(10 * MIB);
        advance(Duration.ofSeconds(9));
        progress.tick();
        assertThat(log)
                .as("a transfer shorter than one interval prints nothing")
                .isEmpty();

        layerRead.set(16 * MIB);
        configRead.set(4 * MIB);
        advance(Duration.ofSeconds(1));
        progress.tick();

        assertThat(log)
                .singleElement()
                .asString()
                .startsWith("INFO Transferred 20.0 MiB of 100.0 MiB (20 %), 2.0 MiB/s, about 40 s left; in flight: ")
                .contains("docker.io/falcosecurity/falco-driver-loader:0.44.0 80.0 MiB at 20 %, "
                        + "ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16.1 20.0 MiB at 20 %");
    }

    @Test
    void shouldReportEachQuarterMarkAsItPassesAndOtherwiseWaitForTheInterval() {
        TransferProgress progress = new TransferProgress(listener, 100 * MIB, Duration.ofSeconds(10), now::get, false);
        AtomicLong read = new AtomicLong();
        TransferProgress.Transfer layer = progress.start("ghcr.io/a/layer:1", blob(100 * MIB), read::get);
        read.set(10 * MIB);
        advance(Duration.ofSeconds(10));
        progress.tick();
        assertThat(log).hasSize(1);

        advance(Duration.ofSeconds(1));
        progress.tick();
        assertThat(log).as("no quarter passed, interval not over").hasSize(1);

        read.set(26 * MIB);
        advance(Duration.ofSeconds(1));
        progress.tick();
        assertThat(log).hasSize(2).last().asString().contains("(26 %)");

        read.set(27 * MIB);
        advance(Duration.ofSeconds(1));
        progress.tick();
        assertThat(log).as("the 25 % mark is reported once").hasSize(2);

        read.set(100 * MIB);
        progress.end(layer, true);
        advance(Duration.ofSeconds(10));
        progress.tick();
        assertThat(log).hasSize(3).last().asString().startsWith("INFO Transferred 100.0 MiB of 100.0 MiB (100 %)");
    }

    @Test
    void shouldLeaveBlobsFoundAtTheTargetOutOfTheTotalAndCountAFailedTransferAgain() {
        TransferProgress progress = new TransferProgress(listener, 100 * MIB, Duration.ofSeconds(1), now::get, false);
        progress.notMoved(blob(60 * MIB));
        AtomicLong read = new AtomicLong(30 * MIB);
        TransferProgress.Transfer broken = progress.start("ghcr.io/a/layer:1", blob(40 * MIB), read::get);
        progress.end(broken, false);
        advance(Duration.ofSeconds(1));
        progress.tick();

        assertThat(log).singleElement().asString().startsWith("INFO Transferred 0 B of 40.0 MiB (0 %)");
    }

    @Test
    void shouldPrintNothingWhenProgressIsOff() {
        TransferProgress progress = new TransferProgress(listener, 100 * MIB, Duration.ZERO, now::get, false);
        progress.start("ghcr.io/a/layer:1", blob(100 * MIB), () -> 50 * MIB);
        advance(Duration.ofMinutes(5));
        progress.tick();

        assertThat(log).isEmpty();
    }

    @Test
    void shouldLogProgressWhileALayerCrawlsThroughASlowLinkAndNothingForAQuickRun() {
        try (UpstreamFixture upstream = new UpstreamFixture();
                FaultProxy slowLink = FaultProxy.start(upstream.registry.host())) {
            Descriptor layer = amd64LayerOf(upstream.k8saudit);
            slowLink.inject(
                    FaultProxy.Fault.stallBody("GET", "/blobs/" + layer.digest(), 1000, Duration.ofSeconds(3), 1));

            MirrorCalls.run(
                    bundleOptions(slowLink.host(), temp.resolve("slow"), Duration.ofMillis(500)),
                    "192.168.5.96:30003",
                    plan("192.168.5.96:30003"),
                    Optional.empty(),
                    Optional.empty(),
                    listener);

            List<String> whileStalled = log.stream()
                    .filter(line -> line.startsWith("INFO Transferred "))
                    .toList();
            assertThat(whileStalled).isNotEmpty();
            assertThat(whileStalled).anyMatch(line -> line.contains("in flight: " + K8SAUDIT) && line.contains(" at "));

            log.clear();
            MirrorCalls.run(
                    bundleOptions(upstream.registry.host(), temp.resolve("quick"), Duration.ofSeconds(10)),
                    "192.168.5.96:30003",
                    plan("192.168.5.96:30003"),
                    Optional.empty(),
                    Optional.empty(),
                    listener);
            assertThat(log).noneMatch(line -> line.startsWith("INFO Transferred "));
        }
    }

    private static MirrorOptions bundleOptions(String source, Path bundle, Duration interval) {
        return MirrorOptions.builder()
                .mode(MirrorMode.BUNDLE)
                .bundle(bundle)
                .registryMirror("ghcr.io", source)
                .registryMirror("docker.io", source + "/dockerhub")
                .insecureRegistries(List.of(source))
                .progressInterval(interval)
                .build();
    }

    private static Descriptor blob(long size) {
        return new Descriptor("application/octet-stream", "sha256:" + "0".repeat(64), size);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
