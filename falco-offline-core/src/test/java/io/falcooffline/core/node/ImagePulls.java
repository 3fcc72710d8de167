package io.falcooffline.core.node;

import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.render.HelmRenderer;
import io.falcooffline.core.render.Manifest;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whether kubelet and containerd pull every image of every pod a rendered chart runs, on a node of one platform that
 * reaches nothing but one registry. The requests are made for real against that registry.
 *
 * <ul>
 *   <li>kubelet (kubernetes {@code pkg/kubelet/kuberuntime/kuberuntime_image.go} {@code PullImage}): the pod's
 *       {@code imagePullSecrets}, plus those of its ServiceAccount (added to the pod at admission,
 *       {@code plugin/pkg/admission/serviceaccount/admission.go}), are read from the pod's namespace; a Secret that
 *       does not exist is skipped ({@code pkg/kubelet/kubelet_pods.go} {@code getPullSecretsForPod}). Their
 *       {@code .dockerconfigjson} logins for the image's registry ({@code pkg/credentialprovider/keyring.go}: host and
 *       port must match) are tried one after the other until one pull succeeds; with none the pull goes out without
 *       a login.
 *   <li>containerd: the endpoints and their TLS trust come from the node's {@code certs.d} files
 *       ({@link ContainerdRegistryHosts}); the resolver tries each endpoint that may resolve, keeping the most telling
 *       error (a status above 399 over a 404 over a connection or TLS failure) when all fail
 *       ({@code core/remotes/docker/resolver.go} {@code Resolve}); an index is narrowed to the node's platform.
 * </ul>
 * Pods that only {@code helm test} runs ({@code helm.sh/hook: test}) are not pulled by an install and are left out.
 */
