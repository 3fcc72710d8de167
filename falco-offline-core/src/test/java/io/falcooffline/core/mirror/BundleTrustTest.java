package io.falcooffline.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.layout.BundleArchive;
import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle's lock and files are input from outside: push refuses what would send or read anything elsewhere. */
class BundleTrustTest {

    /** Nothing listens here: a push that got as far as the network would fail differently. */
    private static final String BUNDLE_REGISTRY = "127.0.0.1:9";

    private static final String REPOSITORY = BUNDLE_REGISTRY + "/falco/k8saudit";

    @TempDir
    Path temp;

    private final List<String> log = new ArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(message);
    private final SyntheticArtifact plugin = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
    private final SyntheticArtifact other = SyntheticArtifacts.plugin("json", "0.7.0", "3.11.0");

    private Path bundle(LockEntry... entries) {
        Path bundle = temp.resolve("bundle");
        try (OciLayoutStore store = OciLayoutStore.openForWriting(bundle)) {
            plugin.pushTo(store, REPOSITORY, "0.16");
            other.pushTo(store, BUNDLE_REGISTRY + "/falco/json", "0.7.0");
            store.writeExtraFile(BundlePusher.LOCK_FILE, new MirrorLock(BUNDLE_REGISTRY, List.of(entries)).toJson());
        }
        return bundle;
    }

    private static LockEntry entry(String target, String digest) {
        return LockEntry.builder(
                        LockEntry.Origin.PLAN,
                        ReferenceKind.PLUGIN,
                        "ghcr.io/falcosecurity/plugins/plugin/k8saudit:0.16",
                        target)
                .sourceDigest(digest)
                .targetDigest(digest)
                .build();
    }

    private MirrorResult push(Path bundle) {
        return io.falcooffline.core.FalcoOffline.push(
                PushRequest.builder()
                        .bundle(bundle)
                        .insecureRegistries(List.of(BUNDLE_REGISTRY))
                        .build(),
                listener);
    }

    @Test
    void shouldRefuseALockEntryForAnotherHostBeforeContactingAnyRegistry() {
        Path bundle = bundle(entry("evil.example:5000/falco/k8saudit:0.16", plugin.digest()));

        assertThatThrownBy(() -> push(bundle))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("names registry evil.example:5000, but the bundle is for " + BUNDLE_REGISTRY)
                .hasMessageContaining("write it again with falco-offline:package");
        assertThat(log).noneMatch(line -> line.startsWith("Pushed"));
    }

    @Test
    void shouldRefuseAnAlreadyInternalEntryForAnotherHost() {
        LockEntry internal = LockEntry.builder(
                        LockEntry.Origin.ALREADY_INTERNAL,
                        ReferenceKind.IMAGE,
                        "evil.example/falco/falco:1",
                        "evil.example/falco/falco:1")
                .build();
        Path bundle = bundle(entry(REPOSITORY + ":0.16", plugin.digest()), internal);

        assertThatThrownBy(() -> push(bundle)).hasMessageContaining("names registry evil.example");
    }

    @Test
    void shouldRefuseTwoEntriesThatClaimOneTagWithDifferentDigests() {
        Path bundle = bundle(entry(REPOSITORY + ":0.16", plugin.digest()), entry(REPOSITORY + ":0.16", other.digest()));

        assertThatThrownBy(() -> push(bundle))
                .hasMessageContaining("the lock has two entries for tag " + REPOSITORY + ":0.16")
                .hasMessageContaining(plugin.digest())
                .hasMessageContaining(other.digest());
    }

    @Test
    void shouldRefuseAnEntryWhoseDigestIsNotWhatTheBundleTags() {
        Path bundle = bundle(entry(REPOSITORY + ":0.16", other.digest()));

        assertThatThrownBy(() -> push(bundle))
                .hasMessageContaining("the lock records " + REPOSITORY + ":0.16 as " + other.digest())
                .hasMessageContaining("tags it as " + plugin.digest());
    }

