package io.falcooffline.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTPS for the audit webhook. The k8saudit plugin serves HTTPS when its {@code open_params} start with
 * {@code https://}; it reads one PEM file holding both the certificate and its private key from
 * {@code init_config.sslCertificate}. kube-apiserver trusts that certificate through the CA embedded in the
 * webhook kubeconfig. Immutable; build one with {@link #builder()}.
 */
public final class AuditTls {

    /**
     * Where the chart mounts {@code certs.existingSecret}, or the secret it makes from {@code certs.server.key} and
     * {@code certs.server.crt}: key {@code falco.pem} is the key followed by the certificate.
     */
    public static final String CHART_CERTIFICATE_PATH = "/etc/falco/certs/falco.pem";

    private final String certificatePath;
    private final Path certificateAuthorityFile;

    private AuditTls(Builder builder) {
        this.certificatePath = builder.certificatePath;
        this.certificateAuthorityFile = builder.certificateAuthorityFile;
    }

    /** A builder with nothing set; {@link Builder#build()} needs the certificate path. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive changed ones. */
    public Builder toBuilder() {
        return new Builder().certificatePath(certificatePath).certificateAuthorityFile(certificateAuthorityFile);
    }

    /** The PEM (key and certificate) inside the Falco container; the plugin's {@code init_config.sslCertificate}. */
    public String certificatePath() {
        return certificatePath;
    }

    /**
     * A local PEM file with the CA that signed Falco's certificate, embedded in the kubeconfig as
     * {@code certificate-authority-data}. Empty to take the chart's {@code certs.ca.crt} from the values.
     */
    public Optional<Path> certificateAuthorityFile() {
        return Optional.ofNullable(certificateAuthorityFile);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditTls that
                && certificatePath.equals(that.certificatePath)
                && Objects.equals(certificateAuthorityFile, that.certificateAuthorityFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(certificatePath, certificateAuthorityFile);
    }

    @Override
    public String toString() {
        return "AuditTls{" + certificatePath + ", ca " + certificateAuthorityFile + "}";
    }

    /** Builds {@link AuditTls}. */
    public static final class Builder {
        private String certificatePath = CHART_CERTIFICATE_PATH;
        private Path certificateAuthorityFile;

        private Builder() {}

        /** Sets {@link AuditTls#certificatePath()}. */
        public Builder certificatePath(String certificatePath) {
            this.certificatePath = Objects.requireNonNull(certificatePath, "certificatePath");
            return this;
        }

        /** {@code null} to take the CA from the chart's {@code certs.ca.crt}. */
        public Builder certificateAuthorityFile(Path certificateAuthorityFile) {
            this.certificateAuthorityFile = certificateAuthorityFile;
            return this;
        }

        /** @throws InvalidRequestException naming {@code auditTlsCertificatePath} when it is not absolute */
        public AuditTls build() {
            if (!certificatePath.startsWith("/")) {
                throw new InvalidRequestException(
                        "auditTlsCertificatePath",
                        "The webhook certificate path must be absolute inside the Falco container, got '"
                                + certificatePath + "', e.g. " + CHART_CERTIFICATE_PATH + ".");
            }
            return new AuditTls(this);
        }
    }
}
