package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import com.sun.net.httpserver.HttpServer;
import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The profile and the generated kube-apiserver files against the real Falco chart, rendered by the real Helm engine:
 * the rendered Service and Falco configuration agree with the kubeconfig, and an audit event posted to the
 * kubeconfig's URL reaches a listener bound where the rendered {@code open_params} says.
 */
@Tag("upstream")
class K8sAuditChartTest {

    private static final String RELEASE = "falco";
    private static final String NAMESPACE = "kube-audit";

    @TempDir
    Path work;

    @Test
    void shouldRenderOneDeploymentAndPinnedWebhookServiceWhenProfileApplied() throws IOException {
        AuditOptions options =
                AuditOptions.builder().webhookAddress("192.168.5.10").build();
        Map<String, Object> profile = K8sAuditProfile.values(options);
        Map<String, Object> effective = TestValues.coalesce(TestValues.upstreamDefaults(), profile);
        assertThat(K8sAuditProfile.pinnedNodePort(FalcoValues.of(effective), options))
                .isEmpty();

        List<String> warnings = AuditConsistency.check(effective, options, DeliveredRules.fromValues(effective));
        Rendered rendered = render(List.of(valuesFile("profile.yaml", profile)));
        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("out/audit"), options, effective, RELEASE, NAMESPACE);

