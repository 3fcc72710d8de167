package io.falcooffline.core;

/**
 * A host could not be reached at all: its name does not resolve, it refuses the connection, or the TLS handshake
 * fails. Unlike a missing artifact, this is about the network path from this machine; the message names the host and
 * the way around it (a proxy, {@code registryMirrors}, {@code mirror=false}). Not retried: none of these is transient.
 */
public class HostUnreachableException extends RegistryException {

    private static final long serialVersionUID = 1L;

    private final String host;

    /**
     * @param host the host ({@code host[:port]}) that could not be reached: the proxy when the failure was
     *     connecting to it
     */
    public HostUnreachableException(String host, String message, Throwable cause) {
        super(0, message, cause);
        this.host = host;
    }

    /** The host ({@code host[:port]}) that could not be reached. */
    public String host() {
        return host;
    }
}
