package io.falcooffline.core.render;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kubernetes API server that knows the built-in resource types and holds no objects, so that Helm's {@code lookup}
 * gets a well-formed "not found" (an empty result, as on a fresh cluster) instead of failing to connect.
 *
 * <p>The Helm engine runs inside this JVM and finds its cluster through {@code KUBECONFIG}, which it reads from the
 * process environment; a JVM cannot change its own environment, so the variable is set by the build (surefire's
 * {@code environmentVariables} in falco-offline-core/pom.xml) and this class writes the file it names. Helm builds a
 * new client, and so reads that file again, on every template call: the file only has to exist before the first
 * render that reaches {@code lookup}. {@link HelmRenderer} starts the stub before every render.
 *
 * <p>One stub serves the whole JVM. Its threads are daemons: it never keeps a JVM alive.
 */
public final class StubKubernetesApi {

    /** The environment variable Helm's client reads; it names the kubeconfig file this stub writes. */
    public static final String KUBECONFIG = "KUBECONFIG";

    /** The version the stub reports on {@code /version}. */
    public static final String GIT_VERSION = "v1.33.0";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Map<String, List<ResourceType>> RESOURCES_BY_GROUP_VERSION = resourceTypes();

    private static StubKubernetesApi running;

    private final HttpServer server;
    private final Path kubeconfig;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private StubKubernetesApi(HttpServer server, Path kubeconfig) {
        this.server = server;
        this.kubeconfig = kubeconfig;
    }

    /**
     * The stub of this JVM, started on first use, with the kubeconfig file written at {@code $KUBECONFIG}.
     *
     * @throws IllegalStateException when {@code KUBECONFIG} is not set, naming how to set it
     */
    public static synchronized StubKubernetesApi ensureRunning() {
        if (running == null) {
            Path kubeconfig = kubeconfigPathFromEnvironment();
            running = start(kubeconfig);
        }
        return running;
    }

