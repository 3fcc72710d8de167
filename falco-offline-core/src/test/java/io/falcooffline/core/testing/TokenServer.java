package io.falcooffline.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token service in the style of the distribution token specification, over HTTPS with the test CA (or plain HTTP): it checks
 * Basic credentials or an identity (refresh) token, and issues RS256 JWTs whose {@code x5c} certificate the
 * {@link LocalRegistry} trusts ({@code rootcertbundle}). It grants each user only the actions it was given, and
 * records requests and issued tokens so tests can check caching and that no token leaks into logs.
 */
public final class TokenServer implements AutoCloseable {

    private static final String SERVICE = "falco-offline-test-registry";
    private static final String ISSUER = "falco-offline-test-issuer";
    /** The service name of Harbor's token service ({@code harbor-registry}). */
    public static final String HARBOR_SERVICE = "harbor-registry";

    private final HttpServer server;
    private final TestCertificates certificates;
    private final PrivateKey signingKey;
    private final String certificateChain;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> accountParameters = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private volatile boolean anonymousPull;
    private volatile long lifetimeSeconds = 300;
    private volatile String service = SERVICE;
    private volatile String path = "/token";
    private volatile java.util.function.Predicate<String> repositoryExists = repository -> true;

    private record User(String password, Set<String> actions) {}

