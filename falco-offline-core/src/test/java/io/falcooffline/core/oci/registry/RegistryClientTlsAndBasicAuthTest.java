package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.Skopeo;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS trust and Basic (htpasswd) authentication against real registries. */
class RegistryClientTlsAndBasicAuthTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "s3cr:et:with:colons";
    private static final SyntheticArtifact RULES = SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", "[]".getBytes());

    private static LocalRegistry tlsRegistry;
    private static LocalRegistry plainRegistry;

    @TempDir
    Path temp;

    @BeforeAll
    static void startRegistries() {
        tlsRegistry = LocalRegistry.builder().tls().htpasswd(USER, PASSWORD).start();
        plainRegistry = LocalRegistry.builder().htpasswd(USER, PASSWORD).start();
    }

    @AfterAll
    static void stopRegistries() {
        tlsRegistry.close();
        plainRegistry.close();
    }

    private static RegistryClientOptions.Builder withCredentials(LocalRegistry registry) {
        return registry.clientOptions().credentials(RegistryCredentials.basic(USER, PASSWORD));
    }

    @Test
    void shouldPushAndPullOverTlsWhenCaFileTrustsTheCertificateAndPasswordContainsColons() {
        CapturingListener log = new CapturingListener();
        try (RegistryClient client =
                new RegistryClient(withCredentials(tlsRegistry).build(), log)) {
            RULES.pushTo(client, "rules/falco-rules", "5.1.0");

            assertThat(client.fetchManifest("rules/falco-rules", "5.1.0")).isEqualTo(RULES.root());
        }
        byte[] raw = Skopeo.forRegistry(tlsRegistry, temp)
                .withCredentials(USER, PASSWORD)
                .inspectRaw("rules/falco-rules:5.1.0");
        assertThat(raw).isEqualTo(RULES.root().bytes());
        assertThat(log.messages()).anyMatch(m -> m.startsWith("DEBUG ") && m.contains("-> 401"));
        assertNoSecretIn(log.all());
    }

    @Test
    void shouldFailNamingCaFileWhenTheCertificateIsNotTrusted() {
        long start = System.nanoTime();
        try (RegistryClient client = new RegistryClient(
                RegistryClientOptions.builder(tlsRegistry.host()).build())) {
            assertThatThrownBy(() -> client.resolve("rules/falco-rules", "5.1.0"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("TLS handshake with registry " + tlsRegistry.host() + " (https) failed")
                    .hasMessageContaining("set caFile");
        }
        // A certificate problem is not transient: no retries.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void shouldFailNamingPlainHttpWhenHttpsMeetsAPlainRegistry() {
        try (RegistryClient client = new RegistryClient(
                RegistryClientOptions.builder(plainRegistry.host()).build())) {
            assertThatThrownBy(() -> client.resolve("rules/falco-rules", "5.1.0"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("TLS handshake")
                    .hasMessageContaining("list it in insecureRegistries")
                    .hasMessageNotContaining("plainHttp");
        }
    }

    @Test
    void shouldConnectWithoutCaFileWhenSkipTlsVerifyIsSet() {
        try (RegistryClient client = new RegistryClient(RegistryClientOptions.builder(tlsRegistry.host())
                .skipTlsVerify(true)
                .credentials(RegistryCredentials.basic(USER, PASSWORD))
                .build())) {
            assertThat(client.resolve("never/pushed", "1.0")).isEmpty();
        }
    }

    @Test
    void shouldRefuseCaFileTogetherWithSkipTlsVerify() {
        assertThatThrownBy(() -> tlsRegistry.clientOptions().skipTlsVerify(true).build())
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("caFile"))
                .hasMessageContaining("caFile and skipTlsVerify contradict each other");
    }

    @Test
    void shouldNameTheFileWhenCaFileIsNotPem() throws Exception {
        Path notPem = Files.writeString(temp.resolve("ca.pem"), "not a certificate");
        RegistryClientOptions options =
                RegistryClientOptions.builder(tlsRegistry.host()).caFile(notPem).build();

        assertThatThrownBy(() -> new RegistryClient(options))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("caFile"))
                .hasMessageContaining(notPem.toString());
    }

    @Test
    void shouldFailClearlyWhenThePasswordIsWrong() {
        CapturingListener log = new CapturingListener();
        try (RegistryClient client = new RegistryClient(
                tlsRegistry
                        .clientOptions()
                        .credentials(RegistryCredentials.basic(USER, "wrong-password"))
                        .build(),
                log)) {
            assertThatThrownBy(() -> client.resolve("rules/falco-rules", "5.1.0"))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(401))
                    .hasMessageContaining("refused the credentials of user 'alice'")
                    .hasMessageContaining("HEAD manifest rules/falco-rules:5.1.0")
                    .hasMessageContaining(tlsRegistry.host())
                    .hasMessageNotContaining("wrong-password");
        }
        assertThat(log.all()).doesNotContain("wrong-password");
    }

    @Test
    void shouldAskForCredentialsWhenNoneAreConfigured() {
        try (RegistryClient client =
                new RegistryClient(tlsRegistry.clientOptions().build())) {
            assertThatThrownBy(() -> client.listTags("rules/falco-rules"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("requires authentication for GET tag list of rules/falco-rules")
                    .hasMessageContaining("Configure credentials");
        }
    }

    @Test
    void shouldNeverAskTheProcessWideAuthenticatorForRegistryCredentials() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.net.Authenticator embedding = new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                asked.incrementAndGet();
                return new java.net.PasswordAuthentication(USER, PASSWORD.toCharArray());
            }
        };
        java.net.Authenticator previous = java.net.Authenticator.getDefault();
        java.net.Authenticator.setDefault(embedding);
        try (RegistryClient client =
                new RegistryClient(tlsRegistry.clientOptions().build())) {
            assertThatThrownBy(() -> client.listTags("rules/falco-rules"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("Configure credentials");
        } finally {
            java.net.Authenticator.setDefault(previous);
        }
        assertThat(asked).as("credentials come from the client's options alone").hasValue(0);
    }

    @Test
    void shouldNeverAnswerTheRegistrysChallengeWithTheProxyLogin() {
        String proxyPassword = "proxy-only-" + PASSWORD;
        try (io.falcooffline.core.testing.ForwardProxy proxy = io.falcooffline.core.testing.ForwardProxy.start()
                        .resolve("registry.upstream.test", "127.0.0.1")
                        .requireLogin(USER, proxyPassword);
                RegistryClient client = new RegistryClient(
                        RegistryClientOptions.builder("registry.upstream.test:" + plainRegistry.port())
                                .plainHttp(true)
                                .proxy(io.falcooffline.core.ProxySettings.builder()
                                        .proxy("http", "127.0.0.1", proxy.port(), USER, proxyPassword, null, "corp")
                                        .build())
                                .build())) {
            assertThatThrownBy(() -> client.listTags("rules/falco-rules"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("Configure credentials")
                    .hasMessageNotContaining(proxyPassword);

            assertThat(proxy.proxyAuthorizations())
                    .as("the proxy got its login")
                    .isNotEmpty();
            assertThat(proxy.serverAuthorizations())
                    .as("the registry got no login at all")
                    .isEmpty();
        }
    }

    @Test
    void shouldRefuseToSendCredentialsOverPlainHttpUnlessAllowed() {
        try (RegistryClient client =
                new RegistryClient(withCredentials(plainRegistry).build())) {
            assertThatThrownBy(() -> client.resolve("rules/falco-rules", "5.1.0"))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.parameter()).isEqualTo("allowCredentialsOverHttp"))
                    .hasMessageContaining(plainRegistry.host() + " (http)")
                    .hasMessageContaining("plain HTTP")
                    .hasMessageContaining("allowCredentialsOverHttp");
        }
    }

    @Test
    void shouldSendCredentialsOverPlainHttpWhenAllowed() {
        CapturingListener log = new CapturingListener();
        try (RegistryClient client = new RegistryClient(
                withCredentials(plainRegistry).allowCredentialsOverHttp(true).build(), log)) {
            RULES.pushTo(client, "rules/falco-rules", "5.1.0");

            assertThat(client.resolve("rules/falco-rules", "5.1.0"))
                    .contains(RULES.root().descriptor());
        }
        assertNoSecretIn(log.all());
    }

    @Test
    void shouldMaskThePasswordWhenCredentialsArePrinted() {
        RegistryCredentials credentials = RegistryCredentials.basic(USER, PASSWORD);

        assertThat(credentials.toString()).contains(USER).doesNotContain(PASSWORD);
        assertThat(withCredentials(tlsRegistry).build().toString()).doesNotContain(PASSWORD);
        assertThat(RegistryCredentials.identityToken("<token>", "tok-123").toString())
                .doesNotContain("tok-123");
    }

    private static void assertNoSecretIn(String log) {
        assertThat(log)
                .doesNotContain(PASSWORD)
                .doesNotContain(
                        Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .doesNotContain("Authorization");
    }
}
