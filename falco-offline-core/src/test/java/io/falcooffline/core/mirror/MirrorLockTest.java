package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.ReferenceKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorLockTest {

    private static final String DIGEST_A = "sha256:" + "a".repeat(64);
    private static final String DIGEST_B = "sha256:" + "b".repeat(64);

    @TempDir
    Path temp;

    @Test
    void shouldReadBackTheSameLockWhenWrittenAndSortEntriesByTarget() {
        LockEntry plugin = LockEntry.builder(
                        LockEntry.Origin.PLAN,
                        ReferenceKind.PLUGIN,
                        "ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16",
                        "192.168.5.96:30003/falco/k8saudit:0.16")
                .sourceDigest(DIGEST_A)
                .targetDigest(DIGEST_B)
                .mediaType("application/vnd.oci.image.index.v1+json")
                .platforms(List.of("linux/arm64"))
                .size(1234)
                .build();
        LockEntry internal = LockEntry.builder(
                        LockEntry.Origin.ALREADY_INTERNAL,
                        ReferenceKind.IMAGE,
                        "192.168.5.96:30003/falco/falco:0.44.0",
                        "192.168.5.96:30003/falco/falco:0.44.0")
                .note("already on the internal registry")
                .build();
        MirrorLock lock = new MirrorLock("192.168.5.96:30003", List.of(plugin, internal));
        Path file = temp.resolve("falco-offline.lock.json");

        lock.write(file);
        MirrorLock read = MirrorLock.read(file).orElseThrow();

        assertThat(read).isEqualTo(lock);
        assertThat(read.entries()).containsExactly(internal, plugin);
        assertThat(read.findSource("ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16"))
                .map(LockEntry::sourceDigest)
                .contains(DIGEST_A);
        assertThat(read.findSource("192.168.5.96:30003/falco/falco:0.44.0")).isEmpty();
        assertThat(lock.toJson()).isEqualTo(new MirrorLock(lock.registry(), List.of(plugin, internal)).toJson());
    }

    @Test
    void shouldFindASourceTheLockRecordsPinnedByItsTagToo() {
        LockEntry pinned = LockEntry.builder(
                        LockEntry.Origin.PLAN,
                        ReferenceKind.IMAGE,
                        "docker.io/falcosecurity/falco:0.44.0@" + DIGEST_A,
                        "192.168.5.96:30003/falco/falco:0.44.0@" + DIGEST_B)
                .sourceDigest(DIGEST_A)
                .targetDigest(DIGEST_B)
                .mediaType("application/vnd.oci.image.index.v1+json")
                .platforms(List.of("linux/arm64"))
                .size(1234)
                .build();
        LockEntry tagged = LockEntry.builder(
                        LockEntry.Origin.PLAN,
                        ReferenceKind.IMAGE,
                        "docker.io/falcosecurity/falcoctl:0.13.0",
                        "192.168.5.96:30003/falco/falcoctl:0.13.0")
                .sourceDigest(DIGEST_B)
                .targetDigest(DIGEST_B)
                .mediaType("application/vnd.oci.image.index.v1+json")
                .size(1234)
                .build();
        MirrorLock lock = new MirrorLock("192.168.5.96:30003", List.of(pinned, tagged));

        assertThat(lock.findSource("docker.io/falcosecurity/falco:0.44.0")).contains(pinned);
        assertThat(lock.findSource("docker.io/falcosecurity/falco:0.44.0@" + DIGEST_A))
                .contains(pinned);
        assertThat(lock.findSource("docker.io/falcosecurity/falcoctl:0.13.0")).contains(tagged);
        assertThat(lock.findSource("docker.io/falcosecurity/falco:0.43.0")).isEmpty();
    }

    @Test
    void shouldReturnEmptyWhenLockFileDoesNotExist() {
        assertThat(MirrorLock.read(temp.resolve("none.json"))).isEmpty();
    }

    @Test
    void shouldNameFileAndFixWhenLockIsDamaged() throws Exception {
        Path file = Files.writeString(
                temp.resolve("lock.json"), "{\"lockVersion\":1,\"entries\":[{\"origin\":", StandardCharsets.UTF_8);
        Path wrongVersion = Files.writeString(temp.resolve("v9.json"), "{\"lockVersion\":9}");

        assertThatThrownBy(() -> MirrorLock.read(file))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("delete it");
        assertThatThrownBy(() -> MirrorLock.read(wrongVersion))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("lockVersion 9");
    }

    @Test
    void shouldKeepParserInternalsOutOfTheMessageWhenLockIsNotJson() throws Exception {
        Path file = Files.writeString(temp.resolve("lock.json"), "{\"lockVersion\": 1, \"entries\": [}");

        assertThatThrownBy(() -> MirrorLock.read(file))
                .hasMessageContaining("is not a valid falco-offline lock")
                .hasMessageNotContaining("Source:")
                .hasMessageNotContaining("line: 1, column:");
    }
}
