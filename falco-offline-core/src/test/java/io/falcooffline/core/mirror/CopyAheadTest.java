package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.plan;
import static io.falcooffline.core.mirror.UpstreamFixture.redirected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The mirror's copy started ahead, while the package run still verifies the chart, and what the run completes. */
class CopyAheadTest {

    private static final String REGISTRY = "registry.internal:5000";
    private static final String MISSING = "docker.io/falcosecurity/falcosidekick:2.31.1";
    private static final String ALREADY_INTERNAL = REGISTRY + "/falco/already:1.0.0";

    @RegisterExtension
    static final UpstreamFixture upstream = UpstreamFixture.perClass();

    @TempDir
    Path temp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    @Test
    void shouldCopyEveryArtifactWithoutAskingTheSourceForAManifestOrTagAgain() throws Exception {
        MirrorOptions options = upstream.options(MirrorMode.BUNDLE)
                .bundle(temp.resolve("bundle"))
                .build();
        CopyAhead ahead = CopyAhead.start(options, MirrorCalls.access(options), REGISTRY, plan(REGISTRY), listener);
        ahead.awaitCopy();
        List<String> readAhead = sourceRequests(log, "/manifests/");
        int before = log.size();

        MirrorResult result = Mirror.run(
                new MirrorRequest(options, MirrorCalls.access(options), REGISTRY, plan(REGISTRY), List.of()),
                ahead,
                listener);

        // Every image, rules file and plugin, the tag, the index and its platforms' manifests, and each artifact's
        // four signature tags.
        assertThat(readAhead).hasSizeGreaterThanOrEqualTo(7 * 5);
        assertThat(sourceRequests(log.subList(0, before), "/blobs/")).isNotEmpty();
        assertThat(sourceRequests(log.subList(before, log.size()), "/manifests/"))
                .isEmpty();
        assertThat(sourceRequests(log.subList(before, log.size()), "/blobs/"))
                .as("every blob was copied ahead")
                .isEmpty();
        assertThat(result.bytesTransferred()).as("counted by the run").isPositive();
        assertThat(result.entries())
                .extracting(LockEntry::targetDigest)
                .contains(upstream.falco.digest(), upstream.redis.digest(), upstream.json.digest());
        assertThat(result.entries()).hasSize(7);
    }

    @Test
    void shouldNeitherWarnNorFailForWhatCouldNotBeReadOrIsNotCopied() throws Exception {
        MirrorOptions options = upstream.options(MirrorMode.BUNDLE)
                .bundle(temp.resolve("bundle"))
                .build();
        List<PlannedReference> beforeVerification = new ArrayList<>(plan(REGISTRY));
        beforeVerification.add(redirected(ReferenceKind.IMAGE, MISSING, REGISTRY));
        beforeVerification.add(new PlannedReference(
                ReferenceKind.IMAGE, ALREADY_INTERNAL, ALREADY_INTERNAL, Disposition.ALREADY_INTERNAL, List.of()));
        List<PlannedReference> verified = plan(REGISTRY).stream()
                .filter(reference -> !reference.source().equals(UpstreamFixture.REDIS_IMAGE))
                .toList();
        CopyAhead ahead = CopyAhead.start(options, MirrorCalls.access(options), REGISTRY, beforeVerification, listener);
        ahead.awaitCopy();

        MirrorResult result = Mirror.run(
                new MirrorRequest(options, MirrorCalls.access(options), REGISTRY, verified, List.of()),
                ahead,
                listener);

        assertThat(result.entries()).extracting(LockEntry::source).doesNotContain(UpstreamFixture.REDIS_IMAGE);
        assertThat(result.entries()).hasSize(6);
        assertThat(log).noneMatch(line -> line.startsWith("WARN"));
        assertThat(log).as("not read: the run copies nothing of it").noneMatch(line -> line.contains("falco/already"));
        assertThat(log)
                .noneMatch(line -> line.startsWith("INFO") && line.contains("falcosidekick"))
                .anyMatch(line -> line.startsWith("DEBUG Reading " + MISSING + " ahead stopped"));
    }

