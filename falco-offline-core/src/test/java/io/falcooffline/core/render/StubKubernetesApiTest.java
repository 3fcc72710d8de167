package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StubKubernetesApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StubKubernetesApi stub = StubKubernetesApi.ensureRunning();
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void shouldWriteTheKubeconfigNamedByTheEnvironmentWhenStarted() throws Exception {
        Path kubeconfig = Path.of(System.getenv(StubKubernetesApi.KUBECONFIG)).toAbsolutePath();

        assertThat(stub.kubeconfig()).isEqualTo(kubeconfig);
        assertThat(Files.readString(kubeconfig))
                .contains("server: " + stub.baseUri())
                .contains("current-context: stub");
        assertThat(StubKubernetesApi.ensureRunning()).isSameAs(stub);
    }

    @Test
    void shouldListCoreResourcesIncludingSecretsWhenAskedForApiV1() throws Exception {
        Map<String, Object> list = getJson("/api/v1", 200);

        assertThat(list).containsEntry("kind", "APIResourceList").containsEntry("groupVersion", "v1");
        assertThat(resources(list))
                .contains(Map.of(
                        "name",
                        "secrets",
                        "singularName",
                        "secret",
                        "namespaced",
                        true,
                        "kind",
                        "Secret",
                        "verbs",
                        List.of("get", "list", "watch")));
    }

    @Test
    void shouldAnswerDiscoveryWhenAskedForVersionsGroupsAndGroupResources() throws Exception {
        assertThat(getJson("/api", 200)).containsEntry("versions", List.of("v1"));
        assertThat(getJson("/version", 200)).containsEntry("gitVersion", StubKubernetesApi.GIT_VERSION);
        Map<String, Object> groups = getJson("/apis", 200);
        assertThat(groups).containsEntry("kind", "APIGroupList");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groupList = (List<Map<String, Object>>) groups.get("groups");
        assertThat(groupList)
                .extracting(group -> group.get("name"))
                .contains("apps", "batch", "rbac.authorization.k8s.io");
        assertThat(resources(getJson("/apis/apps/v1", 200)))
                .extracting(resource -> resource.get("kind"))
                .contains("Deployment", "DaemonSet", "StatefulSet");
    }

    @Test
    void shouldAnswerNotFoundWhenAnObjectIsRequested() throws Exception {
        Map<String, Object> status = getJson("/api/v1/namespaces/falco/secrets/falco-talon-config", 404);

        assertThat(status)
                .containsEntry("kind", "Status")
                .containsEntry("reason", "NotFound")
                .containsEntry("code", 404)
                .containsEntry("message", "secrets \"falco-talon-config\" not found");
        assertThat(getJson("/apis/apps/v1/namespaces/falco/deployments/falco", 404))
                .containsEntry("message", "deployments.apps \"falco\" not found");
        assertThat(getJson("/api/v1/nodes/node-1", 404)).containsEntry("reason", "NotFound");
    }

    @Test
    void shouldAnswerAnEmptyListWhenACollectionIsRequested() throws Exception {
        assertThat(getJson("/api/v1/namespaces/falco/configmaps", 200))
                .containsEntry("kind", "ConfigMapList")
                .containsEntry("items", List.of());
    }

    @Test
    void shouldAnswerNotFoundWhenTheResourceTypeIsUnknown() throws Exception {
        assertThat(getJson("/api/v1/namespaces/falco/widgets/x", 404)).containsEntry("reason", "NotFound");
        assertThat(getJson("/apis/example.com/v1", 404)).containsEntry("reason", "NotFound");
        assertThat(getJson("/api/v2", 404)).containsEntry("reason", "NotFound");
    }

    @Test
    void shouldRefuseWritesAndRecordEveryRequestWhenServing() throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(stub.baseUri().resolve("/api/v1/namespaces/falco/secrets"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(stub.requests()).contains("POST /api/v1/namespaces/falco/secrets");
    }

    private Map<String, Object> getJson(String path, int expectedStatus) throws Exception {
        URI uri = stub.baseUri().resolve(path);
        HttpResponse<String> response =
                client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status of GET %s", path).isEqualTo(expectedStatus);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = JSON.readValue(response.body(), Map.class);
        return body;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> resources(Map<String, Object> list) {
        return (List<Map<String, Object>>) list.get("resources");
    }
}
