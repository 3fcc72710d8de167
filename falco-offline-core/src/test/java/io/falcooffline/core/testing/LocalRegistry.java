package io.falcooffline.core.testing;

import io.falcooffline.core.oci.registry.RegistryClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The real CNCF distribution registry ({@code /usr/bin/docker-registry}, Debian package {@code docker-registry}) on a
 * free loopback port, with its own configuration and storage in a temporary directory: plain HTTP, TLS with a
 * generated CA, htpasswd Basic auth, or token (Bearer) auth against a {@link TokenServer}. Close it to stop the
 * process and delete its files.
 *
 * <p>{@code try (LocalRegistry registry = LocalRegistry.builder().tls().start()) { … }}, or a static field closed in
 * {@code @AfterAll}.
 */
public final class LocalRegistry implements AutoCloseable {

    /** Where the Debian package installs the registry. */
    public static final String BINARY = "/usr/bin/docker-registry";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

    private final Path directory;
    private final Process process;
    private final int port;
    private final TestCertificates certificates;
    private final Path logFile;

    private LocalRegistry(Path directory, Process process, int port, TestCertificates certificates, Path logFile) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.certificates = certificates;
        this.logFile = logFile;
    }

    /** A loopback port nothing listens on now: for a server a test starts there, or for a host that answers nothing. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a plain-HTTP registry without authentication. */
    public static LocalRegistry startPlain() {
        return builder().start();
    }

    /** Starts configuring a registry. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** Whether it serves HTTPS. */
    public boolean tls() {
        return certificates != null;
    }

    /** The certificates of a TLS registry. */
    public Optional<TestCertificates> certificates() {
        return Optional.ofNullable(certificates);
    }

    /** The PEM file of the CA that signed a TLS registry's certificate. */
    public Optional<Path> caFile() {
        return certificates().map(TestCertificates::caCertificate);
    }

    /** Its storage root. */
    public Path storageDirectory() {
        return directory.resolve("storage");
    }

    /** The file holding its log. */
    public Path logFile() {
        return logFile;
    }

    /** Its log so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Client options for this registry: host, and plainHttp or caFile as it needs. */
    public RegistryClientOptions.Builder clientOptions() {
        RegistryClientOptions.Builder options = RegistryClientOptions.builder(host());
        return tls() ? options.caFile(certificates.caCertificate()) : options.plainHttp(true);
    }

    /** Whether the process still runs. */
    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteRecursively(directory);
    }

    @Override
    public String toString() {
        return "LocalRegistry[" + (tls() ? "https" : "http") + "://" + host() + "]";
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // A leftover temp file does no harm.
                }
            });
        } catch (IOException ignored) {
            // As above.
        }
    }

    /** Configures a {@link LocalRegistry}. */
    public static final class Builder {
        private boolean tls;
        private TestCertificates certificates;
        private final Map<String, String> users = new LinkedHashMap<>();
        private TokenServer tokenServer;
        private String tokenRealm;

        private Builder() {}

        /** Serves HTTPS with a newly generated CA. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /** Serves HTTPS with these certificates. */
        public Builder tls(TestCertificates certificates) {
            this.tls = true;
            this.certificates = certificates;
            return this;
        }

        /** Requires Basic auth (htpasswd, bcrypt) and adds a user; call again for more users. */
        public Builder htpasswd(String user, String password) {
            users.put(user, password);
            return this;
        }

        /** Requires Bearer tokens from this token server. */
        public Builder tokenAuth(TokenServer server) {
            return tokenAuth(server, server.realm());
        }

        /** Requires Bearer tokens from this token server, reached by clients at {@code realm} (through a front). */
        public Builder tokenAuth(TokenServer server, String realm) {
            this.tokenServer = server;
            this.tokenRealm = realm;
            return this;
        }

        /**
         * Starts the registry and waits until {@code /v2/} answers.
         *
         * @throws IllegalStateException when the binary is missing or the registry does not come up, with its log
         */
        public LocalRegistry start() {
            ExternalCommand.requireInstalled(BINARY);
            if (!users.isEmpty() && tokenServer != null) {
                throw new IllegalArgumentException("The registry supports one auth provider: htpasswd or token");
            }
            Path directory;
            try {
                directory = Files.createTempDirectory("falco-offline-registry-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TestCertificates certs = certificates;
            if (tls && certs == null) {
                Path certDirectory = directory.resolve("certs");
                createDirectories(certDirectory);
                certs = TestCertificates.generate(certDirectory);
            }
            IllegalStateException lastFailure = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                Path config = writeConfig(directory, port, certs);
                Path log = directory.resolve("registry-" + port + ".log");
                Process process;
                try {
                    process = new ProcessBuilder(BINARY, "serve", config.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot start " + BINARY, e);
                }
                LocalRegistry registry = new LocalRegistry(directory, process, port, certs, log);
                try {
                    awaitListening(registry);
                    return registry;
                } catch (IllegalStateException e) {
                    process.destroyForcibly();
                    lastFailure = e;
                    // Another process may have taken the port between probe and bind: try another one.
                    if (!registry.log().contains("address already in use")) {
                        break;
                    }
                }
            }
            deleteRecursively(directory);
            throw lastFailure;
        }

        private Path writeConfig(Path directory, int port, TestCertificates certs) {
            List<String> lines = new ArrayList<>(List.of(
                    "version: 0.1",
                    "log:",
                    "  level: info",
                    "  accesslog:",
                    "    disabled: false",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + directory.resolve("storage"),
                    "  delete:",
                    "    enabled: true",
                    "  maintenance:",
                    "    uploadpurging:",
                    "      enabled: false",
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    "  secret: falco-offline-test-secret"));
            if (certs != null) {
                lines.addAll(List.of(
                        "  tls:", "    certificate: " + certs.serverCertificate(), "    key: " + certs.serverKey()));
            }
            if (!users.isEmpty()) {
                Path htpasswd = directory.resolve("htpasswd");
                write(htpasswd, htpasswdLines());
                lines.addAll(List.of("auth:", "  htpasswd:", "    realm: falco-offline-test", "    path: " + htpasswd));
            }
            if (tokenServer != null) {
                lines.addAll(List.of(
                        "auth:",
                        "  token:",
                        "    realm: " + tokenRealm,
                        "    service: " + tokenServer.service(),
                        "    issuer: " + tokenServer.issuer(),
                        "    rootcertbundle: " + tokenServer.rootCertificateBundle()));
            }
            Path config = directory.resolve("config.yml");
            write(config, String.join("\n", lines) + "\n");
            return config;
        }

        private String htpasswdLines() {
            SecureRandom random = new SecureRandom();
            StringBuilder text = new StringBuilder();
            users.forEach((user, password) -> {
                byte[] salt = new byte[16];
                random.nextBytes(salt);
                // Cost 4, the minimum: the registry checks the hash on every request.
                text.append(user)
                        .append(':')
                        .append(OpenBSDBCrypt.generate(password.toCharArray(), salt, 4))
                        .append('\n');
            });
            return text.toString();
        }

        private static void awaitListening(LocalRegistry registry) {
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!registry.process.isAlive()) {
                    throw new IllegalStateException("docker-registry exited with " + registry.process.exitValue()
                            + " on startup; its log:\n" + registry.log());
                }
                if (answersV2(registry)) {
                    return;
                }
                sleep(20);
            }
            throw new IllegalStateException("docker-registry did not answer /v2/ on port " + registry.port + " within "
                    + STARTUP_TIMEOUT + "; its log:\n" + registry.log());
        }

        // Any HTTP status line on /v2/ (200, or 401 with auth) means the API is up.
        private static boolean answersV2(LocalRegistry registry) {
            try (Socket socket = registry.tls()
                    ? registry.certificates
                            .clientSslContext()
                            .getSocketFactory()
                            .createSocket()
                    : new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", registry.port), 500);
                socket.setSoTimeout(1000);
                socket.getOutputStream()
                        .write(("GET /v2/ HTTP/1.1\r\nHost: " + registry.host() + "\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                byte[] start = socket.getInputStream().readNBytes(9);
                return new String(start, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ");
            } catch (IOException e) {
                return false;
            }
        }

        private static void write(Path file, String text) {
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void createDirectories(Path directory) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
