package io.falcooffline.core.oci.registry;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.io.Json;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The few calls of Harbor's REST API ({@code /api/v2.0}, described by goharbor/harbor's
 * {@code api/v2.0/swagger.yaml}) that a push needs before copying: is this registry a Harbor, does a project exist,
 * create it. Harbor refuses a push into a missing project only once the copy has started, with a bare
 * authorization error from its token service; asking first gives a message that names the project.
 *
 * <p>Harbor's API takes the same Basic credentials as its token service, robot accounts ({@code robot$name})
 * included, and skips its CSRF check for {@code /api/} requests without a session (goharbor/harbor
 * {@code src/server/middleware/csrf/csrf.go}).
 */
public final class HarborApi implements Closeable {

    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final RegistryClientOptions options;
    private final RegistryHttp http;

    private HarborApi(RegistryClientOptions options, RegistryHttp http) {
        this.options = options;
        this.http = http;
    }

    /**
     * Asks {@code GET /api/v2.0/systeminfo}, which Harbor answers anonymously with its general settings (among them
     * {@code auth_mode}, goharbor/harbor {@code src/server/v2.0/handler/systeminfo.go}); a plain distribution
     * registry answers 404.
     *
     * @return the API when the registry is a Harbor; close it
     */
    public static Optional<HarborApi> detect(RegistryClientOptions options, ProgressListener listener) {
        RegistryHttp http = new RegistryHttp(options, listener);
        try {
            RegistryHttp.Request request =
                    RegistryHttp.Request.of("GET", http.base().resolve("api/v2.0/systeminfo"), "systeminfo", List.of());
            try (RegistryHttp.Response response = http.executeUnauthenticated(request, null)) {
                if (response.status() == 200 && isHarborSystemInfo(response.readBody(MAX_BODY_BYTES))) {
                    return Optional.of(new HarborApi(options, http));
                }
            }
        } catch (IOException | RegistryException e) {
            listener.debug(http.description() + " is taken for a plain registry: GET /api/v2.0/systeminfo failed ("
                    + e.getMessage() + ")");
        }
        http.close();
        return Optional.empty();
    }

    private static boolean isHarborSystemInfo(byte[] body) {
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            return root.isObject() && root.has("auth_mode");
        } catch (JacksonException e) {
            return false;
        }
    }

    /** Whether credentials for the API are configured and may be sent to it. */
    public boolean canAuthenticate() {
        return options.credentials().isPresent() && (!options.plainHttp() || options.allowCredentialsOverHttp());
    }

    /**
     * {@code HEAD /api/v2.0/projects?project_name=<name>}: 200 when the project exists, 404 when not; Harbor asks
     * for a login first (goharbor/harbor {@code src/server/v2.0/handler/project.go}, {@code HeadProject}).
     *
     * @throws RegistryException when Harbor refuses the credentials or answers otherwise
     */
    public boolean projectExists(String project) {
        RegistryHttp.Request request = RegistryHttp.Request.of(
                "HEAD",
                http.base().resolve("api/v2.0/projects?project_name=" + RegistryHttp.urlEncode(project)),
                "project " + project,
                List.of());
        try (RegistryHttp.Response response = http.executeUnauthenticated(request, authorization())) {
            return switch (response.status()) {
                case 200 -> true;
                case 404 -> false;
                default -> throw failure(response, "look up project '" + project + "'", "");
            };
        }
    }

    /**
     * {@code POST /api/v2.0/projects} with {@code {"project_name": name, "metadata": {"public": "false"}}}: a private
     * project. Harbor answers 201, or 409 when it exists already (created meanwhile), which is as good.
     *
     * @throws RegistryException when Harbor refuses (a robot account that is not system-level, a user who may not
     *     create projects)
     */
    public void createPrivateProject(String project) {
        byte[] body = ("{\"project_name\":" + Json.MAPPER.writeValueAsString(project)
                        + ",\"metadata\":{\"public\":\"false\"}}")
                .getBytes(StandardCharsets.UTF_8);
        RegistryHttp.Request request = RegistryHttp.Request.of(
                        "POST", http.base().resolve("api/v2.0/projects"), "create project " + project, List.of())
                .header("Content-Type", "application/json")
                .body(body, 0, body.length);
        try (RegistryHttp.Response response = http.executeUnauthenticated(request, authorization())) {
            if (response.status() != 201 && response.status() != 409) {
                throw failure(
                        response,
                        "create project '" + project + "'",
                        " Creating a project takes a Harbor administrator or a system-level robot account with"
                                + " the project create permission; or create it in Harbor's UI (Projects > New"
                                + " Project).");
            }
        }
    }

    private String authorization() {
        return canAuthenticate()
                ? RegistryAuth.basicHeader(options.credentials().orElseThrow())
                : null;
    }

    private RegistryException failure(RegistryHttp.Response response, String action, String hint) {
        int status = response.status();
        String detail = response.errorSummary();
        String who = options.credentials()
                .map(credentials -> "user '" + credentials.username() + "'")
                .orElse("anonymous access");
        String reason = switch (status) {
            case 401 -> " refused " + who + " (401)";
            case 403 -> " does not allow " + who + " to " + action + " (403)";
            default -> " answered " + status;
        };
        return new RegistryException(
                status,
                "Harbor at " + options.host() + reason + detail + " when asked to " + action + "."
                        + (status == 401 ? " Check the user name and password (robot accounts: robot$name)." : "")
                        + hint,
                null);
    }

    @Override
    public void close() {
        http.close();
    }
}
