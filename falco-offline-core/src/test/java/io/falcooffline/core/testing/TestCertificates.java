package io.falcooffline.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A throw-away certificate authority and a server certificate for {@code 127.0.0.1}/{@code localhost} signed by
 * it, made with the machine's {@code openssl}, plus a PKCS#12 key store of the server pair for JDK servers.
 *
 * @param directory where the files live
 * @param caCertificate the CA certificate (PEM), the file a client trusts
 * @param serverCertificate the server certificate (PEM)
 * @param serverKey the server's private key (PEM, PKCS#8)
 * @param serverKeyStore the server pair as PKCS#12, password {@link #KEY_STORE_PASSWORD}
 */
public record TestCertificates(
        Path directory, Path caCertificate, Path serverCertificate, Path serverKey, Path serverKeyStore) {

    /** The password of {@link #serverKeyStore()}. */
    public static final String KEY_STORE_PASSWORD = "changeit";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Generates a CA and a server certificate in a directory.
     *
     * @param directory an existing, empty directory
     * @return the files
     */
    public static TestCertificates generate(Path directory) {
        Path caKey = directory.resolve("ca.key");
        Path ca = directory.resolve("ca.pem");
        Path key = directory.resolve("server.key");
        Path csr = directory.resolve("server.csr");
        Path cert = directory.resolve("server.pem");
        Path extensions = directory.resolve("server.ext");
        Path p12 = directory.resolve("server.p12");
        try {
            Files.writeString(
                    extensions,
                    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:*.upstream.test\nextendedKeyUsage=serverAuth\n"
                            + "keyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                caKey.toString(),
                "-out",
                ca.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=falco-offline test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                csr.toString(),
                "-subj",
                "/CN=127.0.0.1");
        openssl(
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-extfile",
                extensions.toString());
        openssl(
                "pkcs12",
                "-export",
                "-in",
                cert.toString(),
                "-inkey",
                key.toString(),
                "-out",
                p12.toString(),
                "-passout",
                "pass:" + KEY_STORE_PASSWORD,
                "-name",
                "server");
        return new TestCertificates(directory, ca, cert, key, p12);
    }

    /** The server certificate, parsed. */
    public X509Certificate serverX509() {
        try (var in = Files.newInputStream(serverCertificate)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + serverCertificate, e);
        }
    }

    /** The server's RSA private key, parsed. */
    public PrivateKey serverPrivateKey() {
        try {
            String pem = Files.readString(serverKey)
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + serverKey, e);
        }
    }

    /** A TLS context that trusts only the test CA, for test clients and probes. */
    public javax.net.ssl.SSLContext clientSslContext() {
        try (var in = Files.newInputStream(caCertificate)) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build a TLS context for " + caCertificate, e);
        }
    }

    /** A TLS context presenting the server certificate, for JDK test servers. */
    public javax.net.ssl.SSLContext serverSslContext() {
        try (var in = Files.newInputStream(serverKeyStore)) {
            java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
            keys.load(in, KEY_STORE_PASSWORD.toCharArray());
            javax.net.ssl.KeyManagerFactory factory =
                    javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, KEY_STORE_PASSWORD.toCharArray());
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build a server TLS context from " + serverKeyStore, e);
        }
    }

    private static void openssl(String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        ExternalCommand.runChecked(command, TIMEOUT);
    }
}
