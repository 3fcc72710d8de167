package io.falcooffline.core.node;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Whether a Go program in a container trusts a registry's TLS certificate. With {@code SSL_CERT_FILE} set, Go's
 * {@code crypto/x509} reads the roots from that file alone ({@code root_unix.go} loadSystemRoots); without it, from
 * the system's bundles, which hold no private CA. The handshake is made for real against the registry, with the
 * host name checked as Go's {@code crypto/tls} does.
 */
final class GoTlsTrust {

    private GoTlsTrust() {}

    /**
     * Why the TLS handshake with {@code host} fails for a program with those roots, or empty when it succeeds.
     *
     * @param sslCertFile the contents of the file {@code SSL_CERT_FILE} names, or empty for the system's roots
     */
    static Optional<String> handshakeProblem(String host, Optional<byte[]> sslCertFile) {
        int colon = host.lastIndexOf(':');
        String name = host.substring(0, colon);
        int port = Integer.parseInt(host.substring(colon + 1));
        try {
            SSLContext context = context(sslCertFile);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(name, port)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(10_000);
                socket.startHandshake();
            }
            return Optional.empty();
        } catch (IOException | GeneralSecurityException e) {
            return Optional.of("x509: certificate signed by unknown authority (" + e.getMessage() + ")");
        }
    }

    /** The status of {@code GET https://host/v2/} with that {@code Authorization}, trusting those roots. */
    static int statusOfApiRoot(String host, Optional<byte[]> sslCertFile, String authorization) {
        try {
            HttpsURLConnection connection = (HttpsURLConnection)
                    URI.create("https://" + host + "/v2/").toURL().openConnection();
            connection.setSSLSocketFactory(context(sslCertFile).getSocketFactory());
            connection.setRequestProperty("Authorization", authorization);
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(10_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot reach " + host + " to try the login", e);
        }
    }

    private static SSLContext context(Optional<byte[]> sslCertFile) throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        if (sslCertFile.isEmpty()) {
            context.init(null, null, null);
            return context;
        }
        KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
        roots.load(null, null);
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(sslCertFile.get()));
        int index = 0;
        for (Certificate certificate : certificates) {
            roots.setCertificateEntry("root-" + index++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
