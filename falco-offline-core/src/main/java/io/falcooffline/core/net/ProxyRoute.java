package io.falcooffline.core.net;

/**
 * One proxy: where it listens, its login if any, the hosts that bypass it, and where the setting came from (for
 * messages). {@link #toString()} never shows the password.
 *
 * @param host the proxy's host name or address
 * @param port its port
 * @param username the proxy login's user name, or null
 * @param password the proxy login's password, or null
 * @param bypass the hosts reached directly
 * @param origin where the setting came from, e.g. {@code HTTPS_PROXY} or {@code settings.xml proxy corp}
 */
public record ProxyRoute(String host, int port, String username, String password, ProxyBypass bypass, String origin) {

    /** Whether the proxy has a login. */
    public boolean hasLogin() {
        return username != null && !username.isEmpty() && password != null;
    }

    /** {@code host:port}, IPv6 in brackets. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** E.g. {@code proxy proxy.corp:3128 (from HTTPS_PROXY)}, for messages. */
    public String describe() {
        return "proxy " + address() + " (from " + origin + ")";
    }

    @Override
    public String toString() {
        return "ProxyRoute[" + address() + (hasLogin() ? ", username=" + username + ", password=****" : "")
                + ", bypass=" + bypass + ", origin=" + origin + "]";
    }
}