final class ImagePulls {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ACCEPT = String.join(
            ", ",
            SyntheticArtifacts.OCI_INDEX,
            SyntheticArtifacts.DOCKER_MANIFEST_LIST,
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private final String registryHost;
    private final String os;
    private final String architecture;
    private final Map<String, Map<String, Map<String, byte[]>>> secretsByNamespace;
    private final Map<String, byte[]> nodeFiles;

    /**
     * @param registryHost the one registry the node reaches
     * @param platform the node's platform, e.g. {@code linux/arm64}
     * @param secretsByNamespace the cluster's Secrets: namespace, name, data by key
     * @param nodeFiles the node's files, absolute path to content
     */
    ImagePulls(
            String registryHost,
            String platform,
            Map<String, Map<String, Map<String, byte[]>>> secretsByNamespace,
            Map<String, byte[]> nodeFiles) {
        this.registryHost = registryHost;
        this.os = platform.substring(0, platform.indexOf('/'));
        this.architecture = platform.substring(platform.indexOf('/') + 1);
        this.secretsByNamespace = secretsByNamespace;
        this.nodeFiles = nodeFiles;
    }

    /** Why pulls fail, one line per image that does not pull, empty when every pod's images pull. */
    List<String> failures(RenderedManifests manifests) {
        List<String> failures = new ArrayList<>();
        for (Manifest manifest : manifests.documents()) {
            Optional<Map<String, Object>> pod = podSpec(manifest);
            if (pod.isEmpty() || isTestHook(manifest)) {
                continue;
            }
            String namespace = manifest.namespace().isEmpty() ? HelmRenderer.DEFAULT_NAMESPACE : manifest.namespace();
            List<String[]> logins = logins(namespace, pullSecretNames(manifests, pod.get(), namespace));
            Set<String> images = new LinkedHashSet<>();
            for (String containers : List.of("initContainers", "containers")) {
                for (Object container : list(pod.get().get(containers))) {
                    images.add(String.valueOf(((Map<?, ?>) container).get("image")));
                }
            }
            for (String image : images) {
                pull(image, logins)
                        .ifPresent(reason -> failures.add(manifest.kind() + " " + namespace + "/" + manifest.name()
                                + ": Failed to pull image \"" + image + "\": " + reason + " (ImagePullBackOff)"));
            }
        }
        return failures;
    }

    private static Optional<Map<String, Object>> podSpec(Manifest manifest) {
        Object spec = switch (manifest.kind()) {
            case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job" ->
                RenderedManifests.valueAt(manifest.content(), "spec", "template", "spec");
            case "CronJob" ->
                RenderedManifests.valueAt(manifest.content(), "spec", "jobTemplate", "spec", "template", "spec");
            case "Pod" -> RenderedManifests.valueAt(manifest.content(), "spec");
            default -> null;
        };
        return spec instanceof Map<?, ?> map ? Optional.of(cast(map)) : Optional.empty();
    }

    private static boolean isTestHook(Manifest manifest) {
        Object hook = RenderedManifests.valueAt(manifest.content(), "metadata", "annotations", "helm.sh/hook");
        return hook != null && String.valueOf(hook).contains("test");
    }

    private static List<String> pullSecretNames(
            RenderedManifests manifests, Map<String, Object> pod, String namespace) {
        List<String> names = new ArrayList<>();
        list(pod.get("imagePullSecrets")).forEach(entry -> names.add(String.valueOf(((Map<?, ?>) entry).get("name"))));
        String account = String.valueOf(pod.getOrDefault("serviceAccountName", "default"));
        for (Manifest serviceAccount : manifests.ofKind("ServiceAccount")) {
            String accountNamespace =
                    serviceAccount.namespace().isEmpty() ? HelmRenderer.DEFAULT_NAMESPACE : serviceAccount.namespace();
            if (serviceAccount.name().equals(account) && accountNamespace.equals(namespace)) {
                list(serviceAccount.content().get("imagePullSecrets"))
                        .forEach(entry -> names.add(String.valueOf(((Map<?, ?>) entry).get("name"))));
            }
        }
        return names;
    }

    /** The user/password pairs the existing Secrets hold for the registry, in the order the pod names them. */
    private List<String[]> logins(String namespace, List<String> secretNames) {
        List<String[]> logins = new ArrayList<>();
        Map<String, Map<String, byte[]>> secrets = secretsByNamespace.getOrDefault(namespace, Map.of());
        for (String name : secretNames) {
            byte[] config = secrets.getOrDefault(name, Map.of()).get(".dockerconfigjson");
            if (config == null) {
                continue; // kubelet: "Unable to retrieve some image pull secrets"; the pull goes on without it
            }
            for (Map.Entry<String, JsonNode> auth :
                    JSON.readTree(config).path("auths").properties()) {
                if (!hostOf(auth.getKey()).equals(registryHost)) {
                    continue;
                }
                JsonNode entry = auth.getValue();
                if (entry.path("auth").isString()) {
                    String pair = new String(
                            Base64.getDecoder().decode(entry.path("auth").asString()), StandardCharsets.UTF_8);
                    logins.add(pair.split(":", 2));
                } else {
                    logins.add(new String[] {
                        entry.path("username").asString(""),
                        entry.path("password").asString("")
                    });
                }
            }
        }
        return logins;
    }

    private static String hostOf(String key) {
        String host = key.replaceFirst("^[a-z]+://", "");
        return host.contains("/") ? host.substring(0, host.indexOf('/')) : host;
    }

    /** Why the pull of one image fails, or empty when it succeeds. */
    private Optional<String> pull(String image, List<String[]> logins) {
        OciReference reference = OciReference.parse(image);
        if (!reference.registry().equals(registryHost)) {
            return Optional.of("dial tcp " + reference.registry() + ": the node reaches only " + registryHost);
        }
        ContainerdRegistryHosts.Result hosts =
                ContainerdRegistryHosts.endpoints(registryHost, nodeFiles, ContainerdRegistryHosts.DEFAULT_CONFIG_PATH);
        if (hosts.error().isPresent()) {
            return hosts.error();
        }
        if (logins.isEmpty()) {
            return resolve(reference, hosts.endpoints(), null);
        }
        List<String> errors = new ArrayList<>();
        for (String[] login : logins) {
            Optional<String> error = resolve(reference, hosts.endpoints(), login);
            if (error.isEmpty()) {
                return error;
            }
            errors.add(error.get());
        }
        return Optional.of(String.join("; ", errors));
    }

    private Optional<String> resolve(
            OciReference reference, List<ContainerdRegistryHosts.Endpoint> endpoints, String[] login) {
        String ref = reference.digest() != null
                ? reference.digest()
                : reference.effectiveTag().orElse("latest");
        String error = "no host of " + registryHost + " may resolve " + reference;
        int priority = 0;
        for (ContainerdRegistryHosts.Endpoint endpoint : endpoints) {
            if (!(reference.digest() != null ? endpoint.pull() : endpoint.resolve())) {
                continue;
            }
            Response root = get(endpoint, reference.repository(), ref, login);
            if (root.status() == 200) {
                return platformManifest(endpoint, reference, root, login);
            }
            int rank = root.status() < 0 ? 1 : root.status() == 404 ? 2 : 3;
            if (rank > priority) {
                priority = rank;
                error = root.status() < 0
                        ? root.failure()
                        : "unexpected status from GET request to " + root.url() + ": " + root.status();
            }
        }
        return Optional.of(error);
    }

    private Optional<String> platformManifest(
            ContainerdRegistryHosts.Endpoint endpoint, OciReference reference, Response root, String[] login) {
        JsonNode manifest = JSON.readTree(root.body());
        String type = manifest.path("mediaType").asString("");
        if (!type.equals(SyntheticArtifacts.OCI_INDEX) && !type.equals(SyntheticArtifacts.DOCKER_MANIFEST_LIST)) {
            return Optional.empty();
        }
        for (JsonNode entry : manifest.path("manifests")) {
            JsonNode platform = entry.path("platform");
            if (os.equals(platform.path("os").asString(""))
                    && architecture.equals(platform.path("architecture").asString(""))) {
                Response chosen = get(
                        endpoint, reference.repository(), entry.path("digest").asString(), login);
                return chosen.status() == 200
                        ? Optional.empty()
                        : Optional.of("fetching the " + os + "/" + architecture + " manifest: " + chosen.status());
            }
        }
        return Optional.of("no match for platform in manifest: not found (" + os + "/" + architecture + ")");
    }

    /** One exchange: a status, or -1 and why the connection failed. */
    private record Response(String url, int status, byte[] body, String failure) {}

    private Response get(ContainerdRegistryHosts.Endpoint endpoint, String repository, String ref, String[] login) {
        Response response = get(endpoint.scheme(), endpoint, repository, ref, login);
        if (response.status() < 0
                && endpoint.httpFallback()
                && response.failure().startsWith("tls:")) {
            return get("http", endpoint, repository, ref, login);
        }
        return response;
    }

    private Response get(
            String scheme, ContainerdRegistryHosts.Endpoint endpoint, String repository, String ref, String[] login) {
        String url = scheme + "://" + endpoint.host() + endpoint.path() + "/" + repository + "/manifests/" + ref;
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(url).toURL().openConnection();
            if (connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls(endpoint).getSocketFactory());
                if (endpoint.skipVerify()) {
                    https.setHostnameVerifier((host, session) -> true);
                }
            }
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(10_000);
            connection.setRequestProperty("Accept", ACCEPT);
            if (login != null) {
                connection.setRequestProperty(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((login[0] + ":" + login[1]).getBytes(StandardCharsets.UTF_8)));
            }
            int status = connection.getResponseCode();
            byte[] body = new byte[0];
            if (status == 200) {
                try (InputStream in = connection.getInputStream()) {
                    body = in.readNBytes(MAX_MANIFEST_BYTES);
                }
            }
            connection.disconnect();
            return new Response(url, status, body, null);
        } catch (SSLException e) {
            String message = String.valueOf(e.getMessage());
            return new Response(
                    url,
                    -1,
                    new byte[0],
                    message.contains("plaintext") || message.contains("Unsupported or unrecognized SSL message")
                            ? "tls: http: server gave HTTP response to HTTPS client (" + message + ")"
                            : "tls: failed to verify certificate of " + endpoint.host()
                                    + ": x509: certificate signed by unknown authority (" + message + ")");
        } catch (IOException | GeneralSecurityException e) {
            return new Response(url, -1, new byte[0], "GET " + url + ": " + e);
        }
    }

    /** The system's roots (the JDK's stand in for them) plus the endpoint's CA files, as containerd builds them. */
    private static SSLContext tls(ContainerdRegistryHosts.Endpoint endpoint)
            throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        if (endpoint.skipVerify()) {
            context.init(null, new TrustManager[] {new TrustingEverything()}, null);
            return context;
        }
        KeyStore roots = KeyStore.getInstance(
                Path.of(System.getProperty("java.home"), "lib", "security", "cacerts")
                        .toFile(),
                "changeit".toCharArray());
        int index = 0;
        for (byte[] pem : endpoint.caPems()) {
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                roots.setCertificateEntry("node-ca-" + index++, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** {@code skip_verify = true}. */
    private static final class TrustingEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static List<Object> list(Object value) {
        return value instanceof List<?> items ? new ArrayList<>(items) : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