    @Test
    void shouldNotReadABlobFileThatIsALinkOutOfTheBundle() throws IOException {
        Path bundle = bundle(entry(REPOSITORY + ":0.16", plugin.digest()));
        SyntheticArtifact.Blob layer = plugin.blobs().get(plugin.blobs().size() - 1);
        Path blobFile =
                bundle.resolve(OciLayoutStore.blobPath(layer.descriptor().digest()));
        Path secret = Files.writeString(temp.resolve("passwd"), "root:x:0:0:secret\n");
        Files.delete(blobFile);
        Files.createSymbolicLink(blobFile, secret);

        try (OciLayoutStore reader = OciLayoutStore.openForReading(bundle)) {
            Descriptor descriptor = layer.descriptor();
            assertThatThrownBy(() -> {
                        try (InputStream in = reader.fetchBlob(REPOSITORY, descriptor)) {
                            in.readAllBytes();
                        }
                    })
                    .hasMessageContaining("is a symbolic link");
        }
    }

    @Test
    void shouldRefuseToWriteABundleWhoseBlobDirectoryIsALinkAndLeaveItsTargetAlone() throws IOException {
        Path bundle = bundle(entry(REPOSITORY + ":0.16", plugin.digest()));
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        Path precious = Files.writeString(elsewhere.resolve("precious"), "keep me\n");
        Path blobs = bundle.resolve("blobs/sha256");
        try (Stream<Path> files = Files.list(blobs)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(blobs);
        Files.createSymbolicLink(blobs, elsewhere);

        assertThatThrownBy(() -> OciLayoutStore.openForWriting(bundle))
                .hasMessageContaining(blobs + " is a symbolic link");
        assertThat(precious).hasContent("keep me");
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertThat(files).containsExactly(precious);
        }
    }

    @Test
    void shouldRefuseABundleArchiveWithAnOversizedTarHeaderBeforeReadingIt() throws IOException {
        Path archive = temp.resolve("bundle.tar");
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(archive))) {
            org.apache.commons.compress.archivers.tar.TarArchiveEntry entry =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry("oci-layout");
            entry.addPaxHeader("comment", "c".repeat(2 * 1024 * 1024));
            entry.setSize(2);
            tar.putArchiveEntry(entry);
            tar.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            tar.closeArchiveEntry();
        }

        assertThatThrownBy(() -> OciLayoutStore.openForReading(archive))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("more than the 1048576 a header may have")
                .hasMessageContaining("Write the bundle again");
    }

    @Test
    void shouldReadABundleArchiveThatPackageWrote() throws IOException {
        Path bundle = bundle(entry(REPOSITORY + ":0.16", plugin.digest()));
        Path archive = temp.resolve("bundle.tar");
        BundleArchive.pack(bundle, archive);

        try (OciLayoutStore reader = OciLayoutStore.openForReading(archive)) {
            assertThat(reader.resolve(REPOSITORY, "0.16"))
                    .contains(plugin.root().descriptor());
        }
    }

    @Test
    void shouldRefuseABundleArchiveThatHoldsAnEntryTwiceOrALink() throws IOException {
        Path bundle = bundle(entry(REPOSITORY + ":0.16", plugin.digest()));
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("index.json", "'index.json' twice");
        cases.put("./index.json", "'index.json' twice");
        cases.put("link", "not a regular file");
        for (Map.Entry<String, String> tampered : cases.entrySet()) {
            Path archive =
                    temp.resolve("tampered-" + cases.keySet().stream().toList().indexOf(tampered.getKey()) + ".tar");
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
                try (Stream<Path> files = Files.walk(bundle)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        String name = bundle.relativize(file).toString();
                        byte[] content = Files.readAllBytes(file);
                        if (name.equals("index.json") && tampered.getKey().equals("link")) {
                            TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                            link.setLinkName("/etc/passwd");
                            tar.putArchiveEntry(link);
                            tar.closeArchiveEntry();
                            continue;
                        }
                        putFile(tar, name, content);
                        if (name.equals("index.json") && !tampered.getKey().equals("link")) {
                            // A second index.json that `tar -x` would keep instead of the first.
                            putFile(tar, tampered.getKey(), "{\"schemaVersion\":2,\"manifests\":[]}".getBytes());
                        }
                    }
                }
            }

            assertThatThrownBy(() -> OciLayoutStore.openForReading(archive))
                    .as(tampered.getKey())
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining(archive.toString())
                    .hasMessageContaining(tampered.getValue())
                    .hasMessageContaining("Write the bundle again");
        }
    }

    private static void putFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