    private TokenServer(HttpServer server, TestCertificates certificates) {
        this.server = server;
        this.certificates = certificates;
        this.signingKey = certificates.serverPrivateKey();
        try {
            this.certificateChain =
                    Base64.getEncoder().encodeToString(certificates.serverX509().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a token service on a free loopback port, serving HTTPS with the given certificates and signing tokens
     * with the server key.
     */
    public static TokenServer start(TestCertificates certificates) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverSslContext()));
            return started(server, certificates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same over plain HTTP, for registries reached through a {@link FaultProxy}. */
    public static TokenServer startPlainHttp(TestCertificates certificates) {
        try {
            return started(
                    HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16), certificates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TokenServer started(HttpServer server, TestCertificates certificates) {
        TokenServer tokens = new TokenServer(server, certificates);
        server.createContext("/token", tokens::handle);
        server.start();
        return tokens;
    }

    /**
     * A token service as Harbor's core runs it behind its front ({@code /service/token}, service
     * {@code harbor-registry}, plain HTTP behind the front's TLS): it grants nothing on a repository whose project
     * does not exist, so the registry refuses a push there part-way, as Harbor does.
     *
     * @param projectExists whether a project (the first segment of a repository name) exists
     */
    public static TokenServer harborStyle(
            TestCertificates certificates, java.util.function.Predicate<String> projectExists) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            TokenServer tokens = new TokenServer(server, certificates);
            tokens.service = HARBOR_SERVICE;
            tokens.path = "/service/token";
            tokens.repositoryExists =
                    repository -> projectExists.test(repository.split("/", 2)[0]);
            server.createContext(tokens.path, tokens::handle);
            server.start();
            return tokens;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:<port>} of the token service itself, for a front that routes to it. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The path token requests go to: {@code /token}, or {@code /service/token} for a Harbor-style service. */
    public String path() {
        return path;
    }

    /** Adds a user allowed the given actions ({@code pull}, {@code push}) on every repository. */
    public TokenServer user(String name, String password, String... actions) {
        users.put(name, new User(password, Set.of(actions)));
        return this;
    }

    /** Accepts an identity (refresh) token for a user added with {@link #user}. */
    public TokenServer identityToken(String user, String refreshToken) {
        refreshTokens.put(refreshToken, user);
        return this;
    }

    /** Grants pull to requests without credentials. */
    public TokenServer anonymousPull(boolean allowed) {
        this.anonymousPull = allowed;
        return this;
    }

    /** Sets the {@code expires_in} of tokens issued from now on. */
    public TokenServer tokenLifetimeSeconds(long seconds) {
        this.lifetimeSeconds = seconds;
        return this;
    }

    /** The realm registries put in their challenge. */
    public String realm() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort() + path;
    }

    /** The service name. */
    public String service() {
        return service;
    }

    /** The issuer claim. */
    public String issuer() {
        return ISSUER;
    }

    /** The certificate registries verify tokens with. */
    public Path rootCertificateBundle() {
        return certificates.serverCertificate();
    }

    /** Every token issued so far. */
    public List<String> issuedTokens() {
        return List.copyOf(issuedTokens);
    }

    /** How many token requests arrived. */
    public int requestCount() {
        return requestCount.get();
    }

    /** The {@code account} query parameters received, URL-decoded. */
    public List<String> accountParameters() {
        return List.copyOf(accountParameters);
    }

    /** Each request as {@code <account or anonymous> <scopes>}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requestCount.incrementAndGet();
        try (exchange) {
            Map<String, List<String>> parameters = new ConcurrentHashMap<>();
            parseForm(exchange.getRequestURI().getRawQuery(), parameters);
            String account = null;
            Set<String> allowed = Set.of();
            if ("POST".equals(exchange.getRequestMethod())) {
                parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), parameters);
                String refresh = first(parameters, "refresh_token");
                account = refresh == null ? null : refreshTokens.get(refresh);
                if (account == null || !"refresh_token".equals(first(parameters, "grant_type"))) {
                    reply(exchange, 401, "{\"error\":\"invalid_grant\"}");
                    return;
                }
                allowed = users.get(account).actions();
            } else {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (authorization != null && authorization.startsWith("Basic ")) {
                    String pair =
                            new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
                    int colon = pair.indexOf(':');
                    User user = colon < 0 ? null : users.get(pair.substring(0, colon));
                    if (user == null || !user.password().equals(pair.substring(colon + 1))) {
                        reply(
                                exchange,
                                401,
                                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
                        return;
                    }
                    account = pair.substring(0, colon);
                    allowed = user.actions();
                } else if (anonymousPull) {
                    allowed = Set.of("pull");
                } else {
                    reply(
                            exchange,
                            401,
                            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"credentials required\"}]}");
                    return;
                }
            }
            List<String> scopes = new ArrayList<>();
            for (String scope : parameters.getOrDefault("scope", List.of())) {
                scopes.addAll(List.of(scope.split(" ")));
            }
            requests.add((account == null ? "anonymous" : account) + " " + String.join(" ", scopes));
            String accountParameter = first(parameters, "account");
            if (accountParameter != null) {
                accountParameters.add(accountParameter);
            }
            String token = sign(account, scopes, allowed);
            issuedTokens.add(token);
            reply(
                    exchange,
                    200,
                    "{\"token\":\"" + token + "\",\"access_token\":\"" + token + "\",\"expires_in\":" + lifetimeSeconds
                            + "}");
        }
    }

    private String sign(String account, List<String> scopes, Set<String> allowed) {
        StringBuilder access = new StringBuilder();
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last <= first) {
                continue;
            }
            Set<String> granted = new LinkedHashSet<>();
            boolean exists = repositoryExists.test(scope.substring(first + 1, last));
            for (String action : scope.substring(last + 1).split(",")) {
                if (exists && allowed.contains(action)) {
                    granted.add(action);
                }
            }
            if (access.length() > 0) {
                access.append(',');
            }
            access.append("{\"type\":\"")
                    .append(scope, 0, first)
                    .append("\",\"name\":\"")
                    .append(scope, first + 1, last)
                    .append("\",\"actions\":[");
            access.append(
                    String.join(",", granted.stream().map(a -> "\"" + a + "\"").toList()));
            access.append("]}");
        }
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + certificateChain + "\"]}";
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + (account == null ? "" : account) + "\",\"aud\":\""
                + service + "\",\"exp\":" + (now + lifetimeSeconds) + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now
                + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":[" + access + "]}";
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(signingKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void parseForm(String text, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            into.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(value);
        }
    }

    private static String first(Map<String, List<String>> parameters, String key) {
        List<String> values = parameters.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