    @Test
    void shouldReportTheProbeOfTheInternalRegistryStartedAheadAsTheRunWouldHaveProbedIt() throws Exception {
        // Nothing listens there: the chart's registry cannot be reached, which the probe reports by name.
        String unreachable = "127.0.0.1:" + LocalRegistry.freePort();
        MirrorOptions options = upstream.options(MirrorMode.PUSH, unreachable).build();
        MirrorRequest request =
                new MirrorRequest(options, MirrorCalls.access(options), unreachable, plan(unreachable), List.of());
        Throwable probedInTheRun = catchThrowable(() -> Mirror.run(request, listener));

        CopyAhead ahead =
                CopyAhead.start(options, MirrorCalls.access(options), unreachable, plan(unreachable), listener);
        ahead.awaitCopy();
        Throwable probedAhead = catchThrowable(() -> Mirror.run(request, ahead, listener));

        assertThat(probedInTheRun).isInstanceOf(InvalidRequestException.class).hasMessageContaining(unreachable);
        assertThat(probedAhead).isInstanceOf(probedInTheRun.getClass()).hasMessage(probedInTheRun.getMessage());
    }

    @Test
    void shouldSetNoTagUntilTheRunAfterVerification() throws Exception {
        try (LocalRegistry target = LocalRegistry.startPlain()) {
            String registry = target.host();
            MirrorOptions options = upstream.options(MirrorMode.PUSH, registry).build();
            CopyAhead ahead = CopyAhead.start(options, MirrorCalls.access(options), registry, plan(registry), listener);
            ahead.awaitCopy();
            try (RegistryClient client =
                    new RegistryClient(target.clientOptions().build())) {
                assertThat(client.listTags("falco/falcosecurity/falco"))
                        .as("copied ahead, not tagged")
                        .isEmpty();
                assertThat(client.resolve("falco/falcosecurity/falco", upstream.falco.digest()))
                        .as("its content is in place")
                        .isPresent();

                Mirror.run(
                        new MirrorRequest(options, MirrorCalls.access(options), registry, plan(registry), List.of()),
                        ahead,
                        listener);

                assertThat(client.listTags("falco/falcosecurity/falco")).contains("0.44.0");
            }
            assertThat(log)
                    .anyMatch(line -> line.startsWith("INFO Mirroring to registry " + registry
                            + ": the content while the chart is verified, the tags once it is."));
            assertThat(log).noneMatch(line -> line.contains("Mirroring to registry " + registry + "."));
        }
    }

    @Test
    void shouldLeaveThePreviousBundleWhenTheRunStopsBeforeTheMirror() throws Exception {
        Path bundle = temp.resolve("bundle");
        MirrorOptions options =
                upstream.options(MirrorMode.BUNDLE).bundle(bundle).build();
        Mirror.run(
                new MirrorRequest(options, MirrorCalls.access(options), REGISTRY, plan(REGISTRY), List.of()), listener);
        byte[] index = Files.readAllBytes(bundle.resolve("index.json"));
        byte[] lock = Files.readAllBytes(bundle.resolve(BundlePusher.LOCK_FILE));

        // Verification fails: the package run closes what it started ahead without running the mirror.
        CopyAhead ahead = CopyAhead.start(options, MirrorCalls.access(options), REGISTRY, plan(REGISTRY), listener);
        ahead.awaitCopy();
        ahead.close();

        assertThat(bundle.resolve("index.json")).hasBinaryContent(index);
        assertThat(bundle.resolve(BundlePusher.LOCK_FILE)).hasBinaryContent(lock);
    }

    /** The requests to the upstream registry the run's registry clients logged, of paths with {@code part}. */
    private List<String> sourceRequests(List<String> lines, String part) {
        return lines.stream()
                .filter(line -> line.startsWith("DEBUG registry " + upstream.registry.host()) && line.contains(part))
                .toList();
    }
}
