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
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.LocalRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The mirror's reads started ahead, while the package run still verifies the chart, and what the run reuses. */
class ReadAheadTest {

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
        ReadAhead ahead = ReadAhead.start(options, MirrorCalls.access(options), REGISTRY, plan(REGISTRY), listener);
        ahead.awaitReads();
        List<String> readAhead = manifestRequests(log);
        int before = log.size();

        MirrorResult result = Mirror.run(
                new MirrorRequest(options, MirrorCalls.access(options), REGISTRY, plan(REGISTRY), List.of()),
                ahead,
                listener);

        // Every image, rules file and plugin, the tag, the index and its platforms' manifests, and each artifact's
        // four signature tags.
        assertThat(readAhead).hasSizeGreaterThanOrEqualTo(7 * 5);
        assertThat(manifestRequests(log.subList(before, log.size()))).isEmpty();
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
        ReadAhead ahead = ReadAhead.start(options, MirrorCalls.access(options), REGISTRY, beforeVerification, listener);
        ahead.awaitReads();

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

        ReadAhead ahead =
                ReadAhead.start(options, MirrorCalls.access(options), unreachable, plan(unreachable), listener);
        ahead.awaitReads();
        Throwable probedAhead = catchThrowable(() -> Mirror.run(request, ahead, listener));

        assertThat(probedInTheRun).isInstanceOf(InvalidRequestException.class).hasMessageContaining(unreachable);
        assertThat(probedAhead).isInstanceOf(probedInTheRun.getClass()).hasMessage(probedInTheRun.getMessage());
    }

    /** The manifest and tag requests the run's registry clients logged. */
    private static List<String> manifestRequests(List<String> lines) {
        return lines.stream()
                .filter(line -> line.startsWith("DEBUG registry ") && line.contains("/manifests/"))
                .toList();
    }
}
