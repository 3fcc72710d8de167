package io.falcooffline.core.net;

import io.falcooffline.core.InvalidRequestException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts a proxy is not used for. Two spellings are read: {@code NO_PROXY} as curl and Go read it (comma- or
 * space-separated; {@code *} for every host; {@code example.com} or {@code .example.com} for that domain and its
 * subdomains; {@code host:port} for one port; IP addresses and CIDR ranges, compared with IP literals in URLs, no DNS
 * lookup), and Maven's {@code nonProxyHosts} ({@code |}- or comma-separated host names with {@code *} wildcards). Loopback
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) is never proxied, as in Go's {@code net/http} and the JDK's
 * default {@code http.nonProxyHosts}.
 */
public final class ProxyBypass {

    /** The most entries a bypass list may hold. */
    static final int MAX_ENTRIES = 512;

    private static final ProxyBypass NONE = new ProxyBypass(List.of(), "");

    private final List<Rule> rules;
    private final String text;

    private ProxyBypass(List<Rule> rules, String text) {
        this.rules = rules;
        this.text = text;
    }

    /** No host besides loopback bypasses the proxy. */
    public static ProxyBypass none() {
        return NONE;
    }

    /** A {@code NO_PROXY} value, curl's and Go's syntax. */
    public static ProxyBypass noProxy(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        for (String entry : entries(value, "[,\\s]+")) {
            rules.add(noProxyRule(entry.toLowerCase(Locale.ROOT)));
        }
        return new ProxyBypass(List.copyOf(rules), value.strip());
    }

    /** A Maven {@code nonProxyHosts} value (also the JDK's {@code http.nonProxyHosts}): globs separated by {@code |}. */
    public static ProxyBypass nonProxyHosts(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        for (String entry : entries(value, "[|,]+")) {
            String glob = entry.toLowerCase(Locale.ROOT);
            if (glob.startsWith("[") && glob.endsWith("]")) {
                glob = glob.substring(1, glob.length() - 1);
            }
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
            }
            Pattern compiled = Pattern.compile(regex.toString());
            rules.add((host, port) -> compiled.matcher(host).matches());
        }
        return new ProxyBypass(List.copyOf(rules), value.strip());
    }

    /** Whether a connection to the URI's host goes direct. */
    public boolean bypasses(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return bypasses(host, port);
    }

    /** Whether a connection to {@code host:port} goes direct. */
    public boolean bypasses(String host, int port) {
        String normalized = normalize(host);
        if (isLoopback(normalized)) {
            return true;
        }
        return rules.stream().anyMatch(rule -> rule.matches(normalized, port));
    }

    /** The list as given, for messages. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    private static List<String> entries(String value, String separators) {
        List<String> entries = new ArrayList<>();
        for (String entry : value.strip().split(separators)) {
            if (!entry.isBlank()) {
                entries.add(entry.strip());
            }
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new InvalidRequestException(
                    "proxies",
                    "The proxy bypass list (NO_PROXY or nonProxyHosts) has " + entries.size() + " entries, more than "
                            + MAX_ENTRIES + ": shorten it with domain suffixes (.corp) or CIDR ranges (10.0.0.0/8).");
        }
        return entries;
    }

    private static Rule noProxyRule(String entry) {
        if (entry.equals("*")) {
            return (host, port) -> true;
        }
        int slash = entry.indexOf('/');
        if (slash > 0 && isIpLiteral(entry.substring(0, slash))) {
            return cidr(entry.substring(0, slash), entry.substring(slash + 1));
        }
        String name = entry;
        int wantedPort = -1;
        if (name.startsWith("[")) {
            int close = name.indexOf(']');
            if (close > 0 && name.startsWith(":", close + 1)) {
                wantedPort = parsePort(name.substring(close + 2));
            }
            name = close > 0 ? name.substring(1, close) : name;
        } else if (name.indexOf(':') == name.lastIndexOf(':') && name.indexOf(':') > 0) {
            int colon = name.indexOf(':');
            wantedPort = parsePort(name.substring(colon + 1));
            name = name.substring(0, colon);
        }
        if (name.startsWith("*.")) {
            name = name.substring(1);
        }
        String domain = normalize(name.startsWith(".") ? name.substring(1) : name);
        int port = wantedPort;
        if (isIpLiteral(domain)) {
            String address = canonicalIp(domain);
            return (host, hostPort) -> (port < 0 || port == hostPort)
                    && isIpLiteral(host)
                    && canonicalIp(host).equals(address);
        }
        return (host, hostPort) ->
                (port < 0 || port == hostPort) && (host.equals(domain) || host.endsWith("." + domain));
    }

    private static Rule cidr(String address, String prefixText) {
        byte[] network = ipBytes(address);
        int prefix;
        try {
            prefix = Integer.parseInt(prefixText);
        } catch (NumberFormatException e) {
            return (host, port) -> false;
        }
        int bits = Math.min(Math.max(prefix, 0), network.length * 8);
        return (host, port) -> {
            if (!isIpLiteral(host)) {
                return false;
            }
            byte[] candidate = ipBytes(host);
            if (candidate.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((candidate[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        };
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.startsWith("[") && lower.endsWith("]")) {
            lower = lower.substring(1, lower.length() - 1);
        }
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        return isIpLiteral(host) && ipBytes(host).length > 0 && loopbackAddress(host);
    }

    private static boolean loopbackAddress(String host) {
        try {
            return InetAddress.getByAddress(ipBytes(host)).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** IPv4 dotted quads or IPv6 (containing {@code :}); never resolves a name. */
    static boolean isIpLiteral(String text) {
        return text.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (text.contains(":") && text.matches("[0-9a-f:.%]+"));
    }

    private static String canonicalIp(String text) {
        try {
            return InetAddress.getByAddress(ipBytes(text)).getHostAddress();
        } catch (UnknownHostException e) {
            return text;
        }
    }

    private static byte[] ipBytes(String literal) {
        try {
            // A literal is parsed, never looked up.
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return new byte[0];
        }
    }

    @FunctionalInterface
    private interface Rule {
        boolean matches(String host, int port);
    }
}
