package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.repositoryAndTag;
import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.Skopeo;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole package run on the real Falco chart with the k8s-audit profile: upstream registries are read through
 * {@code registryMirrors} from a local registry holding artifacts in the upstream formats, and every artifact the
 * plan says the chart pulls must arrive, as skopeo sees it.
 */
@Tag("upstream")
class PackageAndMirrorUpstreamTest {

    private static final Path CHART =
            Path.of(System.getProperty("falco-offline.fixtures", "../../shared/fixtures"), "charts", "falco-9.0.0.tgz");

    private static UpstreamFixture upstream;

    @TempDir
    Path temp;

    @BeforeAll
    static void startUpstream() {
        upstream = new UpstreamFixture();
        SyntheticArtifacts.ociImage(
                        "falcoctl",
                        List.of(SyntheticArtifacts.Platform.LINUX_AMD64, SyntheticArtifacts.Platform.LINUX_ARM64))
                .pushTo(upstream.client, "dockerhub/falcosecurity/falcoctl", "0.13.0");
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    private PackageRequest.Builder k8sAuditPackage(String registry, MirrorOptions mirror) {
        return PackageRequest.builder()
                .chart(CHART)
                .registry(registry)
                .repositoryPrefix("falco")
                .repositoryLayout(RepositoryLayout.FLATTEN)
                .profile("k8s-audit")
                .outputDirectory(temp.resolve("out"))
                .mirror(mirror);
    }

    @Test
    void shouldCopyEveryPulledArtifactToTheRegistryAndPublishTheChartLast() {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            PackageResult result = FalcoOffline.packageChart(
                    k8sAuditPackage(
                                    internal.host(),
                                    upstream.options(MirrorMode.PUSH, internal.host())
                                            .build())
                            .publish(PublishOptions.builder().publishChart(true).build())
                            .build(),
                    ProgressListener.SILENT);

            MirrorResult mirrored = result.mirror().orElseThrow();
            assertThat(mirrored.entries())
                    .extracting(LockEntry::target)
                    .containsAll(pulledTargets(result))
                    .contains(internal.host() + "/falco/json:0.7.0");
            Skopeo skopeo = Skopeo.forRegistry(internal, temp);
            for (LockEntry entry : mirrored.entries()) {
                assertThat(Digests.sha256(skopeo.inspectRaw(repositoryAndTag(entry.target()))))
                        .as(entry.target())
                        .isEqualTo(entry.targetDigest());
            }
            // The mirror run stored the chart and wrote the lock once, the chart's entry with the rest.
            MirrorLock lock = MirrorLock.read(mirrored.lockFile().orElseThrow()).orElseThrow();
            LockEntry chart = lock.chart().orElseThrow();
            assertThat(chart.target()).isEqualTo(internal.host() + "/falco/falco:9.0.0");
            assertThat(Digests.sha256(skopeo.inspectRaw("falco/falco:9.0.0"))).isEqualTo(chart.targetDigest());
            assertThat(lock.entries()).containsAll(mirrored.entries());
            assertThat(mirrored.entries()).noneMatch(entry -> entry.origin() == LockEntry.Origin.CHART);
        }
    }

    @Test
    void shouldWriteABundleThatPushLoadsIntoAnEmptyRegistry() {
        try (LocalRegistry inside = LocalRegistry.startPlain()) {
            PackageResult result = FalcoOffline.packageChart(
                    k8sAuditPackage(
                                    inside.host(),
                                    upstream.options(MirrorMode.BUNDLE, inside.host())
                                            .build())
                            .build(),
                    ProgressListener.SILENT);

            MirrorResult bundled = result.mirror().orElseThrow();
            Path bundle = temp.resolve("out/bundle");
            assertThat(bundle.resolve("falco-9.0.0.tgz")).exists();
            assertThat(bundled.entries()).extracting(LockEntry::target).containsAll(pulledTargets(result));

            FalcoOffline.push(
                    PushRequest.builder()
                            .bundle(bundle)
                            .insecureRegistries(List.of(inside.host()))
                            .build(),
                    ProgressListener.SILENT);

            Skopeo skopeo = Skopeo.forRegistry(inside, temp);
            for (LockEntry entry : bundled.entries()) {
                assertThat(Digests.sha256(skopeo.inspectRaw(repositoryAndTag(entry.target()))))
                        .as(entry.target())
                        .isEqualTo(entry.targetDigest());
            }
        }
    }

    /** The targets of every OCI reference the plan says the chart pulls. */
    private static Set<String> pulledTargets(PackageResult result) {
        Set<String> targets = result.plan().references().stream()
                .filter(PlannedReference::inUse)
                .filter(reference -> reference.kind() != ReferenceKind.INDEX)
                .map(PlannedReference::target)
                .collect(Collectors.toSet());
        // The k8s-audit refs k8saudit:0.16 and k8saudit-rules:0.16 float: their exact versions are mirrored too.
        assertThat(targets).hasSize(7);
        return targets;
    }
}
