package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.FALCO_IMAGE;
import static io.falcooffline.core.mirror.UpstreamFixture.plan;
import static io.falcooffline.core.mirror.UpstreamFixture.repositoryAndTag;
import static io.falcooffline.core.mirror.UpstreamFixture.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.Skopeo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror's seam for images it builds instead of copying: it runs a {@link DerivedImageBuild} once the build's
 * inputs are in the target, records what the build returns instead of the plan's already-internal entry, keeps the
 * image in the bundle, and refuses a build whose input the plan does not copy before copying anything.
 */
class DerivedImageBuildTest {

    @RegisterExtension
    static final UpstreamFixture upstream = UpstreamFixture.perClass();

    @TempDir
    Path temp;

    /** Tags the mirrored base's index again under another tag, reading it from the target as a real build does. */
    private static final class Retag implements DerivedImageBuild {
        private final OciReference base;
        private final OciReference image;
        private final AtomicInteger runs = new AtomicInteger();

        Retag(OciReference base, String tag) {
            this.base = base;
            this.image = base.withTag(tag);
        }

        @Override
        public OciReference image() {
            return image;
        }

        @Override
        public List<OciReference> inputs() {
            return List.of(base);
        }

        @Override
        public Built build(Target target, ProgressListener listener) {
            runs.incrementAndGet();
            String repository = target.bundle() ? base.name() : base.repository();
            Manifest index = target.store().fetchManifest(repository, base.tag());
            target.store().pushManifest(repository, image.tag(), index);
            LockEntry entry = LockEntry.builder(
                            LockEntry.Origin.BAKED, ReferenceKind.IMAGE, base.toString(), image.toString())
                    .targetDigest(index.descriptor().digest())
                    .mediaType(index.descriptor().mediaType())
                    .note("retagged")
                    .build();
            return new Built(entry, Set.of(index.descriptor().digest()));
        }
    }

    /** The plan with the built image named already internal, as the pipeline plans a derived image. */
    private static List<PlannedReference> planWith(String registry, DerivedImageBuild build) {
        List<PlannedReference> references = new ArrayList<>(plan(registry));
        String image = build.image().toString();
        references.add(
                new PlannedReference(ReferenceKind.IMAGE, image, image, Disposition.ALREADY_INTERNAL, List.of()));
        return references;
    }

    private static MirrorResult run(
            MirrorOptions options, String registry, List<PlannedReference> references, DerivedImageBuild build) {
        return MirrorCalls.runBuilding(options, registry, references, List.of(build), ProgressListener.SILENT);
    }

    @Test
    void theBuildRunsOnceItsBaseIsOnTheRegistryAndItsResultReplacesThePlansEntry() {
        try (LocalRegistry internal = LocalRegistry.startPlain()) {
            String registry = internal.host();
            Retag build = new Retag(OciReference.parse(target(FALCO_IMAGE, registry)), "0.44.0-derived");

            MirrorResult result = run(
                    upstream.options(MirrorMode.PUSH, registry).build(), registry, planWith(registry, build), build);

            assertThat(build.runs).hasValue(1);
            assertThat(result.entries())
                    .filteredOn(entry -> entry.target().equals(build.image().toString()))
                    .singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.origin()).isEqualTo(LockEntry.Origin.BAKED);
                        assertThat(entry.targetDigest()).isEqualTo(upstream.falco.digest());
                    });
            byte[] raw = Skopeo.forRegistry(internal, temp)
                    .inspectRaw(repositoryAndTag(build.image().toString()));
            assertThat(Digests.sha256(raw)).isEqualTo(upstream.falco.digest());
        }
    }

    @Test
    void inABundleTheBuiltImageIsKeptBesideItsBase() {
        String registry = "192.168.5.96:30003";
        Path bundle = temp.resolve("bundle");
        Retag build = new Retag(OciReference.parse(target(FALCO_IMAGE, registry)), "0.44.0-derived");

        MirrorResult result = run(
                upstream.options(MirrorMode.BUNDLE).bundle(bundle).build(), registry, planWith(registry, build), build);

        assertThat(result.entries()).extracting(LockEntry::origin).contains(LockEntry.Origin.BAKED);
        byte[] raw = Skopeo.inspectLayoutRaw(
                bundle, build.image().name() + ":" + build.image().tag());
        assertThat(Digests.sha256(raw)).isEqualTo(upstream.falco.digest());
    }

    @Test
    void aBuildWhoseInputThePlanDoesNotCopyIsRefusedBeforeAnythingIsCopied() {
        try (LocalRegistry internal = LocalRegistry.startPlain();
                RegistryClient client =
                        new RegistryClient(internal.clientOptions().build())) {
            String registry = internal.host();
            Retag build = new Retag(OciReference.parse(registry + "/falco/not/planned:1.0"), "1.0-derived");

            assertThatThrownBy(() -> run(
                            upstream.options(MirrorMode.PUSH, registry).build(),
                            registry,
                            planWith(registry, build),
                            build))
                    .isInstanceOf(MirrorException.class)
                    .hasMessageContaining(build.image().toString())
                    .hasMessageContaining(registry + "/falco/not/planned:1.0");

            assertThat(build.runs).hasValue(0);
            assertThat(client.listTags(
                            repositoryAndTag(target(FALCO_IMAGE, registry)).replace(":0.44.0", "")))
                    .isEmpty();
        }
    }
}
