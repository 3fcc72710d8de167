package io.falcooffline.maven;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProxySettings;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * The {@code <proxies>} of {@code settings.xml}, as Maven itself uses them: the first active proxy per protocol
 * ({@code http}, {@code https}; an {@code http} proxy also serves {@code https} URLs when there is no {@code https}
 * one), its {@code nonProxyHosts}, and its login, the password decrypted as {@code mvn --encrypt-password} wrote it.
 */
final class SettingsProxies {

    private SettingsProxies() {}

    /**
     * The active proxies, or empty when there is none: then the library's default applies (the JVM's proxy
     * properties, else {@code HTTPS_PROXY} / {@code HTTP_PROXY} / {@code NO_PROXY}).
     *
     * @throws InvalidRequestException naming {@code proxies} when a password cannot be decrypted or a proxy lacks its
     *     host or port
     */
    static Optional<ProxySettings> of(Settings settings, SettingsDecrypter decrypter) {
        if (settings == null) {
            return Optional.empty();
        }
        List<Proxy> active =
                settings.getProxies().stream().filter(Proxy::isActive).toList();
        if (active.isEmpty()) {
            return Optional.empty();
        }
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest().setProxies(active));
        List<SettingsProblem> errors = result.getProblems().stream()
                .filter(problem -> problem.getSeverity() == SettingsProblem.Severity.ERROR
                        || problem.getSeverity() == SettingsProblem.Severity.FATAL)
                .toList();
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(
                    "proxies",
                    "The password of a <proxy> in settings.xml cannot be decrypted ("
                            + errors.stream().map(SettingsProblem::getMessage).collect(Collectors.joining("; "))
                            + "); check the master password in ~/.m2/settings-security.xml.");
        }
        ProxySettings.Builder builder = ProxySettings.builder();
        for (Proxy proxy : result.getProxies()) {
            builder.proxy(
                    proxy.getProtocol(),
                    proxy.getHost(),
                    proxy.getPort(),
                    proxy.getUsername(),
                    proxy.getPassword(),
                    proxy.getNonProxyHosts(),
                    proxy.getId());
        }
        return Optional.of(builder.build());
    }
}
