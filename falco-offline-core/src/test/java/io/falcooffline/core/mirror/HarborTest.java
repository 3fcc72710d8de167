package io.falcooffline.core.mirror;

import static io.falcooffline.core.mirror.UpstreamFixture.FALCO_RULES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorCalls;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.MirrorResult;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.PushRequest;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.oci.registry.DockerConfigCredentials;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import io.falcooffline.core.testing.LocalHarbor;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirroring into a Harbor ({@link LocalHarbor}: HTTPS front with a private CA, Bearer tokens from
 * {@code /service/token}, the project API), as a robot account {@code robot$falco-offline}.
 */
class HarborTest {

    private static final String ROBOT = "robot$falco-offline";
    private static final String ROBOT_SECRET = "Xk9$s3cret:Robot";
    private static final String SYSTEM_ROBOT = "robot$ci-admin";
    private static final String SYSTEM_ROBOT_SECRET = "adm1n$ecret";

    @RegisterExtension
    static final UpstreamFixture upstream = UpstreamFixture.perClass();

    @TempDir
    Path temp;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = (level, message) -> log.add(level + " " + message);

    @Test
    void shouldPushIntoAnExistingProjectWithRobotBearerTokensFromHarborsTokenService() throws IOException {
        try (LocalHarbor harbor = LocalHarbor.start(temp.resolve("harbor"))
                .account(ROBOT, ROBOT_SECRET, false)
                .project("falco")) {
            // The robot's '$' through a Docker config, as `docker login` writes it.
            Path dockerConfig = Files.writeString(
                    temp.resolve("config.json"),
                    "{\"auths\":{\"" + harbor.host() + "\":{\"auth\":\""
                            + Base64.getEncoder()
                                    .encodeToString((ROBOT + ":" + ROBOT_SECRET).getBytes(StandardCharsets.UTF_8))
                            + "\"}}}");
            RegistryCredentials robot = DockerConfigCredentials.load(dockerConfig, List.of())
                    .lookup(harbor.host())
                    .orElseThrow();
            assertThat(robot.username()).isEqualTo(ROBOT);

            MirrorResult result = MirrorCalls.run(
                    toHarbor(harbor, robot).build(), harbor.host(), rules(harbor.host()), none(), none(), listener);

            assertThat(challenge(harbor))
                    .contains("Bearer realm=\"https://" + harbor.host() + "/service/token\"")
                    .contains("service=\"harbor-registry\"");
            assertThat(harbor.tokens().requests())
                    .contains(ROBOT + " repository:falco/falcosecurity/rules/falco-rules:pull,push");
            assertThat(harbor.tokens().accountParameters()).isNotEmpty().containsOnly(ROBOT);
            assertThat(harbor.apiRequests()).contains("HEAD /api/v2.0/projects?project_name=falco");
            assertPulledBack(harbor, robot, result);
            assertThat(log)
                    .contains("INFO " + harbor.host() + " is a Harbor; the projects written to exist: falco.")
                    .noneMatch(line -> line.contains(ROBOT_SECRET))
                    .noneMatch(line -> harbor.tokens().issuedTokens().stream().anyMatch(line::contains));
        }
    }

