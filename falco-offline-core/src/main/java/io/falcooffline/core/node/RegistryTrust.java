package io.falcooffline.core.node;

import io.falcooffline.core.InvalidRequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a node's container runtime reaches the internal registry: HTTPS with a certificate the system already trusts
 * (nothing to configure), HTTPS with a certificate from a private CA (the CA must be installed per registry host), or
 * plain HTTP (the runtime must be told so per registry host).
 *
 * @param registry the registry, canonical {@code host[:port]}
 * @param kind which of the three
 * @param caPem the private CA's PEM, for {@link Kind#PRIVATE_CA}
 */
public record RegistryTrust(String registry, Kind kind, Optional<String> caPem) {

    /** The three ways. */
    public enum Kind {
        /** HTTPS, certificate from a CA in the node's system store. */
        SYSTEM_CA,
        /** HTTPS, certificate from a private CA. */
        PRIVATE_CA,
        /** Plain HTTP. */
        PLAIN_HTTP;

        /** The name the plan uses. */
        public String planName() {
            return switch (this) {
                case SYSTEM_CA -> "https";
                case PRIVATE_CA -> "https-private-ca";
                case PLAIN_HTTP -> "http";
            };
        }
    }

    private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String PEM_END = "-----END CERTIFICATE-----";

    /**
     * The trust a run's settings describe: plain HTTP when the registry is among {@code insecureRegistries}, else a
     * private CA when {@code caFile} is given, else the system's CAs.
     *
     * @throws InvalidRequestException naming {@code caFile} when it cannot be read or holds no PEM certificate
     */
    public static RegistryTrust of(String registry, boolean plainHttp, Optional<Path> caFile) {
        if (plainHttp) {
            return new RegistryTrust(registry, Kind.PLAIN_HTTP, Optional.empty());
        }
        if (caFile.isEmpty()) {
            return new RegistryTrust(registry, Kind.SYSTEM_CA, Optional.empty());
        }
        Path file = caFile.get();
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException(
                    "caFile", "Cannot read the `caFile` " + file + " (" + e.getMessage() + "): fix `caFile`.");
        }
        if (!pem.startsWith(PEM_BEGIN) || !pem.endsWith(PEM_END)) {
            throw new InvalidRequestException(
                    "caFile",
                    "The `caFile` " + file + " is not a PEM certificate (" + PEM_BEGIN + "): the nodes could not"
                            + " trust the registry with it; point `caFile` at the PEM of the registry's CA.");
        }
        return new RegistryTrust(registry, Kind.PRIVATE_CA, Optional.of(pem + "\n"));
    }

    /** Whether the nodes need files of their own to reach the registry. */
    public boolean needsNodeFiles() {
        return kind != Kind.SYSTEM_CA;
    }
}
