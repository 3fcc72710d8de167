package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.RegistryCredentials;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

class SettingsCredentialsTest {

    private static final String MASTER_PASSWORD = "master-of-settings";

    @TempDir
    Path temp;

    private DefaultPlexusCipher cipher;
    private DefaultSettingsDecrypter decrypter;
    private final List<String> warnings = new ArrayList<>();
    private final Log log = (Log) Proxy.newProxyInstance(
            Log.class.getClassLoader(), new Class<?>[] {Log.class}, (proxy, method, args) -> {
                if (method.getName().equals("warn") && args != null && args[0] instanceof CharSequence text) {
                    warnings.add(text.toString());
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });

    @BeforeEach
    void realDecrypterWithMasterPassword() throws Exception {
        cipher = new DefaultPlexusCipher();
        Path security = temp.resolve("settings-security.xml");
        Files.writeString(
                security,
                "<settingsSecurity><master>"
                        + cipher.encryptAndDecorate(MASTER_PASSWORD, DefaultSecDispatcher.SYSTEM_PROPERTY_SEC_LOCATION)
                        + "</master></settingsSecurity>");
        decrypter = new DefaultSettingsDecrypter(new DefaultSecDispatcher(cipher, Map.of(), security.toString()));
    }

    private static Server server(String id, String username, String password) {
        Server server = new Server();
        server.setId(id);
        server.setUsername(username);
        server.setPassword(password);
        return server;
    }

    @Test
    void shouldMapServersNamedLikeRegistryHostsAndDecryptTheirPasswords() throws Exception {
        Settings settings = new Settings();
        settings.addServer(
                server("192.168.5.96:30003", "robot$falco", cipher.encryptAndDecorate("pa:ss", MASTER_PASSWORD)));
        settings.addServer(server("ghcr.io", "me", "plain:text"));
        settings.addServer(server("central", "deployer", "not-a-registry"));
        settings.addServer(server("localhost:5000", "local", null));

        Map<String, RegistryCredentials> byHost = new SettingsCredentials(settings, decrypter).byRegistryHost(log);

        assertThat(byHost)
                .containsOnlyKeys("192.168.5.96:30003", "ghcr.io")
                .containsEntry("192.168.5.96:30003", RegistryCredentials.basic("robot$falco", "pa:ss"))
                .containsEntry("ghcr.io", RegistryCredentials.basic("me", "plain:text"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void shouldKeepTheDollarOfAHarborRobotAccountThroughMavensSettingsBuilder() throws Exception {
        Path settingsXml = Files.writeString(
                temp.resolve("settings.xml"),
                "<settings><servers><server><id>192.168.5.96:30003</id>"
                        + "<username>robot$falco-offline</username><password>"
                        + cipher.encryptAndDecorate("s3cr$t", MASTER_PASSWORD)
                        + "</password></server></servers></settings>");
        org.apache.maven.settings.building.DefaultSettingsBuildingRequest request =
                new org.apache.maven.settings.building.DefaultSettingsBuildingRequest();
        request.setUserSettingsFile(settingsXml.toFile());
        Settings settings = new org.apache.maven.settings.building.DefaultSettingsBuilderFactory()
                .newInstance()
                .build(request)
                .getEffectiveSettings();

        assertThat(new SettingsCredentials(settings, decrypter).byRegistryHost(log))
                .containsEntry("192.168.5.96:30003", RegistryCredentials.basic("robot$falco-offline", "s3cr$t"));
    }

    @Test
    void shouldWarnAndSkipHostServerWhosePasswordCannotBeDecrypted() throws Exception {
        Settings settings = new Settings();
        settings.addServer(server("harbor.corp", "me", cipher.encryptAndDecorate("secret", "another-master")));

        Map<String, RegistryCredentials> byHost = new SettingsCredentials(settings, decrypter).byRegistryHost(log);

        assertThat(byHost).isEmpty();
        assertThat(warnings).singleElement().asString().contains("harbor.corp").doesNotContain("secret");
    }

    @Test
    void shouldReadTheNamedServerOrNameTheFixWhenItIsMissingOrUnusable() throws Exception {
        Settings settings = new Settings();
        settings.addServer(server("harbor", "robot", cipher.encryptAndDecorate("s3cr3t", MASTER_PASSWORD)));
        settings.addServer(server("broken", "robot", cipher.encryptAndDecorate("s3cr3t", "another-master")));
        settings.addServer(server("no-password", "robot", null));
        SettingsCredentials credentials = new SettingsCredentials(settings, decrypter);

        assertThat(credentials.forServerId("harbor")).isEqualTo(RegistryCredentials.basic("robot", "s3cr3t"));
        assertThatThrownBy(() -> credentials.forServerId("missing"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no <server> with the id 'missing'")
                .extracting(e -> ((InvalidRequestException) e).parameter())
                .isEqualTo("serverId");
        assertThatThrownBy(() -> credentials.forServerId("broken"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("settings-security.xml");
        assertThatThrownBy(() -> credentials.forServerId("no-password"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("<password>");
    }
}
