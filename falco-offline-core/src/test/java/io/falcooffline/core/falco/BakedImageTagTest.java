package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOptions;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.TestCharts;
import io.falcooffline.core.testing.Skopeo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baked Falco image gets a tag derived from its content: the chart's values, the plan, the lock, the bundle and
 * the build context name the same image; the same inputs give the same tag, another artifact version another tag.
 */
@Tag("upstream")
class BakedImageTagTest {

    private static final String REGISTRY = "192.168.5.96:30003";

    @TempDir
    static Path work;

    private static FalcoUpstream upstream;

    @BeforeAll
    static void startUpstream() {
        upstream = FalcoUpstream.start(work.resolve("upstream"));
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    /** The k8s-audit profile baked into a bundle for arm64 and amd64, the artifacts pinned as given. */
    private static Baked bake(String name, String artifacts) {
        return bake(name, artifacts, false);
    }

    private static Baked bake(String name, String artifacts, boolean pinDigests) {
        Path output = work.resolve(name);
        PackageResult result = FalcoOffline.packageChart(
                PackageRequest.builder()
                        .chart(TestCharts.upstreamFalco())
                        .registry(REGISTRY)
                        .repositoryPrefix("falco")
                        .repositoryLayout(RepositoryLayout.FLATTEN)
                        .outputDirectory(output)
                        .profile("k8s-audit")
                        .falco(FalcoOptions.builder()
                                .delivery(Delivery.BAKED)
                                .artifacts(artifacts.isEmpty() ? List.of() : List.of(artifacts.split(",")))
                                .bakeBuildContext(output.resolve("context"))
                                .falcoctlIndex(upstream.indexFile().toString())
                                .build())
                        .pinDigests(pinDigests)
                        .mirror(MirrorOptions.builder()
                                .mode(MirrorMode.BUNDLE)
                                .registryMirrors(upstream.registryMirrors())
                                .insecureRegistries(List.of(upstream.host()))
                                .platforms(List.of(Platform.parse("linux/arm64"), Platform.parse("linux/amd64")))
                                .build()
                                .withDefaults(output))
                        .build(),
                ProgressListener.SILENT);
        return new Baked(output, result);
    }

    private record Baked(Path output, PackageResult result) {

        @SuppressWarnings("unchecked")
        String planned() {
            return (String) ((Map<String, Object>) result.plan().falco().get("bake")).get("image");
        }

        List<String> rendered() {
            return List.copyOf(
                    HelmRenderer.render(result.chartFile().orElseThrow()).imageReferences());
        }

        LockEntry locked() {
            return result.mirror().orElseThrow().entries().stream()
                    .filter(entry -> entry.origin() == LockEntry.Origin.BAKED)
                    .findFirst()
                    .orElseThrow();
        }

        String dockerfile() throws IOException {
            return Files.readString(output.resolve("context/Dockerfile"), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldNameOneContentTaggedImageInValuesPlanLockBundleAndBuildContext() throws IOException {
        Baked baked = bake("agree", "");
        String image = baked.planned();

        assertThat(image).matches(REGISTRY + "/falco/falco:0\\.44\\.0-offline-[0-9a-f]{16}");
        assertThat(baked.rendered()).containsExactly(image);
        assertThat(baked.result().plan().references())
                .filteredOn(reference -> reference.target().equals(image))
                .extracting(PlannedReference::source)
                .as("built, not copied: the plan holds it as internal")
                .containsExactly(image);
        assertThat(baked.result().plan().references())
                .extracting(PlannedReference::target)
                .as("the base is mirrored at its own tag")
                .contains(REGISTRY + "/falco/falco:0.44.0");
        assertThat(baked.locked().target()).isEqualTo(image);
        assertThat(baked.dockerfile()).contains(image);
        byte[] index = Skopeo.inspectLayoutRaw(baked.output().resolve("bundle"), image);
        assertThat(io.falcooffline.core.oci.Digests.sha256(index))
                .isEqualTo(baked.locked().targetDigest());
    }

    @Test
    void shouldGiveTheSameImageForTheSameContentAndAnotherForAnotherArtifactVersion() {
        Baked first = bake("same-1", "k8saudit:0.16.1,k8saudit-rules:0.16.1");
        Baked again = bake("same-2", "k8saudit:0.16.1,k8saudit-rules:0.16.1");
        Baked newer = bake("newer", "k8saudit:0.18.0,k8saudit-rules:0.18.0");

        assertThat(again.planned()).isEqualTo(first.planned());
        assertThat(again.rendered()).isEqualTo(first.rendered());
        assertThat(again.locked().targetDigest()).isEqualTo(first.locked().targetDigest());
        assertThat(newer.planned()).isNotEqualTo(first.planned());
        assertThat(newer.rendered()).containsExactly(newer.planned()).doesNotContainAnyElementsOf(first.rendered());
        assertThat(newer.locked().targetDigest()).isNotEqualTo(first.locked().targetDigest());
    }

    /** The baked image is built after the values are written: with pinDigests it keeps its content tag, and says so. */
    @Test
    void shouldKeepTheContentTagOfTheBakedImageAndSayWhyWhenPinningDigests() {
        Baked plain = bake("unpinned", "k8saudit:0.16.1,k8saudit-rules:0.16.1");
        Baked pinned = bake("pinned", "k8saudit:0.16.1,k8saudit-rules:0.16.1", true);

        assertThat(pinned.planned()).isEqualTo(plain.planned());
        assertThat(pinned.rendered()).containsExactly(pinned.planned());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> notPinned =
                (List<Map<String, Object>>) pinned.result().plan().pinning().get("notPinned");
        assertThat(notPinned)
                .as("the baked image alone: its base is mirrored, not pulled by the chart")
                .extracting(entry -> entry.get("reference"))
                .containsExactly(pinned.planned());
        assertThat(notPinned.get(0).get("why").toString()).contains("its tag is derived from its content");
        assertThat(plain.result().plan().pinning()).isEmpty();
    }
}
