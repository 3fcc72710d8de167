package io.falcooffline.core.oci.registry;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.plan.OciReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Registry credentials from a Docker client configuration ({@code config.json}), as {@code docker login}, {@code
 * podman login} and falcoctl write it: per-registry {@code credHelpers}, the default {@code credsStore}, and inline
 * {@code auths} entries (base64 {@code user:password}, or an identity token). Looked up in that order; a helper that
 * knows nothing about the registry passes on to the next source.
 *
 * <p>Credential helpers are the executables {@code docker-credential-<name>} on the search path, run with {@code
 * get} and the server on standard input. Names are restricted to {@code [A-Za-z0-9._-]} so a configuration file
 * cannot point at another program.
 */
public final class DockerConfigCredentials {

    private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";
    private static final String TOKEN_USER = "<token>";
    private static final long HELPER_TIMEOUT_SECONDS = 30;
    private static final int HELPER_OUTPUT_LIMIT = 1024 * 1024;

    private final Path configFile;
    private final List<Path> helperSearchPath;
    private final JsonNode config;

    private DockerConfigCredentials(Path configFile, List<Path> helperSearchPath, JsonNode config) {
        this.configFile = configFile;
        this.helperSearchPath = List.copyOf(helperSearchPath);
        this.config = config;
    }

    /**
     * Reads the configuration of the current user: {@code $DOCKER_CONFIG/config.json}, else {@code
     * ~/.docker/config.json}; helpers are searched on {@code PATH}.
     *
     * @return the credentials source; empty when there is no such file
     * @throws FalcoOfflineException when the file exists but is not valid JSON
     */
    public static DockerConfigCredentials load() {
        Map<String, String> environment = new java.util.HashMap<>(System.getenv());
        environment.putIfAbsent("HOME", System.getProperty("user.home"));
        return load(environment);
    }

