package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.FALCO_RULES;
import static io.falcooffline.core.mirror.UpstreamFixture.plan;
import static io.falcooffline.core.mirror.UpstreamFixture.repositoryAndTag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.Skopeo;
import io.falcooffline.core.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before copying, a push (of a bundle, or straight from a package run) checks that the registry speaks what the chart
 * tells falcoctl and the nodes, and that it is the registry the chart names: against real registries, plain HTTP and
 * TLS with a private CA.
 */
class TargetChecksTest {

    private static UpstreamFixture upstream;
    private static LocalRegistry plain;
    private static LocalRegistry tls;

    @TempDir
    Path temp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    @BeforeAll
    static void start() {
        upstream = new UpstreamFixture();
        plain = LocalRegistry.startPlain();
        tls = LocalRegistry.builder().tls().start();
    }

    @AfterAll
    static void stop() {
        tls.close();
        plain.close();
        upstream.close();
    }

    @Test
    void shouldRefuseToPushABundlePackagedForPlainHttpIntoAnHttpsRegistry() {
        Path bundle = bundle(tls.host(), upstream.options(MirrorMode.BUNDLE, tls.host()));

        assertThatThrownBy(() -> MirrorCalls.push(
                        PushRequest.builder()
                                .bundle(bundle)
                                .caFile(tls.caFile().orElseThrow())
                                .build(),
                        listener))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(tls.host() + " speaks HTTPS")
                .hasMessageContaining("--plain-http")
                .hasMessageContaining("left out of `insecureRegistries`")
                .hasMessageContaining("package the bundle again")
                .hasMessageContaining("Nothing was copied");
        assertNothingCopiedTo(tls);
    }

    @Test
    void shouldRefuseToPushABundlePackagedForHttpsIntoAPlainHttpRegistry() {
        Path bundle = bundle(plain.host(), upstream.options(MirrorMode.BUNDLE));

        assertThatThrownBy(() -> MirrorCalls.push(
                        PushRequest.builder()
                                .bundle(bundle)
                                .insecureRegistries(List.of(plain.host()))
                                .build(),
                        listener))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(plain.host() + " answers plain HTTP")
                .hasMessageContaining("added to `insecureRegistries`");
        assertNothingCopiedTo(plain);
    }

    @Test
    void shouldRefuseToPushABundleWhoseCaDoesNotSignTheRegistryCertificate() throws IOException {
        Path otherCa = Files.createDirectories(temp.resolve("other-ca"));
        TestCertificates other = TestCertificates.generate(otherCa);
        Path bundle = bundle(tls.host(), upstream.options(MirrorMode.BUNDLE).caFile(other.caCertificate()));

        assertThatThrownBy(() -> MirrorCalls.push(
                        PushRequest.builder()
                                .bundle(bundle)
                                .caFile(tls.caFile().orElseThrow())
                                .build(),
                        listener))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining("TLS handshake with " + tls.host())
                .hasMessageContaining("`caFile` set to the PEM file of the CA");
        assertNothingCopiedTo(tls);
    }

    @Test
    void shouldPushABundlePackagedForHttpsWithItsCaAndRecordTheCaInTheBundle() throws IOException {
        try (LocalRegistry target = LocalRegistry.builder().tls().start()) {
            Path ca = target.caFile().orElseThrow();
            Path bundle =
                    bundle(target.host(), upstream.options(MirrorMode.BUNDLE).caFile(ca));
            assertThat(Files.readString(bundle.resolve(ChartRegistry.FILE_NAME)))
                    .contains("\"scheme\" : \"https\"")
                    .contains("BEGIN CERTIFICATE");

            MirrorResult pushed = MirrorCalls.push(
                    PushRequest.builder()
                            .bundle(bundle)
                            .registry(target.host())
                            .caFile(ca)
                            .build(),
                    listener);

            LockEntry rules = pushed.entries().stream()
                    .filter(entry -> entry.source().equals(FALCO_RULES))
                    .findFirst()
                    .orElseThrow();
            assertThat(Digests.sha256(Skopeo.forRegistry(target, temp).inspectRaw(repositoryAndTag(rules.target()))))
                    .isEqualTo(rules.targetDigest());
            assertThat(log)
                    .contains("INFO " + target.host() + " answers over HTTPS as the chart tells falcoctl and the"
                            + " nodes.");
        }
    }

