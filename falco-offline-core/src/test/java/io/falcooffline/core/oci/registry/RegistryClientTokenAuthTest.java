package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import io.falcooffline.core.testing.TestCertificates;
import io.falcooffline.core.testing.TokenServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Bearer token flow against a real registry configured for token auth. */
class RegistryClientTokenAuthTest {

    private static final String ALICE_PASSWORD = "alice:pass:word";
    private static final String BOB_PASSWORD = "bob-password";
    private static final String ALICE_REFRESH_TOKEN = "alice-identity-token-0123456789";

    @TempDir
    static Path certificatesDirectory;

    private static TokenServer tokens;
    private static LocalRegistry registry;

    @BeforeAll
    static void start() {
        TestCertificates certificates = TestCertificates.generate(certificatesDirectory);
        tokens = TokenServer.start(certificates)
                .user("alice", ALICE_PASSWORD, "pull", "push")
                .user("bob", BOB_PASSWORD, "pull")
                .identityToken("alice", ALICE_REFRESH_TOKEN)
                .anonymousPull(true);
        registry = LocalRegistry.builder().tls(certificates).tokenAuth(tokens).start();
    }

    @AfterAll
    static void stop() {
        registry.close();
        tokens.close();
    }

    private static RegistryClient client(RegistryCredentials credentials, CapturingListener log) {
        RegistryClientOptions.Builder options = registry.clientOptions();
        if (credentials != null) {
            options.credentials(credentials);
        }
        return new RegistryClient(options.build(), log);
    }

    @Test
    void shouldPushAndPullWithBearerTokensAndReuseThemPerScope() {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("k8saudit", "0.16.1", "3.11.0");
        CapturingListener log = new CapturingListener();
        int before = tokens.requestCount();
        try (RegistryClient alice = client(RegistryCredentials.basic("alice", ALICE_PASSWORD), log)) {
            plugin.pushTo(alice, "bearer/k8saudit", "0.16.1");
            for (int i = 0; i < 3; i++) {
                assertThat(alice.fetchManifest("bearer/k8saudit", "0.16.1")).isEqualTo(plugin.root());
            }
        }
        // One token for pull (the first HEAD), one for pull+push; every later request reuses them.
        assertThat(tokens.requestCount() - before).isEqualTo(2);
        assertThat(tokens.requests()).contains("alice repository:bearer/k8saudit:pull,push");
        assertNoSecretIn(log.all());
    }

    @Test
    void shouldKeepTokensOfTwoUsersApartWithinOneJvm() {
        SyntheticArtifact rules = SyntheticArtifacts.k8sauditRules("0.16.1", "- rule: r\n".getBytes());
        CapturingListener log = new CapturingListener();
        try (RegistryClient alice = client(RegistryCredentials.basic("alice", ALICE_PASSWORD), log);
                RegistryClient bob = client(RegistryCredentials.basic("bob", BOB_PASSWORD), log)) {
            rules.pushTo(alice, "shared/rules", "0.16.1");
            assertThat(bob.fetchManifest("shared/rules", "0.16.1")).isEqualTo(rules.root());

            SyntheticArtifact other = SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", "[]".getBytes());
            assertThatThrownBy(() -> other.pushTo(bob, "shared/rules", "5.1.0"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("refused the credentials of user 'bob'")
                    .hasMessageContaining("may push to the repository");
        }
        assertNoSecretIn(log.all());
    }

    @Test
    void shouldExchangeAnIdentityTokenForAccessTokens() {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("json", "0.7.0", "3.0.0");
        CapturingListener log = new CapturingListener();
        try (RegistryClient client = client(RegistryCredentials.identityToken("alice", ALICE_REFRESH_TOKEN), log)) {
            plugin.pushTo(client, "identity/json", "0.7.0");

            assertThat(client.resolve("identity/json", "0.7.0"))
                    .contains(plugin.root().descriptor());
        }
        assertThat(log.all()).doesNotContain(ALICE_REFRESH_TOKEN);
        assertNoSecretIn(log.all());
    }

    @Test
    void shouldPullAnonymouslyAndAskForCredentialsToPush() {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("container", "0.7.1", "3.11.0");
        try (RegistryClient alice =
                        client(RegistryCredentials.basic("alice", ALICE_PASSWORD), new CapturingListener());
                RegistryClient anonymous = client(null, new CapturingListener())) {
            plugin.pushTo(alice, "anonymous/container", "0.7.1");

            assertThat(anonymous.fetchManifest("anonymous/container", "0.7.1")).isEqualTo(plugin.root());
            assertThatThrownBy(() -> plugin.pushTo(anonymous, "anonymous/container", "0.7.2"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("requires authentication")
                    .hasMessageContaining("Configure credentials");
        }
    }

    @Test
    void shouldNameTheTokenServiceWhenItRefusesThePassword() {
        try (RegistryClient client =
                client(RegistryCredentials.basic("alice", "not-her-password"), new CapturingListener())) {
            assertThatThrownBy(() -> client.listTags("bearer/k8saudit"))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(401))
                    .hasMessageContaining("token service " + tokens.realm())
                    .hasMessageContaining("refused the credentials of user 'alice'")
                    .hasMessageNotContaining("not-her-password");
        }
    }

    private static void assertNoSecretIn(String log) {
        assertThat(log)
                .doesNotContain(ALICE_PASSWORD)
                .doesNotContain(BOB_PASSWORD)
                .doesNotContain("Bearer ");
        for (String token : tokens.issuedTokens()) {
            assertThat(log).doesNotContain(token);
            // Not even the signature part of a JWT.
            assertThat(log).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        }
    }
}