    /**
     * Reads the configuration that an environment points at: {@code DOCKER_CONFIG}, else {@code HOME/.docker}, with
     * helpers on {@code PATH}.
     *
     * @param environment the environment variables to use
     * @return the credentials source; empty when there is no such file
     */
    public static DockerConfigCredentials load(Map<String, String> environment) {
        String dockerConfig = environment.get("DOCKER_CONFIG");
        Path directory = dockerConfig != null && !dockerConfig.isBlank()
                ? Path.of(dockerConfig)
                : Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
        List<Path> searchPath = new ArrayList<>();
        for (String entry : environment.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                searchPath.add(Path.of(entry));
            }
        }
        return load(directory.resolve("config.json"), searchPath);
    }

    /**
     * Reads a given configuration file.
     *
     * @param configFile the {@code config.json}; a missing file gives a source without credentials
     * @param helperSearchPath the directories searched for {@code docker-credential-*} helpers
     * @return the credentials source
     * @throws FalcoOfflineException when the file exists but cannot be read or is not valid JSON
     */
    public static DockerConfigCredentials load(Path configFile, List<Path> helperSearchPath) {
        if (!Files.isRegularFile(configFile)) {
            // Not the mapper's: a run's first registry client would wait for the mapper's start-up on its own thread.
            return new DockerConfigCredentials(configFile, helperSearchPath, JsonNodeFactory.instance.objectNode());
        }
        try {
            JsonNode config = Json.MAPPER.readTree(Files.readAllBytes(configFile));
            if (!config.isObject()) {
                throw new FalcoOfflineException(
                        "Docker configuration " + configFile + " is not a JSON object; fix or remove it");
            }
            return new DockerConfigCredentials(configFile, helperSearchPath, config);
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot read Docker configuration " + configFile + ": " + e, e);
        } catch (JacksonException e) {
            // The parser's message quotes the text it choked on, which may be a password: only the place is shown.
            throw new FalcoOfflineException(
                    "Docker configuration " + configFile + " is not valid JSON" + where(e) + "; fix or remove it");
        }
    }

    /** The configuration file this source reads. */
    public Path configFile() {
        return configFile;
    }

    /**
     * Finds the credentials for a registry.
     *
     * @param registry the registry as {@code host[:port]}; Docker Hub under any of its names
     * @return the credentials, or empty when the configuration has none for it
     * @throws FalcoOfflineException when an entry is malformed, a helper name is unsafe, or a helper fails
     */
    public Optional<RegistryCredentials> lookup(String registry) {
        String host = OciReference.canonicalRegistry(registry);
        String server = OciReference.isDockerHub(host) ? DOCKER_HUB_SERVER : host;
        JsonNode helpers = config.path("credHelpers");
        for (Map.Entry<String, JsonNode> entry : helpers.properties()) {
            if (serverMatches(entry.getKey(), host)) {
                Optional<RegistryCredentials> found =
                        runHelper(entry.getValue().asString(""), "credHelpers." + entry.getKey(), server);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        String store = config.path("credsStore").asString("");
        if (!store.isEmpty()) {
            Optional<RegistryCredentials> found = runHelper(store, "credsStore", server);
            if (found.isPresent()) {
                return found;
            }
        }
        for (Map.Entry<String, JsonNode> entry : config.path("auths").properties()) {
            if (serverMatches(entry.getKey(), host)) {
                Optional<RegistryCredentials> found = inline(entry.getKey(), entry.getValue());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<RegistryCredentials> inline(String key, JsonNode entry) {
        String identityToken = entry.path("identitytoken").asString("");
        String auth = entry.path("auth").asString("");
        String username = entry.path("username").asString("");
        String password = entry.path("password").asString("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getMimeDecoder().decode(auth), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw malformed(key, "its \"auth\" is not base64");
            }
            // Only the first ':' separates: passwords may contain ':' themselves.
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw malformed(key, "its \"auth\" does not decode to user:password");
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        if (!identityToken.isEmpty()) {
            return Optional.of(
                    RegistryCredentials.identityToken(username.isEmpty() ? TOKEN_USER : username, identityToken));
        }
        if (username.isEmpty() && password.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RegistryCredentials.basic(username, password));
    }

    private Optional<RegistryCredentials> runHelper(String name, String key, String server) {
        if (!HELPER_NAME.matcher(name).matches() || name.contains("..")) {
            throw new FalcoOfflineException(
                    "Docker configuration " + configFile + " names the credential helper '" + name + "' in " + key
                            + "; a helper name may contain only letters, digits, '.', '_' and '-' (no '/' or '..'),"
                            + " as it selects the program docker-credential-<name> on PATH");
        }
        String program = "docker-credential-" + name;
        Path executable = helperSearchPath.stream()
                .map(directory -> directory.resolve(program))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new FalcoOfflineException("Credential helper " + program + " (" + key + " in "
                        + configFile + ") is not on PATH; " + "install it or remove the entry"));
        Process process;
        try {
            process = new ProcessBuilder(executable.toString(), "get").start();
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot run credential helper " + executable + ": " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> stdout = drain(process.getInputStream());
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(server.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // A helper may exit before reading; its exit status tells.
        }
        try {
            if (!process.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new FalcoOfflineException("Credential helper " + executable + " did not finish within "
                        + HELPER_TIMEOUT_SECONDS + " s for " + server);
            }
            String out = new String(stdout.join(), StandardCharsets.UTF_8);
            String err = new String(stderr.join(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                if ((out + err).toLowerCase(Locale.ROOT).contains("credentials not found")) {
                    return Optional.empty();
                }
                throw new FalcoOfflineException("Credential helper " + executable + " failed for " + server + " (exit "
                        + process.exitValue() + "): " + firstLine(err.isBlank() ? out : err));
            }
            JsonNode answer = Json.MAPPER.readTree(out);
            String username = answer.path("Username").asString("");
            String secret = answer.path("Secret").asString("");
            if (secret.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(
                    TOKEN_USER.equals(username)
                            ? RegistryCredentials.identityToken(TOKEN_USER, secret)
                            : RegistryCredentials.basic(username, secret));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new FalcoOfflineException("Interrupted while running credential helper " + executable, e);
        } catch (JacksonException e) {
            // What a helper prints instead of JSON may be the secret itself: neither it nor the parser's message
            // (which quotes it) is shown.
            throw new FalcoOfflineException("Credential helper " + executable + " answered for " + server
                    + " with something that is not the JSON object {\"Username\": …, \"Secret\": …} a helper gives"
                    + where(e) + "; its output is not shown, as it may hold the secret. Fix or update the helper.");
        }
    }

    private static String where(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() <= 0
                ? ""
                : " (at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    private FalcoOfflineException malformed(String key, String problem) {
        return new FalcoOfflineException("Docker configuration " + configFile + ": the auths entry '" + key + "' is "
                + "malformed, " + problem + ". Run the registry login again or fix the entry.");
    }

    /** Compares a config key (a host, or a URL such as {@code https://index.docker.io/v1/}) with a registry. */
    private static boolean serverMatches(String key, String host) {
        String server = key.toLowerCase(Locale.ROOT);
        int scheme = server.indexOf("://");
        if (scheme >= 0) {
            server = server.substring(scheme + 3);
        }
        int slash = server.indexOf('/');
        if (slash >= 0) {
            server = server.substring(0, slash);
        }
        return OciReference.canonicalRegistry(server).equals(host);
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (out.size() + n <= HELPER_OUTPUT_LIMIT) {
                        out.write(buffer, 0, n);
                    }
                }
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String firstLine(String text) {
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        String line = newline < 0 ? trimmed : trimmed.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    @Override
    public String toString() {
        return "DockerConfigCredentials[" + configFile + "]";
    }
}