        assertThat(warnings).isEmpty();
        assertThat(rendered.ofKind("Deployment")).extracting(Rendered::name).containsExactly("falco");
        assertThat(rendered.ofKind("DaemonSet")).isEmpty();
        Map<String, Object> deployment = rendered.named("Deployment", "falco");
        assertThat(Values.at(deployment, "spec.replicas")).contains(1);
        Map<String, Object> port = rendered.webhookPort();
        assertThat(Values.stringAt(rendered.named("Service", "falco-k8saudit-webhook"), "spec.type"))
                .isEqualTo("NodePort");
        assertThat(port).containsEntry("port", 9765).containsEntry("nodePort", 30007);
        Map<String, Object> falcoYaml = rendered.falcoConfiguration();
        assertThat(TestValues.strings(Values.listAt(falcoYaml, "load_plugins"))).containsExactly("k8saudit", "json");
        assertThat(pluginNames(falcoYaml)).containsExactly("k8saudit", "json");
        assertThat(openParams(falcoYaml)).isEqualTo("http://:9765/k8s-audit");
        assertThat(TestValues.strings(Values.listAt(falcoYaml, "rules_files")))
                .contains("/etc/falco/k8s_audit_rules.yaml");
        assertThat(Values.isTrueAt(falcoYaml, "json_output")).isTrue();
        assertThat(rendered.falcoctlInstallRefs())
                .containsExactly("k8saudit-rules:0.16", "k8saudit:0.16", "json:0.7.0");
        assertKubeconfigAgrees(written.webhookKubeconfig(), rendered, "192.168.5.10");
    }

    @Test
    void shouldPinNodePortAndAgreeWhenCustomValuesReplaceTheProfile() throws IOException {
        AuditOptions options =
                AuditOptions.builder().webhookAddress("192.168.5.10").build();
        Path customValues = TestValues.upstreamFixture("values/custom_values.yaml");
        Map<String, Object> user = SafeYaml.loadMap(Files.readString(customValues), customValues.toString());
        LegacyAuditConfig.check(user, customValues.toString());
        Map<String, Object> effective = TestValues.coalesce(TestValues.upstreamDefaults(), user);
        Map<String, Object> pin = K8sAuditProfile.pinnedNodePort(FalcoValues.of(effective), options)
                .orElseThrow();
        effective = TestValues.coalesce(effective, pin);

        List<String> warnings = AuditConsistency.check(effective, options, DeliveredRules.fromValues(effective));
        Rendered rendered = render(List.of(customValues, valuesFile("pin.yaml", pin)));
        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("out/audit"), options, effective, RELEASE, NAMESPACE);

        assertThat(warnings)
                .anySatisfy(warning -> assertThat(warning)
                        .contains("/etc/falco/k8s_audit_rules.yaml")
                        .contains("provided by the image")
                        .contains("192.168.5.96:30003/falco/falco:offline-arm64")
                        .contains("falcoctl.artifact.install.enabled=false"));
        assertThat(rendered.ofKind("Deployment")).extracting(Rendered::name).containsExactly("falco");
        assertThat(rendered.ofKind("DaemonSet")).isEmpty();
        assertThat(rendered.webhookPort()).containsEntry("port", 9765).containsEntry("nodePort", 30007);
        Map<String, Object> falcoYaml = rendered.falcoConfiguration();
        assertThat(pluginNames(falcoYaml)).containsExactly("k8saudit", "json");
        assertThat(openParams(falcoYaml)).isEqualTo("http://:9765/k8s-audit");
        assertKubeconfigAgrees(written.webhookKubeconfig(), rendered, "192.168.5.10");
    }

    @Test
    void shouldRenderKubeAuditExampleForArm64NodesAndHttpsHarborWithPrivateCa() throws IOException {
        Path exampleValues = Path.of("..", "examples", "kube-audit", "values-arm64-harbor.yaml");
        AuditOptions options = AuditOptions.builder()
                .serviceType(AuditOptions.ServiceType.parse("NodePort"))
                .servicePort(9765)
                .nodePort(30007)
                .path("/k8s-audit")
                .webhookAddress("192.168.5.10")
                .build();
        Map<String, Object> profile = K8sAuditProfile.values(options);
        Map<String, Object> user = SafeYaml.loadMap(Files.readString(exampleValues), exampleValues.toString());
        LegacyAuditConfig.check(user, exampleValues.toString());
        Map<String, Object> effective = TestValues.coalesce(TestValues.upstreamDefaults(), profile, user);

        List<String> warnings = AuditConsistency.check(effective, options, DeliveredRules.fromValues(effective));
        Rendered rendered = render(List.of(valuesFile("profile.yaml", profile), exampleValues));
        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("out/audit"), options, effective, RELEASE, NAMESPACE);

        assertThat(warnings).isEmpty();
        Map<String, Object> pod = Values.mapAt(rendered.named("Deployment", "falco"), "spec.template.spec");
        assertThat(Values.mapAt(pod, "nodeSelector")).containsEntry("kubernetes.io/arch", "arm64");
        // The example writes no falcoctl args or mounts: packaging gives falcoctl the Harbor's CA (pom.xml's caFile).
        io.falcooffline.core.PackageResult packaged = io.falcooffline.core.FalcoOffline.packageChart(
                io.falcooffline.core.PackageRequest.builder()
                        .chart(TestValues.upstreamChart())
                        .registry("192.168.5.96:30003")
                        .repositoryPrefix("falco")
                        .profile(K8sAuditProfile.NAME)
                        .audit(options)
                        .valuesFile(exampleValues)
                        .outputDirectory(work.resolve("packaged"))
                        .mirror(io.falcooffline.core.MirrorOptions.builder()
                                .caFile(exampleValues.resolveSibling("harbor-ca.pem"))
                                .build())
                        .build(),
                io.falcooffline.core.ProgressListener.SILENT);
        Map<String, Object> packagedPod = Values.mapAt(
                io.falcooffline.core.render.HelmRenderer.render(
                                packaged.chartFile().orElseThrow())
                        .get("Deployment", "falco")
                        .content(),
                "spec.template.spec");
        List<Object> falcoctlContainers = new ArrayList<>(Values.list(packagedPod.get("initContainers")));
        falcoctlContainers.addAll(Values.list(packagedPod.get("containers")));
        assertThat(falcoctlContainers)
                .map(Values::map)
                .filteredOn(container -> String.valueOf(container.get("name")).startsWith("falcoctl-artifact-"))
                .hasSize(2)
                .allSatisfy(container -> {
                    assertThat(TestValues.strings(Values.list(container.get("args"))))
                            .doesNotContain("--plain-http");
                    assertThat(Values.list(container.get("env")))
                            .map(Values::map)
                            .anySatisfy(env -> assertThat(env).containsEntry("name", "SSL_CERT_FILE"));
                });
        assertThat(rendered.ofKind("DaemonSet")).isEmpty();
        assertThat(rendered.webhookPort()).containsEntry("port", 9765).containsEntry("nodePort", 30007);
        assertKubeconfigAgrees(written.webhookKubeconfig(), rendered, "192.168.5.10");
    }

    @Test
    void shouldDeliverAuditEventToOpenParamsListenerWhenPostedThroughNodePort() throws Exception {
        int pluginPort = freeEphemeralPort();
        try (ServerSocket nodePort = bindFreeNodePort()) {
            AuditOptions options = AuditOptions.builder()
                    .servicePort(pluginPort)
                    .nodePort(nodePort.getLocalPort())
                    .webhookAddress("127.0.0.1")
                    .build();
            Map<String, Object> profile = K8sAuditProfile.values(options);
            Map<String, Object> effective = TestValues.coalesce(TestValues.upstreamDefaults(), profile);
            AuditConsistency.check(effective, options, DeliveredRules.fromValues(effective));
            Rendered rendered = render(List.of(valuesFile("profile.yaml", profile)));
            ControlPlaneFiles.Written written =
                    ControlPlaneFiles.write(work.resolve("out/audit"), options, effective, RELEASE, NAMESPACE);

            Map<String, Object> port = rendered.webhookPort();
            int targetPort = Values.integer(port.getOrDefault("targetPort", port.get("port")))
                    .orElseThrow();
            assertThat(Values.integer(port.get("nodePort"))).contains(nodePort.getLocalPort());
            // kube-proxy's part: the node port forwards to the Service's targetPort on the pod.
            try (Forwarder ignored = new Forwarder(nodePort, targetPort)) {
                assertEventArrives(written, rendered);
            }
        }
    }

    @Test
    void shouldDeliverAuditEventToOpenParamsListenerWhenPostedToClusterIpService() throws Exception {
        AuditOptions options = AuditOptions.builder()
                .serviceType(AuditOptions.ServiceType.CLUSTER_IP)
                .servicePort(freeEphemeralPort())
                .path("/audit/events")
                .webhookAddress("127.0.0.1")
                .build();
        Map<String, Object> profile = K8sAuditProfile.values(options);
        Map<String, Object> effective = TestValues.coalesce(TestValues.upstreamDefaults(), profile);
        AuditConsistency.check(effective, options, DeliveredRules.fromValues(effective));
        Rendered rendered = render(List.of(valuesFile("profile.yaml", profile)));
        ControlPlaneFiles.Written written =
                ControlPlaneFiles.write(work.resolve("out/audit"), options, effective, RELEASE, NAMESPACE);

        assertThat(Values.stringAt(rendered.named("Service", "falco-k8saudit-webhook"), "spec.type"))
                .isEqualTo("ClusterIP");
        assertThat(rendered.webhookPort()).doesNotContainKey("nodePort");
        assertEventArrives(written, rendered);
    }

    private void assertEventArrives(ControlPlaneFiles.Written written, Rendered rendered) throws Exception {
        Map<String, Object> falcoYaml = rendered.falcoConfiguration();
        URI listen = URI.create(openParams(falcoYaml).replace("://:", "://0.0.0.0:"));
        BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
        // Bound as the plugin binds: the port of open_params (on loopback here), one exact path, POST and JSON only.
        HttpServer listener =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen.getPort()), 0);
        listener.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            boolean accepted = path.equals(listen.getPath())
                    && exchange.getRequestMethod().equals("POST")
                    && String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))
                            .contains("application/json");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (accepted) {
                received.add(path + " " + new String(body, StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(accepted ? 200 : 404, -1);
            exchange.close();
        });
        listener.start();
        try {
            String server = kubeconfigServer(written.webhookKubeconfig());
            assertThat(server).isEqualTo(written.webhookUrl());
            String auditId = "5b3ad5e4-" + System.nanoTime();
            String eventList = """
                    {"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[{"level":"Metadata",\
                    "auditID":"%s","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/serviceaccounts",\
                    "verb":"create","user":{"username":"kubernetes-admin","groups":["system:masters"]},\
                    "objectRef":{"resource":"serviceaccounts","namespace":"default","name":"falco-audit-test",\
                    "apiVersion":"v1"},"responseStatus":{"code":201},\
                    "requestReceivedTimestamp":"2026-11-22T10:00:00.000000Z","stageTimestamp":"2026-11-22T10:00:00.010000Z"}]}
                    """.formatted(auditId);
            HttpResponse<String> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(server))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(eventList))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            String arrived = received.poll(5, TimeUnit.SECONDS);
            assertThat(arrived)
                    .startsWith(listen.getPath() + " ")
                    .contains(auditId)
                    .contains("\"EventList\"");
        } finally {
            listener.stop(0);
        }
    }

    private static void assertKubeconfigAgrees(Path kubeconfig, Rendered rendered, String address) throws IOException {
        URI server = URI.create(kubeconfigServer(kubeconfig));
        Map<String, Object> service = rendered.named("Service", "falco-k8saudit-webhook");
        Map<String, Object> port = rendered.webhookPort();
        URI listen = URI.create(openParams(rendered.falcoConfiguration()).replace("://:", "://0.0.0.0:"));
        int targetPort = Values.integer(port.getOrDefault("targetPort", port.get("port")))
                .orElseThrow();
        int reachedOn = Values.stringAt(service, "spec.type").equals("NodePort")
                ? Values.integer(port.get("nodePort")).orElseThrow()
                : Values.integer(port.get("port")).orElseThrow();

        assertThat(server.getScheme()).isEqualTo(listen.getScheme());
        assertThat(server.getHost()).isEqualTo(address);
        assertThat(server.getPort()).isEqualTo(reachedOn);
        assertThat(server.getPath()).isEqualTo(listen.getPath());
        assertThat(targetPort).isEqualTo(listen.getPort());
    }

    private static String kubeconfigServer(Path kubeconfig) throws IOException {
        Map<String, Object> config = SafeYaml.loadMap(Files.readString(kubeconfig), kubeconfig.toString());
        return Values.stringAt(Values.map(Values.list(config.get("clusters")).get(0)), "cluster.server");
    }

    private static List<String> pluginNames(Map<String, Object> falcoYaml) {
        return Values.listAt(falcoYaml, "plugins").stream()
                .map(plugin -> Values.string(Values.map(plugin).get("name")))
                .toList();
    }

    private static String openParams(Map<String, Object> falcoYaml) {
        return Values.listAt(falcoYaml, "plugins").stream()
                .map(Values::map)
                .filter(plugin -> "k8saudit".equals(plugin.get("name")))
                .map(plugin -> Values.string(plugin.get("open_params")))
                .findFirst()
                .orElseThrow();
    }

    private Path valuesFile(String name, Map<String, Object> values) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, SafeYaml.dump(values));
        return file;
    }

    private static Rendered render(List<Path> valuesFiles) {
        TemplateCommand command = Helm.template(TestValues.upstreamChart().toString())
                .withName(RELEASE)
                .withNamespace(NAMESPACE);
        valuesFiles.forEach(command::withValuesFile);
        return new Rendered(command.call());
    }

    private static int freeEphemeralPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ServerSocket bindFreeNodePort() throws IOException {
        int range = AuditOptions.NODE_PORT_MAX - AuditOptions.NODE_PORT_MIN + 1;
        int start = ThreadLocalRandom.current().nextInt(range);
        for (int i = 0; i < range; i++) {
            int port = AuditOptions.NODE_PORT_MIN + (start + i) % range;
            try {
                return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port in the node port range on loopback");
    }

    /** The rendered manifests. */
    private record Rendered(List<Map<String, Object>> documents) {

        Rendered(String manifests) {
            this(load(manifests));
        }

        private static List<Map<String, Object>> load(String manifests) {
            List<Map<String, Object>> documents = new ArrayList<>();
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(manifests)) {
                if (document instanceof Map<?, ?>) {
                    documents.add(Values.map(document));
                }
            }
            return documents;
        }

        List<Map<String, Object>> ofKind(String kind) {
            return documents.stream()
                    .filter(document -> kind.equals(document.get("kind")))
                    .toList();
        }

        static String name(Map<String, Object> document) {
            return Values.stringAt(document, "metadata.name");
        }

        Map<String, Object> named(String kind, String name) {
            Optional<Map<String, Object>> found = ofKind(kind).stream()
                    .filter(document -> name.equals(name(document)))
                    .findFirst();
            assertThat(found).as("%s %s in the rendered chart", kind, name).isPresent();
            return found.get();
        }

        Map<String, Object> webhookPort() {
            List<?> ports = Values.listAt(named("Service", "falco-k8saudit-webhook"), "spec.ports");
            assertThat(ports).hasSize(1);
            return Values.map(ports.get(0));
        }

        Map<String, Object> falcoConfiguration() {
            return SafeYaml.loadMap(
                    Values.string(
                            Values.mapAt(named("ConfigMap", "falco"), "data").get("falco.yaml")),
                    "rendered falco.yaml");
        }

        List<String> falcoctlInstallRefs() {
            Map<String, Object> falcoctl = SafeYaml.loadMap(
                    Values.string(Values.mapAt(named("ConfigMap", "falco-falcoctl"), "data")
                            .get("falcoctl.yaml")),
                    "rendered falcoctl.yaml");
            return Values.listAt(falcoctl, "artifact.install.refs").stream()
                    .map(Values::string)
                    .toList();
        }
    }

    /** Forwards every connection accepted on a bound socket to a loopback port, as kube-proxy does for a node port. */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread acceptor;

        Forwarder(ServerSocket socket, int targetPort) {
            this.socket = socket;
            this.acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                        pipe(client, target);
                        pipe(target, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void pipe(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                try (InputStream in = from.getInputStream()) {
                    OutputStream out = to.getOutputStream();
                    in.transferTo(out);
                    to.shutdownOutput();
                } catch (IOException e) {
                    // the other side closed
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
