package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxySettingsTest {

    private static final String PASSWORD = "s3cret:with@odd/chars";

    private static ProxySettings environment(String noProxy) {
        return ProxySettings.fromEnvironment(Map.of(
                "HTTPS_PROXY", "http://proxy.corp:3128", "HTTP_PROXY", "http://proxy.corp:3128", "NO_PROXY", noProxy));
    }

    private static boolean proxied(ProxySettings settings, String url) {
        return settings.proxyFor(URI.create(url)) != Proxy.NO_PROXY;
    }

    @ParameterizedTest(name = "NO_PROXY={0}, {1} proxied: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "example.com|https://example.com/v2/|false",
                "example.com|https://registry.example.com/v2/|false",
                "example.com|https://notexample.com/v2/|true",
                ".example.com|https://example.com/v2/|false",
                ".example.com|https://a.b.example.com/v2/|false",
                "*.example.com|https://a.example.com/v2/|false",
                "*|https://ghcr.io/v2/|false",
                "nexus.corp:8443|https://nexus.corp:8443/v2/|false",
                "nexus.corp:8443|https://nexus.corp/v2/|true",
                "10.0.0.0/8|https://10.20.30.40:5000/v2/|false",
                "10.0.0.0/8|https://11.0.0.1:5000/v2/|true",
                "192.168.5.96|http://192.168.5.96:30003/v2/|false",
                "192.168.5.96|http://192.168.5.97:30003/v2/|true",
                "'ghcr.io, docker.io'|https://registry-1.docker.io/v2/|false",
                "EXAMPLE.com|https://Registry.Example.COM./v2/|false",
                "''|http://localhost:5000/v2/|false",
                "''|http://127.0.0.1:5000/v2/|false",
                "''|http://[::1]:5000/v2/|false",
                "''|https://ghcr.io/v2/|true"
            })
    void shouldBypassTheProxyAsCurlAndGoReadNoProxy(String noProxy, String url, boolean proxied) {
        assertThat(proxied(environment(noProxy), url)).isEqualTo(proxied);
    }

    @Test
    void shouldReadTheLowerCaseFormFirstAndTheLoginFromTheUrl() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of(
                "https_proxy", "http://builder:s3cret%3Awith%40odd%2Fchars@proxy.corp:3128",
                "HTTPS_PROXY", "http://other:1"));

        Proxy proxy = settings.proxyFor(URI.create("https://ghcr.io/v2/"));

        assertThat(((InetSocketAddress) proxy.address()).getHostString()).isEqualTo("proxy.corp");
        assertThat(((InetSocketAddress) proxy.address()).getPort()).isEqualTo(3128);
        assertThat(settings.hasLogin(URI.create("https://ghcr.io/v2/"))).isTrue();
        assertThat(settings.describeRoute(URI.create("https://ghcr.io/v2/")))
                .isEqualTo("through proxy proxy.corp:3128 (from https_proxy)");
        assertThat(settings.toString()).doesNotContain("s3cret").contains("builder");
        assertThat(answer(settings, Authenticator.RequestorType.PROXY, "proxy.corp", 3128))
                .isNotNull()
                .satisfies(login -> assertThat(new String(login.getPassword())).isEqualTo(PASSWORD));
    }

    @Test
    void shouldSendHttpsDirectlyWhenTheEnvironmentNamesOnlyAnHttpProxy() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "proxy.corp:3128"));

        assertThat(proxied(settings, "http://charts.example.com/index.yaml")).isTrue();
        assertThat(proxied(settings, "https://ghcr.io/v2/")).isFalse();
    }

    @Test
    void shouldServeHttpsWithTheHttpProxyOfSettingsXmlAsMavenDoesAndKeepItsNonProxyHosts() {
        ProxySettings settings = ProxySettings.builder()
                .proxy("http", "proxy.corp", 3128, "builder", PASSWORD, "*.corp|192.168.*|localhost", "corp")
                .build();

        assertThat(proxied(settings, "https://ghcr.io/v2/")).isTrue();
        assertThat(proxied(settings, "https://nexus.corp:8443/v2/")).isFalse();
        assertThat(proxied(settings, "http://192.168.5.96:30003/v2/")).isFalse();
        assertThat(settings.describeRoute(URI.create("https://ghcr.io/v2/")))
                .isEqualTo("through proxy proxy.corp:3128 (from settings.xml proxy corp)");
    }

    @Test
    void shouldTakeTheFirstProxyGivenForAProtocol() {
        ProxySettings settings = ProxySettings.builder()
                .proxy("https", "first.corp", 3128, null, null, null, "first")
                .proxy("https", "second.corp", 3128, null, null, null, "second")
                .build();

        assertThat(settings.describeRoute(URI.create("https://ghcr.io/"))).contains("first.corp");
        assertThat(proxied(settings, "http://charts.example.com/")).isFalse();
    }

    @Test
    void shouldAnswerOnlyItsOwnProxysChallengeAndNeverAServers() {
        ProxySettings settings = ProxySettings.builder()
                .proxy("https", "proxy.corp", 3128, "builder", PASSWORD, null, "corp")
                .build();

        assertThat(answer(settings, Authenticator.RequestorType.PROXY, "proxy.corp", 3128))
                .isNotNull();
        assertThat(answer(settings, Authenticator.RequestorType.SERVER, "proxy.corp", 3128))
                .isNull();
        assertThat(answer(settings, Authenticator.RequestorType.SERVER, "ghcr.io", 443))
                .isNull();
        assertThat(answer(settings, Authenticator.RequestorType.PROXY, "other.proxy", 3128))
                .isNull();
        assertThat(answer(settings, Authenticator.RequestorType.PROXY, "proxy.corp", 8080))
                .isNull();
    }

    @Test
    void shouldRejectAnUnusableProxyUrlWithoutEchoingItsPassword() {
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(
                        Map.of("HTTPS_PROXY", "socks5://builder:" + "hunter2" + "@proxy.corp:1080")))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("HTTPS_PROXY"))
                .hasMessageContaining("socks5://proxy.corp:1080")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ProxySettings.builder()
                        .proxy("http", "proxy.corp", 0, null, null, null, "corp")
                        .build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("settings.xml proxy corp");
    }

    @Test
    void shouldGoDirectWithoutAnySetting() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("PATH", "/usr/bin"));

        assertThat(settings.isDirect()).isTrue();
        assertThat(settings.describeRoute(URI.create("https://ghcr.io/"))).isEqualTo("directly (no proxy set)");
    }

    private static PasswordAuthentication answer(
            ProxySettings settings, Authenticator.RequestorType type, String host, int port) {
        return Authenticator.requestPasswordAuthentication(
                settings.proxyAuthenticator(), host, null, port, "http", "corporate", "basic", null, type);
    }
}
