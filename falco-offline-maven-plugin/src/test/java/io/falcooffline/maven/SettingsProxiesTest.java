package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProxySettings;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

class SettingsProxiesTest {

    private static final String MASTER_PASSWORD = "master-of-settings";
    private static final String PROXY_PASSWORD = "pr0xy:pass";

    @TempDir
    Path temp;

    private DefaultPlexusCipher cipher;
    private DefaultSettingsDecrypter decrypter;

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

    private static Proxy proxy(String id, boolean active, String protocol, String host, String password) {
        Proxy proxy = new Proxy();
        proxy.setId(id);
        proxy.setActive(active);
        proxy.setProtocol(protocol);
        proxy.setHost(host);
        proxy.setPort(3128);
        proxy.setUsername(password == null ? null : "builder");
        proxy.setPassword(password);
        proxy.setNonProxyHosts("*.corp|192.168.*");
        return proxy;
    }

    @Test
    void shouldUseTheFirstActiveProxyForEveryProtocolWithItsDecryptedLoginAndNonProxyHosts() throws Exception {
        Settings settings = new Settings();
        settings.addProxy(proxy("off", false, "http", "inactive.corp", null));
        settings.addProxy(
                proxy("corp", true, "http", "proxy.corp", cipher.encryptAndDecorate(PROXY_PASSWORD, MASTER_PASSWORD)));
        settings.addProxy(proxy("second", true, "http", "second.corp", null));

        ProxySettings proxies = SettingsProxies.of(settings, decrypter).orElseThrow();

        URI ghcr = URI.create("https://ghcr.io/v2/");
        assertThat(proxies.describeRoute(ghcr))
                .isEqualTo("through proxy proxy.corp:3128 (from settings.xml proxy corp)");
        assertThat(proxies.describeRoute(URI.create("http://charts.example.com/index.yaml")))
                .contains("proxy.corp:3128");
        assertThat(proxies.proxyFor(URI.create("https://nexus.corp:8443/v2/"))).isEqualTo(java.net.Proxy.NO_PROXY);
        assertThat(proxies.proxyFor(URI.create("http://192.168.5.96:30003/v2/")))
                .isEqualTo(java.net.Proxy.NO_PROXY);
        PasswordAuthentication login = Authenticator.requestPasswordAuthentication(
                proxies.proxyAuthenticator(),
                "proxy.corp",
                null,
                3128,
                "http",
                "corp",
                "basic",
                null,
                Authenticator.RequestorType.PROXY);
        assertThat(login.getUserName()).isEqualTo("builder");
        assertThat(new String(login.getPassword())).isEqualTo(PROXY_PASSWORD);
        assertThat(proxies.toString()).doesNotContain(PROXY_PASSWORD).doesNotContain("{");
    }

    @Test
    void shouldLeaveTheLibraryDefaultWhenNoProxyIsActive() {
        Settings settings = new Settings();
        settings.addProxy(proxy("off", false, "https", "inactive.corp", null));

        assertThat(SettingsProxies.of(settings, decrypter)).isEmpty();
        assertThat(SettingsProxies.of(null, decrypter)).isEmpty();
    }

    @Test
    void shouldNameTheProxiesWhenAPasswordCannotBeDecrypted() {
        Settings settings = new Settings();
        settings.addProxy(proxy("corp", true, "https", "proxy.corp", "{bm90IGVuY3J5cHRlZCB3aXRoIHRoZSBtYXN0ZXI=}"));

        assertThatThrownBy(() -> SettingsProxies.of(settings, decrypter))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("proxies"))
                .hasMessageContaining("<proxy>")
                .hasMessageContaining("settings-security.xml");
    }
}
