package io.falcooffline.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the k8s audit webhook is exposed and how kube-apiserver is told to reach it. Immutable; build one with
 * {@link #builder()}. The defaults reproduce the chart's {@code values-k8saudit.yaml}: a NodePort Service on port
 * 9765, node port 30007, path {@code /k8s-audit}, one replica.
 */
public final class AuditOptions {

    /** The k8saudit plugin's conventional port, as in the chart's {@code values-k8saudit.yaml}. */
    public static final int DEFAULT_SERVICE_PORT = 9765;

    /** The node port the chart's {@code values-k8saudit.yaml} pins. */
    public static final int DEFAULT_NODE_PORT = 30007;

    /** The path the k8saudit plugin's documentation and the chart use. */
    public static final String DEFAULT_PATH = "/k8s-audit";

    /** Where the generated README puts the two kube-apiserver files on each control-plane node. */
    public static final String DEFAULT_CONTROL_PLANE_DIRECTORY = "/etc/kubernetes/audit";

    /** Lowest node port of Kubernetes' default {@code --service-node-port-range}. */
    public static final int NODE_PORT_MIN = 30000;

    /** Highest node port of Kubernetes' default {@code --service-node-port-range}. */
    public static final int NODE_PORT_MAX = 32767;

    // Characters Go's ServeMux treats literally in a pattern; '{', '}' and spaces would change its meaning.
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?]?");

    /** The type of the Service that exposes the webhook. */
    public enum ServiceType {
        /** Reachable on every node's IP at the pinned node port; kube-apiserver needs no cluster DNS. */
        NODE_PORT("NodePort"),
        /** Reachable on the Service's cluster IP or DNS name, from inside the cluster network only. */
        CLUSTER_IP("ClusterIP"),
        /** Reachable on the load balancer's address at the Service port. */
        LOAD_BALANCER("LoadBalancer");

        private final String kubernetesName;

        ServiceType(String kubernetesName) {
            this.kubernetesName = kubernetesName;
        }

        /** The spelling of {@code spec.type} in a Service: {@code NodePort}, {@code ClusterIP}, {@code LoadBalancer}. */
        public String kubernetesName() {
            return kubernetesName;
        }

        /**
         * Reads either spelling: {@code NodePort} or {@code NODE_PORT} (any case, {@code -} or {@code _} between words).
         *
         * @throws InvalidRequestException naming {@code auditServiceType} for anything else
         */
        public static ServiceType parse(String text) {
            String normalized =
                    text == null ? "" : text.strip().replace("-", "").replace("_", "");
            for (ServiceType type : values()) {
                if (type.kubernetesName.equalsIgnoreCase(normalized)) {
                    return type;
                }
            }
            throw new InvalidRequestException(
                    "auditServiceType",
                    "auditServiceType must be NodePort, ClusterIP or LoadBalancer, got '" + text + "'.");
        }
    }

    private final ServiceType serviceType;
    private final int servicePort;
    private final int nodePort;
    private final String path;
    private final String webhookAddress;
    private final AuditTls tls;
    private final Path policyFile;
    private final AuditBatch batch;
    private final int replicas;
    private final String controlPlaneDirectory;

    private AuditOptions(Builder builder) {
        this.serviceType = builder.serviceType;
        this.servicePort = builder.servicePort;
        this.nodePort = builder.nodePort;
        this.path = builder.path;
        this.webhookAddress = builder.webhookAddress;
        this.tls = builder.tls;
        this.policyFile = builder.policyFile;
        this.batch = builder.batch;
        this.replicas = builder.replicas;
        this.controlPlaneDirectory = builder.controlPlaneDirectory;
    }

    /** The defaults, with no webhook address. */
    public static AuditOptions defaults() {
        return builder().build();
    }

    /** A builder with the defaults of the chart's {@code values-k8saudit.yaml}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder()
                .serviceType(serviceType)
                .servicePort(servicePort)
                .nodePort(nodePort)
                .path(path)
                .webhookAddress(webhookAddress)
                .tls(tls)
                .policyFile(policyFile)
                .batch(batch)
                .replicas(replicas)
                .controlPlaneDirectory(controlPlaneDirectory);
    }

    /** The type of the Service that exposes the webhook; {@link ServiceType#NODE_PORT} unless set. */
    public ServiceType serviceType() {
        return serviceType;
    }

    /** The Service port, which is also the port the k8saudit plugin listens on ({@code open_params}). */
    public int servicePort() {
        return servicePort;
    }

    /** The node port pinned on a {@link ServiceType#NODE_PORT} Service; ignored for the other types. */
    public int nodePort() {
        return nodePort;
    }

    /** The HTTP path the plugin serves and kube-apiserver posts to, e.g. {@code /k8s-audit}. */
    public String path() {
        return path;
    }

    /**
     * The host kube-apiserver connects to: a node IP for a NodePort Service, the Service's cluster IP or a DNS name
     * the control plane resolves for ClusterIP, the load balancer's address for LoadBalancer. Required to write the
     * webhook kubeconfig.
     */
    public Optional<String> webhookAddress() {
        return Optional.ofNullable(webhookAddress);
    }

    /** HTTPS for the webhook; empty for plain HTTP. */
    public Optional<AuditTls> tls() {
        return Optional.ofNullable(tls);
    }

    /** The user's own audit policy; empty to write falco-offline's default policy. */
    public Optional<Path> policyFile() {
        return Optional.ofNullable(policyFile);
    }

    /** kube-apiserver's webhook buffering flags; empty to leave kube-apiserver's defaults. */
    public Optional<AuditBatch> batch() {
        return Optional.ofNullable(batch);
    }

    /** Falco Deployment replicas; the Service spreads events across them. */
    public int replicas() {
        return replicas;
    }

    /** The directory on each control-plane node that holds the policy and the webhook kubeconfig. */
    public String controlPlaneDirectory() {
        return controlPlaneDirectory;
    }

    /** {@code http} or {@code https}, as the plugin's {@code open_params} will say. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** The plugin's {@code open_params}: listen on every interface at the Service port, on the path. */
    public String openParams() {
        return scheme() + "://:" + servicePort + path;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditOptions that
                && serviceType == that.serviceType
                && servicePort == that.servicePort
                && nodePort == that.nodePort
                && path.equals(that.path)
                && Objects.equals(webhookAddress, that.webhookAddress)
                && Objects.equals(tls, that.tls)
                && Objects.equals(policyFile, that.policyFile)
                && Objects.equals(batch, that.batch)
                && replicas == that.replicas
                && controlPlaneDirectory.equals(that.controlPlaneDirectory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                serviceType,
                servicePort,
                nodePort,
                path,
                webhookAddress,
                tls,
                policyFile,
                batch,
                replicas,
                controlPlaneDirectory);
    }

    @Override
    public String toString() {
        return "AuditOptions{" + serviceType.kubernetesName() + " port " + servicePort
                + (serviceType == ServiceType.NODE_PORT ? " nodePort " + nodePort : "") + " path " + path
                + " address " + webhookAddress + (tls == null ? "" : " tls") + "}";
    }

    /** Builds {@link AuditOptions}; {@link #build()} checks them. */
    public static final class Builder {
        private ServiceType serviceType = ServiceType.NODE_PORT;
        private int servicePort = DEFAULT_SERVICE_PORT;
        private int nodePort = DEFAULT_NODE_PORT;
        private String path = DEFAULT_PATH;
        private String webhookAddress;
        private AuditTls tls;
        private Path policyFile;
        private AuditBatch batch;
        private int replicas = 1;
        private String controlPlaneDirectory = DEFAULT_CONTROL_PLANE_DIRECTORY;

        private Builder() {}

        /** Sets {@link AuditOptions#serviceType()}. */
        public Builder serviceType(ServiceType serviceType) {
            this.serviceType = Objects.requireNonNull(serviceType, "serviceType");
            return this;
        }

        /** Sets {@link AuditOptions#servicePort()}. */
        public Builder servicePort(int servicePort) {
            this.servicePort = servicePort;
            return this;
        }

        /** Sets {@link AuditOptions#nodePort()}. */
        public Builder nodePort(int nodePort) {
            this.nodePort = nodePort;
            return this;
        }

        /** Sets {@link AuditOptions#path()}. */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** A host name or IP address, without scheme or port; {@code null} or blank for none. */
        public Builder webhookAddress(String webhookAddress) {
            this.webhookAddress = webhookAddress == null || webhookAddress.isBlank() ? null : webhookAddress.strip();
            return this;
        }

        /** {@code null} for plain HTTP. */
        public Builder tls(AuditTls tls) {
            this.tls = tls;
            return this;
        }

        /** {@code null} for falco-offline's default policy. */
        public Builder policyFile(Path policyFile) {
            this.policyFile = policyFile;
            return this;
        }

        /** {@code null} for kube-apiserver's defaults. */
        public Builder batch(AuditBatch batch) {
            this.batch = batch;
            return this;
        }

        /** Sets {@link AuditOptions#replicas()}. */
        public Builder replicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        /** Sets {@link AuditOptions#controlPlaneDirectory()}. */
        public Builder controlPlaneDirectory(String controlPlaneDirectory) {
            this.controlPlaneDirectory = Objects.requireNonNull(controlPlaneDirectory, "controlPlaneDirectory");
            return this;
        }

        /**
         * Checks the options and freezes them.
         *
         * @throws InvalidRequestException naming the first bad option ({@code auditServicePort},
         *     {@code auditNodePort}, {@code auditPath}, {@code auditWebhookAddress}, {@code auditReplicas},
         *     {@code auditControlPlaneDirectory})
         */
        public AuditOptions build() {
            io.falcooffline.core.RegistryParameters.requireNoCredentials("auditWebhookAddress", webhookAddress);
            if (servicePort < 1 || servicePort > 65535) {
                throw new InvalidRequestException(
                        "auditServicePort", "auditServicePort must be a TCP port (1-65535), got " + servicePort + ".");
            }
            if (serviceType == ServiceType.NODE_PORT && (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX)) {
                throw new InvalidRequestException(
                        "auditNodePort",
                        "auditNodePort " + nodePort + " is outside Kubernetes' default node port range "
                                + NODE_PORT_MIN + "-" + NODE_PORT_MAX
                                + ": the API server would reject the Service. Pick a port in that range.");
            }
            if (!PATH.matcher(path).matches() || path.contains("//")) {
                throw new InvalidRequestException(
                        "auditPath",
                        "auditPath must start with '/' and use only letters, digits and . _ ~ - /, got '" + path
                                + "' (the k8saudit plugin serves exactly this path), e.g. " + DEFAULT_PATH + ".");
            }
            if (webhookAddress != null && !isHost(webhookAddress)) {
                throw new InvalidRequestException(
                        "auditWebhookAddress",
                        "auditWebhookAddress must be a host name or IP address only, got '" + webhookAddress
                                + "': leave out the scheme, port and path, falco-offline derives them from the"
                                + " Service and the plugin.");
            }
            if (replicas < 1) {
                throw new InvalidRequestException(
                        "auditReplicas", "The Falco Deployment needs at least 1 replica, got " + replicas + ".");
            }
            if (!controlPlaneDirectory.startsWith("/") || controlPlaneDirectory.endsWith("/")) {
                throw new InvalidRequestException(
                        "auditControlPlaneDirectory",
                        "auditControlPlaneDirectory must be an absolute path without a trailing '/', got '"
                                + controlPlaneDirectory + "'.");
            }
            return new AuditOptions(this);
        }

        private static boolean isHost(String address) {
            if (address.contains(":")) {
                return IPV6.matcher(address).matches();
            }
            return HOST.matcher(address).matches();
        }
    }
}
