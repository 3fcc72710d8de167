package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {

    @TempDir
    Path temp;

    @Test
    void shouldSplitAuthAtTheFirstColonOnlyWhenPasswordContainsColons() throws Exception {
        Path config = write(
                "{\"auths\":{\"harbor.example.com:30003\":{\"auth\":\"" + base64("robot$ci:pa:ss:word") + "\"}}}");

        DockerConfigCredentials credentials = DockerConfigCredentials.load(config, List.of());

        assertThat(credentials.lookup("harbor.example.com:30003"))
                .contains(RegistryCredentials.basic("robot$ci", "pa:ss:word"));
        assertThat(credentials.lookup("other.example.com")).isEmpty();
    }

    @Test
    void shouldMatchAuthKeysWrittenAsUrlsAndDockerHubUnderAnyOfItsNames() throws Exception {
        Path config = write("{\"auths\":{"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + base64("hubuser:hubpass") + "\"},"
                + "\"http://192.168.5.96:30003/v2/\":{\"auth\":\"" + base64("admin:Harbor12345") + "\"}}}");

        DockerConfigCredentials credentials = DockerConfigCredentials.load(config, List.of());

        assertThat(credentials.lookup("docker.io")).contains(RegistryCredentials.basic("hubuser", "hubpass"));
        assertThat(credentials.lookup("registry-1.docker.io"))
                .contains(RegistryCredentials.basic("hubuser", "hubpass"));
        assertThat(credentials.lookup("192.168.5.96:30003"))
                .contains(RegistryCredentials.basic("admin", "Harbor12345"));
    }

    @Test
    void shouldReturnIdentityTokenWhenEntryHasOne() throws Exception {
        Path config = write("{\"auths\":{\"registry.example.com\":{\"auth\":\"" + base64("alice:") + "\","
                + "\"identitytoken\":\"refresh-123\"}}}");

        assertThat(DockerConfigCredentials.load(config, List.of()).lookup("registry.example.com"))
                .contains(RegistryCredentials.identityToken("alice", "refresh-123"));
    }

    @Test
    void shouldRunTheRegistrysCredentialHelperWithTheServerOnStdin() throws Exception {
        Path bin = helper(
                "pass",
                "cat > \"$(dirname \"$0\")/stdin.txt\"\n"
                        + "echo '{\"ServerURL\":\"x\",\"Username\":\"helper-user\",\"Secret\":\"helper:secret\"}'");
        Path config = write("{\"credHelpers\":{\"harbor.example.com\":\"pass\"},"
                + "\"auths\":{\"harbor.example.com\":{\"auth\":\"" + base64("inline:ignored") + "\"}}}");

        assertThat(DockerConfigCredentials.load(config, List.of(bin)).lookup("harbor.example.com"))
                .contains(RegistryCredentials.basic("helper-user", "helper:secret"));
        assertThat(Files.readString(bin.resolve("stdin.txt"))).isEqualTo("harbor.example.com");
    }

    @Test
    void shouldUseCredsStoreAndReadTokenUsernameAsIdentityToken() throws Exception {
        Path bin = helper("store", "cat > /dev/null\necho '{\"Username\":\"<token>\",\"Secret\":\"id-token\"}'");
        Path config = write("{\"credsStore\":\"store\"}");

        assertThat(DockerConfigCredentials.load(config, List.of(bin)).lookup("ghcr.io"))
                .contains(RegistryCredentials.identityToken("<token>", "id-token"));
    }

    @Test
    void shouldFallBackToAuthsWhenTheHelperKnowsNothing() throws Exception {
        Path bin = helper("store", "cat > /dev/null\necho 'credentials not found in native keychain'\nexit 1");
        Path config = write("{\"credsStore\":\"store\",\"auths\":{\"ghcr.io\":{\"auth\":\"" + base64("u:p") + "\"}}}");

        assertThat(DockerConfigCredentials.load(config, List.of(bin)).lookup("ghcr.io"))
                .contains(RegistryCredentials.basic("u", "p"));
        assertThat(DockerConfigCredentials.load(config, List.of(bin)).lookup("quay.io"))
                .isEmpty();
    }

    @Test
    void shouldRejectHelperNamesThatCouldSelectAnotherProgram() throws Exception {
        for (String name : List.of("../../bin/sh", "x/y", "..", "a b")) {
            Path config = write("{\"credHelpers\":{\"harbor.example.com\":\"" + name + "\"}}");

            assertThatThrownBy(() ->
                            DockerConfigCredentials.load(config, List.of(temp)).lookup("harbor.example.com"))
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining("'" + name + "'")
                    .hasMessageContaining("credHelpers.harbor.example.com")
                    .hasMessageContaining("no '/' or '..'");
        }
    }

    @Test
    void shouldNameTheMissingHelperProgram() throws Exception {
        Path config = write("{\"credsStore\":\"desktop\"}");

        assertThatThrownBy(() ->
                        DockerConfigCredentials.load(config, List.of(temp)).lookup("ghcr.io"))
                .hasMessageContaining("docker-credential-desktop")
                .hasMessageContaining("not on PATH");
    }

    @Test
    void shouldReportAFailingHelperWithItsError() throws Exception {
        Path bin = helper("broken", "cat > /dev/null\necho 'keychain locked' >&2\nexit 3");
        Path config = write("{\"credsStore\":\"broken\"}");

        assertThatThrownBy(
                        () -> DockerConfigCredentials.load(config, List.of(bin)).lookup("ghcr.io"))
                .hasMessageContaining("exit 3")
                .hasMessageContaining("keychain locked");
    }

    @Test
    void shouldNeverEchoWhatAHelperPrintsInsteadOfJson() throws Exception {
        for (String output :
                List.of("s3cr3t-raw-helper-secret", "{\"Username\":\"u\",\"Secret\":\"s3cr3t-raw-helper-secret")) {
            Path bin = helper("raw", "cat > /dev/null\necho '" + output + "'");
            Path config = write("{\"credsStore\":\"raw\"}");

            assertThatThrownBy(() ->
                            DockerConfigCredentials.load(config, List.of(bin)).lookup("ghcr.io"))
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining("docker-credential-raw")
                    .hasMessageContaining("ghcr.io")
                    .satisfies(e -> assertThat(causeChain(e)).doesNotContain("s3cr3t"));
        }
    }

    @Test
    void shouldNeverEchoAnAuthsEntryWhenTheConfigIsNotJson() throws Exception {
        Path config = write("{\"auths\":{\"ghcr.io\":{\"auth\":s3cr3tUnquotedAuth}}}");

        assertThatThrownBy(() -> DockerConfigCredentials.load(config, List.of()))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(config.toString())
                .satisfies(e -> assertThat(causeChain(e)).doesNotContain("s3cr3t"));
    }

    /** Every message of the cause chain, as Maven prints them. */
    private static String causeChain(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
        }
        return text.toString();
    }

    @Test
    void shouldHonourDockerConfigAndNameTheFileWhenItIsNotJson() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("custom-docker"));
        Files.writeString(directory.resolve("config.json"), "{\"auths\": {");

        assertThatThrownBy(() -> DockerConfigCredentials.load(Map.of("DOCKER_CONFIG", directory.toString())))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(directory.resolve("config.json").toString())
                .hasMessageContaining("not valid JSON");
        DockerConfigCredentials home = DockerConfigCredentials.load(Map.of("HOME", temp.toString()));
        assertThat(home.configFile()).isEqualTo(temp.resolve(".docker/config.json"));
        assertThat(home.lookup("ghcr.io")).isEmpty();
    }

    @Test
    void shouldNameTheEntryWhenAuthIsNotUserColonPassword() throws Exception {
        Path config = write("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + base64("no-colon-here") + "\"}}}");

        assertThatThrownBy(() -> DockerConfigCredentials.load(config, List.of()).lookup("ghcr.io"))
                .hasMessageContaining("'ghcr.io'")
                .hasMessageContaining("user:password")
                .hasMessageNotContaining("no-colon-here");
    }

    private Path write(String json) throws Exception {
        return Files.writeString(temp.resolve("config.json"), json);
    }

    private Path helper(String name, String script) throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path program = bin.resolve("docker-credential-" + name);
        Files.writeString(program, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
