package io.falcooffline.maven;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.RegistryCredentials;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Registry credentials from {@code settings.xml}: a {@code <server>} whose id is a registry host
 * ({@code ghcr.io}, {@code 192.168.5.96:30003}) holds the user name and password for that registry; passwords
 * encrypted with {@code mvn --encrypt-password} are decrypted.
 */
final class SettingsCredentials {

    // host[:port], with a dot, a port or localhost, so that ids like "central" are not taken for registries.
    private static final Pattern REGISTRY_HOST =
            Pattern.compile("(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+|localhost|\\[[0-9A-Fa-f:]+\\])(?::[0-9]{1,5})?"
                    + "|[A-Za-z0-9-]+:[0-9]{1,5}");

    private final Settings settings;
    private final SettingsDecrypter decrypter;

    SettingsCredentials(Settings settings, SettingsDecrypter decrypter) {
        this.settings = settings;
        this.decrypter = decrypter;
    }

    /**
     * The credentials of every {@code <server>} whose id is a registry host, by host. A server whose password
     * cannot be decrypted is left out with a warning: it may belong to a registry this build never contacts.
     */
    Map<String, RegistryCredentials> byRegistryHost(Log log) {
        Map<String, RegistryCredentials> byHost = new LinkedHashMap<>();
        if (settings == null) {
            return byHost;
        }
        for (Server server : settings.getServers()) {
            if (server.getId() == null
                    || !REGISTRY_HOST.matcher(server.getId()).matches()
                    || server.getUsername() == null
                    || server.getPassword() == null) {
                continue;
            }
            SettingsDecryptionResult result = decrypt(server);
            List<SettingsProblem> problems = errors(result);
            if (!problems.isEmpty()) {
                log.warn("The password of <server> " + server.getId() + " in settings.xml cannot be decrypted ("
                        + describe(problems) + "); it is not used.");
                continue;
            }
            Server decrypted = result.getServer();
            byHost.put(server.getId(), RegistryCredentials.basic(decrypted.getUsername(), decrypted.getPassword()));
        }
        return byHost;
    }

    /**
     * The credentials of the {@code <server>} with the given id.
     *
     * @throws InvalidRequestException naming {@code serverId} when there is no such server, it has no user name or
     *     password, or its password cannot be decrypted
     */
    RegistryCredentials forServerId(String serverId) {
        Server server = settings == null ? null : settings.getServer(serverId);
        if (server == null) {
            throw new InvalidRequestException(
                    "serverId",
                    "settings.xml has no <server> with the id '" + serverId
                            + "'; add one with <username> and <password> (encrypt it with mvn --encrypt-password),"
                            + " or leave `serverId` unset to use a <server> whose id is the registry host.");
        }
        if (server.getUsername() == null || server.getPassword() == null) {
            throw new InvalidRequestException(
                    "serverId",
                    "<server> " + serverId + " in settings.xml needs both <username> and <password> for a registry.");
        }
        SettingsDecryptionResult result = decrypt(server);
        List<SettingsProblem> problems = errors(result);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(
                    "serverId",
                    "The password of <server> " + serverId + " in settings.xml cannot be decrypted ("
                            + describe(problems)
                            + "); check the master password in ~/.m2/settings-security.xml.");
        }
        return RegistryCredentials.basic(
                result.getServer().getUsername(), result.getServer().getPassword());
    }

    private SettingsDecryptionResult decrypt(Server server) {
        return decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    }

    private static List<SettingsProblem> errors(SettingsDecryptionResult result) {
        return result.getProblems().stream()
                .filter(problem -> problem.getSeverity() == SettingsProblem.Severity.ERROR
                        || problem.getSeverity() == SettingsProblem.Severity.FATAL)
                .toList();
    }

    private static String describe(List<SettingsProblem> problems) {
        return problems.stream().map(SettingsProblem::getMessage).collect(Collectors.joining("; "));
    }
}
