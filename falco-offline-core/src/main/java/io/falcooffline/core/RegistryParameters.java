package io.falcooffline.core;

import io.falcooffline.core.io.SafeText;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for parameters that name a registry or another address: they never carry credentials (parameters are
 * logged by Maven with {@code -X}, end up in values, plans and locks, and are echoed in messages), and a port is a
 * TCP port.
 */
final class RegistryParameters {

    /** Where credentials belong instead, for messages. */
    static final String WHERE_CREDENTIALS_BELONG = "Credentials never go into parameters, which Maven logs and"
            + " the chart, plan and lock record: put them in a <server> of ~/.m2/settings.xml whose id is the"
            + " registry host (or the one `serverId` names), or in the Docker config (`docker login`,"
            + " ~/.docker/config.json).";

    /** {@code [scheme://]user-info@} at the start of an address: anything up to the last '@' before a '/'. */
    private static final Pattern USER_INFO = Pattern.compile("^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?[^/]*@");

    private static final Pattern PORT = Pattern.compile(":(\\d+)$");

    private RegistryParameters() {}

    /**
     * Refuses an address that carries user-info ({@code user:password@host}), without echoing it.
     *
     * @param parameter the parameter's name, e.g. {@code registry}
     * @throws InvalidRequestException naming the parameter, showing the address with the user-info masked
     */
    static void requireNoCredentials(String parameter, String value) {
        if (value == null) {
            return;
        }
        Matcher userInfo = USER_INFO.matcher(value.strip());
        if (userInfo.find()) {
            String scheme = userInfo.group("scheme") == null ? "" : userInfo.group("scheme");
            String masked = scheme + "****@" + value.strip().substring(userInfo.end());
            throw new InvalidRequestException(
                    parameter,
                    "`" + parameter + "` holds a user name or password before '@' (" + masked + "); give the address"
                            + " only. " + WHERE_CREDENTIALS_BELONG);
        }
    }

    /**
     * Refuses a repository URL with a query or fragment, which may hold a token and would be recorded in the chart's
     * annotations, the lock and commit messages; the message shows the URL without them.
     *
     * @throws InvalidRequestException naming the parameter
     */
    static void requireNoQuery(String parameter, String value) {
        if (value == null) {
            return;
        }
        int query = value.strip().replace('#', '?').indexOf('?');
        if (query >= 0) {
            throw new InvalidRequestException(
                    parameter,
                    "`" + parameter + "` must not carry a query or fragment ("
                            + SafeText.quote(value.strip().substring(0, query) + "?…")
                            + "): the URL is recorded in the chart's annotations, the lock and commit messages. Give"
                            + " the repository URL only. " + WHERE_CREDENTIALS_BELONG);
        }
    }

    /**
     * Refuses a {@code host[:port]} whose port is not a TCP port (1-65535).
     *
     * @throws InvalidRequestException naming the parameter and the port
     */
    /**
     * The internal registry as the targets spell it, after refusing a missing one, credentials, a scheme or path and a
     * bad port.
     */
    static String internalRegistry(String registry) {
        if (registry == null || registry.isBlank()) {
            throw new InvalidRequestException(
                    "registry",
                    "No internal registry given: set `registry` to host[:port] of the registry the cluster pulls"
                            + " from, e.g. 192.168.5.96:30003.");
        }
        requireNoCredentials("registry", registry);
        requireHostOnly("registry", registry);
        requireValidPort("registry", registry);
        return io.falcooffline.core.plan.OciReference.canonicalRegistry(registry.strip());
    }

    /**
     * Refuses a {@code registry} that is more than {@code host[:port]}; a scheme is answered with where the protocol
     * is really chosen: {@code insecureRegistries} for plain HTTP, nothing (or {@code caFile}) for HTTPS.
     */
    static void requireHostOnly(String parameter, String registry) {
        boolean http = registry.regionMatches(true, 0, "http://", 0, 7);
        boolean https = registry.regionMatches(true, 0, "https://", 0, 8);
        if (http || https) {
            String rest = registry.substring(http ? 7 : 8);
            String host = rest.replaceFirst("/.*$", "");
            String path = rest.substring(host.length()).replaceAll("^/+|/+$", "");
            throw new InvalidRequestException(
                    parameter,
                    "`" + parameter + "` takes host[:port] only, got '" + registry + "': write " + host
                            + (http
                                    ? " and list it in `insecureRegistries` to speak plain HTTP to it"
                                    : "; HTTPS is the default (give a private CA with `caFile`)")
                            + (path.isEmpty() ? "." : ", and put '" + path + "' in `repositoryPrefix`."));
        }
        if (registry.contains("/") || registry.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidRequestException(
                    parameter,
                    "`" + parameter + "` must be host[:port] only, got '" + registry
                            + "': put path segments in `repositoryPrefix`.");
        }
    }

    static void requireValidPort(String parameter, String hostAndPort) {
        Matcher port = PORT.matcher(hostAndPort);
        if (!port.find() || hostAndPort.endsWith("]")) {
            return;
        }
        String digits = port.group(1);
        if (digits.length() > 5 || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
            throw new InvalidRequestException(
                    parameter,
                    "`" + parameter + "` has port " + digits + " in '" + hostAndPort + "', which is not a TCP port"
                            + " (1-65535).");
        }
    }
}
