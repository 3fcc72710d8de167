package io.falcooffline.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Harbor as a client sees it, on loopback: one HTTPS address (a {@link FaultProxy} with a private CA, as Harbor's
 * nginx) in front of the real distribution registry configured for token auth, Harbor's token service at
 * {@code /service/token} (service {@code harbor-registry}, Basic logins of users and robot accounts
 * {@code robot$name}, nothing granted in a project that does not exist), and the project endpoints of its API:
 * {@code GET /api/v2.0/systeminfo} and {@code /api/v2.0/ping} anonymous, {@code HEAD /api/v2.0/projects?project_name=}
 * and {@code POST /api/v2.0/projects} with a login, a non-system robot refused creation with 403 — as goharbor/harbor's
 * {@code api/v2.0/swagger.yaml} and {@code src/server/v2.0/handler/project.go} describe them.
 */
public final class LocalHarbor implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TestCertificates certificates;
    private final FaultProxy front;
    private final TokenServer tokens;
    private final LocalRegistry registry;
    private final Map<String, Boolean> projectsPublic = new ConcurrentHashMap<>();
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final List<String> apiRequests = new CopyOnWriteArrayList<>();

    private record Account(String password, boolean mayCreateProjects) {}

    private LocalHarbor(Path directory) {
        this.certificates = TestCertificates.generate(directory);
        this.front = FaultProxy.startTls(certificates);
        this.tokens = TokenServer.harborStyle(certificates, projectsPublic::containsKey);
        this.registry = LocalRegistry.builder()
                .tokenAuth(tokens, "https://" + front.host() + tokens.path())
                .start();
        front.forwardTo(registry.host()).route("/service/", tokens.host()).handle("/api/", this::api);
    }

    /**
     * Starts one.
     *
     * @param directory an empty directory for its certificates
     */
    public static LocalHarbor start(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LocalHarbor(directory);
    }

    /** Adds a user or robot account ({@code robot$name}) with pull and push in every existing project. */
    public LocalHarbor account(String name, String password, boolean mayCreateProjects) {
        accounts.put(name, new Account(password, mayCreateProjects));
        tokens.user(name, password, "pull", "push");
        return this;
    }

    /** Creates a private project. */
    public LocalHarbor project(String name) {
        projectsPublic.put(name, false);
        return this;
    }

    /** The projects, with whether each is public. */
    public Map<String, Boolean> projects() {
        return Map.copyOf(projectsPublic);
    }

    /** {@code 127.0.0.1:<port>}, HTTPS. */
    public String host() {
        return front.host();
    }

    /** The CA that signed the front's certificate. */
    public Path caFile() {
        return certificates.caCertificate();
    }

    /** The token service, for what it was asked. */
    public TokenServer tokens() {
        return tokens;
    }

    /** The registry behind the front, for its log. */
    public LocalRegistry registry() {
        return registry;
    }

    /** Each API request as {@code METHOD /path?query}. */
    public List<String> apiRequests() {
        return List.copyOf(apiRequests);
    }

    private FaultProxy.Answer api(FaultProxy.Exchange request) {
        apiRequests.add(request.method() + " " + request.target());
        String path = request.target().split("\\?", 2)[0];
        String query = request.target().contains("?") ? request.target().split("\\?", 2)[1] : "";
        if (request.method().equals("GET") && path.equals("/api/v2.0/systeminfo")) {
            return FaultProxy.Answer.json(
                    200,
                    "{\"auth_mode\":\"db_auth\",\"primary_auth_mode\":false,\"self_registration\":false,"
                            + "\"banner_message\":\"\",\"oidc_provider_name\":\"\"}");
        }
        if (request.method().equals("GET") && path.equals("/api/v2.0/ping")) {
            return new FaultProxy.Answer(200, Map.of("Content-Type", "text/plain"), "Pong".getBytes());
        }
        if (!path.equals("/api/v2.0/projects")) {
            return error(404, "NOT_FOUND", "not found");
        }
        Account account = login(request.header("Authorization"));
        if (account == null) {
            return error(401, "UNAUTHORIZED", "unauthorized");
        }
        if (request.method().equals("HEAD")) {
            String name = parameter(query, "project_name");
            return name != null && projectsPublic.containsKey(name)
                    ? new FaultProxy.Answer(200, Map.of(), new byte[0])
                    : error(404, "NOT_FOUND", "project " + name + " not found");
        }
        if (request.method().equals("POST")) {
            if (!account.mayCreateProjects()) {
                return error(403, "FORBIDDEN", "Only system level robot can create project");
            }
            JsonNode body = JSON.readTree(request.body());
            String name = body.path("project_name").asString("");
            if (projectsPublic.containsKey(name)) {
                return error(409, "CONFLICT", "The project named " + name + " already exists");
            }
            projectsPublic.put(
                    name, "true".equals(body.path("metadata").path("public").asString("false")));
            return new FaultProxy.Answer(201, Map.of("Location", "/api/v2.0/projects/1"), new byte[0]);
        }
        return error(405, "METHOD_NOT_ALLOWED", "method not allowed");
    }

    private Account login(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        Account account = colon < 0 ? null : accounts.get(pair.substring(0, colon));
        return account != null && account.password().equals(pair.substring(colon + 1)) ? account : null;
    }

    private static String parameter(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static FaultProxy.Answer error(int status, String code, String message) {
        return FaultProxy.Answer.json(
                status, "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}");
    }

    @Override
    public void close() {
        front.close();
        registry.close();
        tokens.close();
    }
}