    @Test
    void shouldFailBeforeCopyingNamingTheProjectWhenItIsMissing() {
        try (LocalHarbor harbor = LocalHarbor.start(temp.resolve("harbor")).account(ROBOT, ROBOT_SECRET, false)) {
            RegistryCredentials robot = RegistryCredentials.basic(ROBOT, ROBOT_SECRET);
            // Without the check, Harbor refuses part-way with an authorization error that names no project.
            try (RegistryClient client = new RegistryClient(RegistryClientOptions.builder(harbor.host())
                    .caFile(harbor.caFile())
                    .credentials(robot)
                    .build())) {
                assertThatThrownBy(() -> SyntheticArtifacts.plugin("json", "0.7.0", "3.0.0")
                                .pushTo(client, "falco/json", "0.7.0"))
                        .isInstanceOf(RegistryException.class)
                        .hasMessageNotContaining("project");
            }
            int tokenRequests = harbor.tokens().requestCount();

            assertThatThrownBy(() -> MirrorCalls.run(
                            toHarbor(harbor, robot).build(),
                            harbor.host(),
                            rules(harbor.host()),
                            none(),
                            none(),
                            listener))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.parameter()).isEqualTo("createHarborProject"))
                    .hasMessageContaining("The Harbor at " + harbor.host() + " has no project falco")
                    .hasMessageContaining("Projects > New Project")
                    .hasMessageContaining("set `createHarborProject` to true")
                    .hasMessageContaining("Nothing was copied");
            assertThat(harbor.tokens().requestCount()).isEqualTo(tokenRequests);
            assertThat(harbor.registry().storageDirectory().resolve("docker/registry/v2/repositories"))
                    .doesNotExist();
        }
    }

    @Test
    void shouldCreateTheMissingProjectAsPrivateWhenAskedAndPushIntoIt() {
        try (LocalHarbor harbor =
                LocalHarbor.start(temp.resolve("harbor")).account(SYSTEM_ROBOT, SYSTEM_ROBOT_SECRET, true)) {
            RegistryCredentials robot = RegistryCredentials.basic(SYSTEM_ROBOT, SYSTEM_ROBOT_SECRET);

            MirrorResult result = MirrorCalls.run(
                    toHarbor(harbor, robot).createHarborProject(true).build(),
                    harbor.host(),
                    rules(harbor.host()),
                    none(),
                    none(),
                    listener);

            assertThat(harbor.projects()).isEqualTo(Map.of("falco", false));
            assertThat(harbor.apiRequests()).contains("POST /api/v2.0/projects");
            assertThat(log).contains("INFO Created the private Harbor project falco on " + harbor.host() + ".");
            assertPulledBack(harbor, robot, result);
        }
    }

    @Test
    void shouldSayWhoMayCreateProjectsWhenHarborRefusesTheRobot() {
        try (LocalHarbor harbor = LocalHarbor.start(temp.resolve("harbor")).account(ROBOT, ROBOT_SECRET, false)) {
            MirrorOptions options = toHarbor(harbor, RegistryCredentials.basic(ROBOT, ROBOT_SECRET))
                    .createHarborProject(true)
                    .build();

            assertThatThrownBy(() ->
                            MirrorCalls.run(options, harbor.host(), rules(harbor.host()), none(), none(), listener))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(403))
                    .hasMessageContaining("does not allow user '" + ROBOT + "' to create project 'falco'")
                    .hasMessageContaining("Only system level robot can create project")
                    .hasMessageContaining("system-level robot account")
                    .hasMessageNotContaining(ROBOT_SECRET);
            assertThat(harbor.projects()).isEmpty();
        }
    }

    @Test
    void shouldCheckTheProjectsBeforePushingABundleIntoHarbor() {
        try (LocalHarbor harbor = LocalHarbor.start(temp.resolve("harbor")).account(ROBOT, ROBOT_SECRET, false)) {
            Path bundle = temp.resolve("bundle");
            MirrorCalls.run(
                    upstream.options(MirrorMode.BUNDLE)
                            .caFile(harbor.caFile())
                            .bundle(bundle)
                            .build(),
                    harbor.host(),
                    rules(harbor.host()),
                    none(),
                    none(),
                    ProgressListener.SILENT);
            PushRequest push = PushRequest.builder()
                    .bundle(bundle)
                    .caFile(harbor.caFile())
                    .targetCredentials(RegistryCredentials.basic(ROBOT, ROBOT_SECRET))
                    .build();

            assertThatThrownBy(() -> MirrorCalls.push(push, listener))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("has no project falco");
            harbor.project("falco");
            MirrorResult pushed = MirrorCalls.push(push, listener);

            assertPulledBack(harbor, RegistryCredentials.basic(ROBOT, ROBOT_SECRET), pushed);
        }
    }

    /** One artifact is enough here: every request crosses the TLS front on a connection of its own. */
    private static List<PlannedReference> rules(String registry) {
        return List.of(UpstreamFixture.redirected(ReferenceKind.RULESFILE, FALCO_RULES, registry));
    }

    private static MirrorOptions.Builder toHarbor(LocalHarbor harbor, RegistryCredentials robot) {
        return upstream.options(MirrorMode.PUSH).caFile(harbor.caFile()).credentials(harbor.host(), robot);
    }

    private static void assertPulledBack(LocalHarbor harbor, RegistryCredentials robot, MirrorResult result) {
        LockEntry rules = result.entries().stream()
                .filter(entry -> entry.source().equals(FALCO_RULES))
                .findFirst()
                .orElseThrow();
        OciReference target = OciReference.parse(rules.target());
        try (RegistryClient client = new RegistryClient(RegistryClientOptions.builder(harbor.host())
                .caFile(harbor.caFile())
                .credentials(robot)
                .build())) {
            assertThat(client.resolve(target.repository(), target.tag()))
                    .hasValueSatisfying(found -> assertThat(found.digest()).isEqualTo(rules.targetDigest()));
        }
    }

    /** The {@code WWW-Authenticate} of an anonymous {@code GET /v2/} through Harbor's front. */
    private static String challenge(LocalHarbor harbor) throws IOException {
        javax.net.ssl.HttpsURLConnection connection = (javax.net.ssl.HttpsURLConnection)
                java.net.URI.create("https://" + harbor.host() + "/v2/").toURL().openConnection();
        connection.setSSLSocketFactory(io.falcooffline.core.oci.registry.TlsTrust.systemPlus(
                        Files.readAllBytes(harbor.caFile()), "the Harbor CA")
                .getSocketFactory());
        try {
            assertThat(connection.getResponseCode()).isEqualTo(401);
            return connection.getHeaderField("WWW-Authenticate");
        } finally {
            connection.disconnect();
        }
    }

    private static <T> Optional<T> none() {
        return Optional.empty();
    }
}
