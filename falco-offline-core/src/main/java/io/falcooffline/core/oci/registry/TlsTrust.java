package io.falcooffline.core.oci.registry;

import io.falcooffline.core.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Builds the TLS trust for one registry: the system's CAs, plus a private CA file when configured. */
public final class TlsTrust {

    private TlsTrust() {}

    public static SSLContext sslContext(RegistryClientOptions options) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager trust;
            if (options.skipTlsVerify()) {
                trust = new TrustEverything();
            } else if (options.caFile().isPresent()) {
                trust = systemPlus(options.caFile().get(), options.host());
            } else {
                context.init(null, null, null);
                return context;
            }
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot set up TLS", e);
        }
    }

    /**
     * The system's CAs plus the certificates of a PEM text: the trust a client has that was given these CAs.
     *
     * @param pem one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @param what what the PEM is, for messages (e.g. {@code the CA recorded in bundle b.tar})
     * @throws InvalidRequestException naming {@code caFile} when the PEM holds no certificate
     */
    public static SSLContext systemPlus(byte[] pem, String what) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {systemPlus(certificates(pem, what))}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot set up TLS", e);
        }
    }

    private static X509TrustManager systemPlus(Path caFile, String host) throws GeneralSecurityException {
        String what = "The CA file " + caFile + " for registry " + host;
        try {
            return systemPlus(certificates(Files.readAllBytes(caFile), what));
        } catch (IOException e) {
            throw new InvalidRequestException(
                    "caFile", "Cannot read the CA file " + caFile + " for registry " + host + ": " + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(byte[] pem, String what) {
        Collection<? extends Certificate> extra;
        try (InputStream in = new java.io.ByteArrayInputStream(pem)) {
            extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new InvalidRequestException("caFile", what + " is not a PEM certificate: " + e.getMessage());
        }
        if (extra.isEmpty()) {
            throw new InvalidRequestException(
                    "caFile", what + " holds no certificate; it must contain '-----BEGIN CERTIFICATE-----' blocks");
        }
        return extra;
    }

    private static X509TrustManager systemPlus(Collection<? extends Certificate> extra)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int index = 0;
        for (X509Certificate system : systemTrustManager().getAcceptedIssuers()) {
            store.setCertificateEntry("system-" + index++, system);
        }
        for (Certificate certificate : extra) {
            store.setCertificateEntry("ca-file-" + index++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return firstX509(factory);
    }

    /** Trusts any certificate: only to learn whether a port speaks TLS at all, never to send anything. */
    static SSLContext trustingEverything() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot set up TLS", e);
        }
    }

    private static X509TrustManager systemTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return firstX509(factory);
    }

    private static X509TrustManager firstX509(TrustManagerFactory factory) {
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("The JDK offers no X.509 trust manager");
    }

    /**
     * Accepts any certificate for any host name. Being an {@link X509ExtendedTrustManager}, it also takes over the
     * host name check, which the JDK otherwise performs per connection.
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