    @Test
    void shouldRefuseToPushABundleToAnotherRegistryThanItsChartNames() {
        try (LocalRegistry other = LocalRegistry.startPlain()) {
            Path bundle = bundle(plain.host(), upstream.options(MirrorMode.BUNDLE, plain.host()));

            assertThatThrownBy(() -> MirrorCalls.push(
                            PushRequest.builder()
                                    .bundle(bundle)
                                    .registry(other.host())
                                    .insecureRegistries(List.of(plain.host(), other.host()))
                                    .build(),
                            listener))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.parameter()).isEqualTo("registry"))
                    .hasMessageContaining("pulls every image and artifact from " + plain.host())
                    .hasMessageContaining("not from " + other.host())
                    .hasMessageContaining("Leave `registry` out");
            assertNothingCopiedTo(other);
        }
    }

    @Test
    void shouldRefuseAPushThatReachesTheRegistryOtherwiseThanTheChart() {
        Path bundle = bundle(
                tls.host(),
                upstream.options(MirrorMode.BUNDLE).caFile(tls.caFile().orElseThrow()));

        assertThatThrownBy(() -> MirrorCalls.push(
                        PushRequest.builder()
                                .bundle(bundle)
                                .insecureRegistries(List.of(tls.host()))
                                .build(),
                        listener))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("insecureRegistries"))
                .hasMessageContaining("leave " + tls.host() + " out of `insecureRegistries`");
        assertNothingCopiedTo(tls);
    }

    @Test
    void shouldRefuseToMirrorStraightToAnHttpsRegistryListedAsPlainHttp() {
        assertThatThrownBy(() -> MirrorCalls.run(
                        upstream.options(MirrorMode.PUSH, tls.host()).build(),
                        tls.host(),
                        plan(tls.host()),
                        Optional.empty(),
                        Optional.empty(),
                        listener))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("insecureRegistries"))
                .hasMessageContaining(tls.host() + " speaks HTTPS")
                .hasMessageNotContaining("package the bundle again");
        assertNothingCopiedTo(tls);
    }

    @Test
    void shouldRefuseToMirrorStraightOverHttpsToAPlainHttpRegistry() {
        assertThatThrownBy(() -> MirrorCalls.run(
                        upstream.options(MirrorMode.PUSH).build(),
                        plain.host(),
                        plan(plain.host()),
                        Optional.empty(),
                        Optional.empty(),
                        listener))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("insecureRegistries"))
                .hasMessageContaining(plain.host() + " answers plain HTTP");
        assertNothingCopiedTo(plain);
    }

    @Test
    void shouldWarnAndPushABundleThatRecordsNoProtocol() throws IOException {
        try (LocalRegistry target = LocalRegistry.startPlain()) {
            Path bundle = bundle(target.host(), upstream.options(MirrorMode.BUNDLE, target.host()));
            Files.delete(bundle.resolve(ChartRegistry.FILE_NAME));

            MirrorResult pushed = MirrorCalls.push(
                    PushRequest.builder()
                            .bundle(bundle)
                            .insecureRegistries(List.of(target.host()))
                            .build(),
                    listener);

            assertThat(pushed.blobsTransferred()).isPositive();
            assertThat(log)
                    .anyMatch(line -> line.startsWith("WARN ")
                            && line.contains("does not record how its chart reaches " + target.host()));
        }
    }

    @Test
    void shouldRefuseABundleWhoseRecordedRegistryFileIsDamaged() throws IOException {
        Path bundle = bundle(plain.host(), upstream.options(MirrorMode.BUNDLE, plain.host()));
        Files.writeString(bundle.resolve(ChartRegistry.FILE_NAME), "{\"registry\":\"" + plain.host() + "\"}");

        assertThatThrownBy(() -> MirrorCalls.push(
                        PushRequest.builder()
                                .bundle(bundle)
                                .insecureRegistries(List.of(plain.host()))
                                .build(),
                        listener))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(ChartRegistry.FILE_NAME + " lacks `registry` or has a `scheme` other than");
        assertNothingCopiedTo(plain);
    }

    @Test
    void shouldNameTheRegistryWhenNothingAnswersThere() {
        String nobody = "127.0.0.1:9";

        assertThatThrownBy(() -> MirrorCalls.run(
                        upstream.options(MirrorMode.PUSH, nobody).build(),
                        nobody,
                        plan(nobody),
                        Optional.empty(),
                        Optional.empty(),
                        listener))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("registry"))
                .hasMessageContaining("Cannot reach the registry " + nobody)
                .hasMessageContaining("Nothing was copied");
    }

    private Path bundle(String registry, MirrorOptions.Builder options) {
        Path bundle = temp.resolve("bundle-" + System.nanoTime());
        MirrorCalls.run(
                options.bundle(bundle).build(),
                registry,
                plan(registry),
                Optional.empty(),
                Optional.empty(),
                ProgressListener.SILENT);
        return bundle;
    }

    private static void assertNothingCopiedTo(LocalRegistry registry) {
        assertThat(registry.storageDirectory().resolve("docker/registry/v2/repositories"))
                .doesNotExist();
    }
}