    /** The base URL of the stub, e.g. {@code http://127.0.0.1:40123}. */
    public URI baseUri() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    /** The kubeconfig file that points at this stub. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Every request served so far, as {@code METHOD path}, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private static Path kubeconfigPathFromEnvironment() {
        String value = System.getenv(KUBECONFIG);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Rendering with Helm needs the environment variable " + KUBECONFIG
                    + " to name a writable file for the stub Kubernetes API (Helm's `lookup` asks a cluster)."
                    + " Maven's surefire sets it (see falco-offline-core/pom.xml); elsewhere set e.g."
                    + " KUBECONFIG=falco-offline-core/target/stub-kube/kubeconfig before starting the JVM.");
        }
        if (value.contains(java.io.File.pathSeparator)) {
            throw new IllegalStateException(
                    KUBECONFIG + " must name a single file for the stub Kubernetes API, got '" + value + "'.");
        }
        return Path.of(value).toAbsolutePath();
    }

    private static StubKubernetesApi start(Path kubeconfig) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a loopback port for the stub Kubernetes API", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "stub-kubernetes-api");
            thread.setDaemon(true);
            return thread;
        });
        StubKubernetesApi stub = new StubKubernetesApi(server, kubeconfig);
        server.createContext("/", stub::handle);
        server.setExecutor(executor);
        startAsDaemon(server);
        stub.writeKubeconfig();
        return stub;
    }

    /**
     * The JDK server's dispatcher thread takes its daemon flag from the thread that starts the server, so the server
     * is started from a daemon thread.
     */
    private static void startAsDaemon(HttpServer server) {
        Thread starter = new Thread(server::start, "stub-kubernetes-api-starter");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the stub Kubernetes API", e);
        }
    }

    private void writeKubeconfig() {
        String yaml = String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: stub",
                "  cluster:",
                "    server: " + baseUri(),
                "contexts:",
                "- name: stub",
                "  context:",
                "    cluster: stub",
                "    user: stub",
                "current-context: stub",
                "users:",
                "- name: stub",
                "  user: {}",
                "");
        try {
            Files.createDirectories(kubeconfig.getParent());
            Path temporary = Files.createTempFile(kubeconfig.getParent(), "kubeconfig", ".tmp");
            Files.writeString(temporary, yaml);
            Files.move(temporary, kubeconfig, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the stub kubeconfig " + kubeconfig, e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(method + " " + path);
            if (!method.equals("GET")) {
                respond(exchange, 405, status(405, "MethodNotAllowed", "the stub API is read-only", Map.of()));
                return;
            }
            Response response = route(path);
            respond(exchange, response.code(), response.body());
        }
    }

    private Response route(String path) {
        if (path.equals("/version")) {
            return new Response(200, version());
        }
        if (path.equals("/api")) {
            return new Response(200, apiVersions());
        }
        if (path.equals("/apis")) {
            return new Response(200, apiGroupList());
        }
        List<String> segments = segments(path);
        if (segments.size() >= 2 && segments.get(0).equals("api")) {
            return resourceRequest("v1", segments.subList(2, segments.size()), segments.get(1));
        }
        if (segments.size() >= 3 && segments.get(0).equals("apis")) {
            String groupVersion = segments.get(1) + "/" + segments.get(2);
            return resourceRequest(groupVersion, segments.subList(3, segments.size()), segments.get(2));
        }
        return notFound("the server could not find the requested resource", Map.of());
    }

    /** A discovery document, a collection (always empty) or a named object (never found). */
    private Response resourceRequest(String groupVersion, List<String> rest, String version) {
        List<ResourceType> types = RESOURCES_BY_GROUP_VERSION.get(groupVersion);
        if (types == null || (groupVersion.equals("v1") && !version.equals("v1"))) {
            return notFound("the server could not find the requested resource", Map.of());
        }
        if (rest.isEmpty()) {
            return new Response(200, apiResourceList(groupVersion, types));
        }
        List<String> resourcePath = rest;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            resourcePath = rest.subList(2, rest.size());
        }
        String resource = resourcePath.get(0);
        Optional<ResourceType> type =
                types.stream().filter(t -> t.plural().equals(resource)).findFirst();
        if (type.isEmpty() || resourcePath.size() > 2) {
            return notFound("the server could not find the requested resource", Map.of());
        }
        if (resourcePath.size() == 1) {
            return new Response(200, emptyList(groupVersion, type.get()));
        }
        String name = resourcePath.get(1);
        String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        if (!group.isEmpty()) {
            details.put("group", group);
        }
        details.put("kind", resource);
        return notFound(resource + (group.isEmpty() ? "" : "." + group) + " \"" + name + "\" not found", details);
    }

    private static Response notFound(String message, Map<String, Object> details) {
        return new Response(404, status(404, "NotFound", message, details));
    }

    private static Map<String, Object> status(int code, String reason, String message, Map<String, Object> details) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        if (!details.isEmpty()) {
            status.put("details", details);
        }
        status.put("code", code);
        return status;
    }

    private static Map<String, Object> version() {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("major", "1");
        version.put("minor", "33");
        version.put("gitVersion", GIT_VERSION);
        version.put("gitCommit", "0000000000000000000000000000000000000000");
        version.put("gitTreeState", "clean");
        version.put("buildDate", "2026-01-01T00:00:00Z");
        version.put("goVersion", "go1.24.0");
        version.put("compiler", "gc");
        version.put("platform", "linux/amd64");
        return version;
    }

    private Map<String, Object> apiVersions() {
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("kind", "APIVersions");
        versions.put("versions", List.of("v1"));
        versions.put("serverAddressByClientCIDRs", serverAddresses());
        return versions;
    }

    private Map<String, Object> apiGroupList() {
        Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
        for (String groupVersion : RESOURCES_BY_GROUP_VERSION.keySet()) {
            int slash = groupVersion.indexOf('/');
            if (slash > 0) {
                versionsByGroup
                        .computeIfAbsent(groupVersion.substring(0, slash), g -> new ArrayList<>())
                        .add(groupVersion.substring(slash + 1));
            }
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        versionsByGroup.forEach((group, versions) -> {
            List<Map<String, Object>> groupVersions = versions.stream()
                    .map(v -> Map.<String, Object>of("groupVersion", group + "/" + v, "version", v))
                    .toList();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", group);
            entry.put("versions", groupVersions);
            entry.put("preferredVersion", groupVersions.get(0));
            groups.add(entry);
        });
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "APIGroupList");
        list.put("apiVersion", "v1");
        list.put("groups", groups);
        return list;
    }

    private List<Map<String, Object>> serverAddresses() {
        InetSocketAddress address = server.getAddress();
        return List.of(Map.of(
                "clientCIDR",
                "0.0.0.0/0",
                "serverAddress",
                address.getAddress().getHostAddress() + ":" + address.getPort()));
    }

    private static Map<String, Object> apiResourceList(String groupVersion, List<ResourceType> types) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (ResourceType type : types) {
            Map<String, Object> resource = new LinkedHashMap<>();
            resource.put("name", type.plural());
            resource.put("singularName", type.kind().toLowerCase(java.util.Locale.ROOT));
            resource.put("namespaced", type.namespaced());
            resource.put("kind", type.kind());
            resource.put("verbs", List.of("get", "list", "watch"));
            resources.add(resource);
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", groupVersion);
        list.put("resources", resources);
        return list;
    }

    private static Map<String, Object> emptyList(String groupVersion, ResourceType type) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", type.kind() + "List");
        list.put("apiVersion", groupVersion);
        list.put("metadata", Map.of("resourceVersion", "1"));
        list.put("items", List.of());
        return list;
    }

    private static void respond(HttpExchange exchange, int code, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static Map<String, List<ResourceType>> resourceTypes() {
        Map<String, List<ResourceType>> types = new LinkedHashMap<>();
        types.put(
                "v1",
                List.of(
                        new ResourceType("configmaps", "ConfigMap", true),
                        new ResourceType("endpoints", "Endpoints", true),
                        new ResourceType("events", "Event", true),
                        new ResourceType("namespaces", "Namespace", false),
                        new ResourceType("nodes", "Node", false),
                        new ResourceType("persistentvolumeclaims", "PersistentVolumeClaim", true),
                        new ResourceType("persistentvolumes", "PersistentVolume", false),
                        new ResourceType("pods", "Pod", true),
                        new ResourceType("secrets", "Secret", true),
                        new ResourceType("serviceaccounts", "ServiceAccount", true),
                        new ResourceType("services", "Service", true)));
        types.put(
                "apps/v1",
                List.of(
                        new ResourceType("daemonsets", "DaemonSet", true),
                        new ResourceType("deployments", "Deployment", true),
                        new ResourceType("replicasets", "ReplicaSet", true),
                        new ResourceType("statefulsets", "StatefulSet", true)));
        types.put(
                "batch/v1",
                List.of(new ResourceType("cronjobs", "CronJob", true), new ResourceType("jobs", "Job", true)));
        types.put(
                "rbac.authorization.k8s.io/v1",
                List.of(
                        new ResourceType("clusterrolebindings", "ClusterRoleBinding", false),
                        new ResourceType("clusterroles", "ClusterRole", false),
                        new ResourceType("rolebindings", "RoleBinding", true),
                        new ResourceType("roles", "Role", true)));
        types.put(
                "networking.k8s.io/v1",
                List.of(
                        new ResourceType("ingresses", "Ingress", true),
                        new ResourceType("networkpolicies", "NetworkPolicy", true)));
        types.put("policy/v1", List.of(new ResourceType("poddisruptionbudgets", "PodDisruptionBudget", true)));
        types.put(
                "apiextensions.k8s.io/v1",
                List.of(new ResourceType("customresourcedefinitions", "CustomResourceDefinition", false)));
        types.put(
                "admissionregistration.k8s.io/v1",
                List.of(
                        new ResourceType("mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false),
                        new ResourceType("validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false)));
        types.put("coordination.k8s.io/v1", List.of(new ResourceType("leases", "Lease", true)));
        return types;
    }

    private record ResourceType(String plural, String kind, boolean namespaced) {}

    private record Response(int code, Object body) {}
}
