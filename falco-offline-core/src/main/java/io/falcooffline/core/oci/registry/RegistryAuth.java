package io.falcooffline.core.oci.registry;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.io.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Answers a registry's authentication challenges: Basic, or the Bearer token flow of the distribution token
 * specification (password or identity-token grant). Tokens are cached per credential identity, realm, service and
 * scope set, so two clients with different credentials never share one.
 */
final class RegistryAuth {

    private static final String CLIENT_ID = "falco-offline";
    private static final int TOKEN_BODY_LIMIT = 1024 * 1024;
    // Renew a little before the token service's expiry, so a token does not lapse between check and use.
    private static final long EXPIRY_MARGIN_SECONDS = 10;
    private static final long DEFAULT_TOKEN_SECONDS = 60;

    private final RegistryClientOptions options;
    private final String description;
    private final RegistryHttp http;
    private final String identity;
    private final Map<TokenKey, Token> tokens = new ConcurrentHashMap<>();
    private volatile boolean basicChallenged;
    private volatile AuthChallenge bearerChallenge;

    RegistryAuth(RegistryClientOptions options, String description, RegistryHttp http) {
        this.options = options;
        this.description = description;
        this.http = http;
        this.identity =
                options.credentials().map(RegistryCredentials::cacheIdentity).orElse("anonymous");
    }

    /** The Authorization value to send up front for these scopes, from earlier challenges, or null. */
    String cachedAuthorization(List<String> scopes) {
        if (basicChallenged) {
            return basicHeader();
        }
        AuthChallenge challenge = bearerChallenge;
        if (challenge == null) {
            return null;
        }
        Token token = tokens.get(key(challenge, new TreeSet<>(scopes)));
        return token != null && token.isFresh() ? "Bearer " + token.value() : null;
    }

    /** Drops cached tokens for these scopes after the registry refused them. */
    void forget(List<String> scopes) {
        AuthChallenge challenge = bearerChallenge;
        if (challenge != null) {
            tokens.remove(key(challenge, new TreeSet<>(scopes)));
        }
    }

    /**
     * Produces the Authorization value answering a 401.
     *
     * @param challenges the parsed {@code WWW-Authenticate} challenges
     * @param request the request that was refused
     * @param previous the Authorization value it carried, or null
     */
    String answer(List<AuthChallenge> challenges, RegistryHttp.Request request, String previous) {
        Optional<AuthChallenge> bearer =
                challenges.stream().filter(AuthChallenge::isBearer).findFirst();
        if (bearer.isPresent() && bearer.get().parameter("realm") != null) {
            return bearerAnswer(bearer.get(), request);
        }
        if (challenges.stream().anyMatch(AuthChallenge::isBasic)) {
            if (options.credentials().isEmpty()) {
                throw rejected(request, "");
            }
            if (previous != null && previous.startsWith("Basic ")) {
                throw rejected(request, "");
            }
            requireCredentialsAllowed(base(), request);
            basicChallenged = true;
            return basicHeader();
        }
        throw new RegistryException(
                401,
                RegistryHttp.capitalized(description) + " refused " + request.summary()
                        + " (401) without a usable WWW-Authenticate challenge (Basic or Bearer with a realm)",
                null);
    }

    private String bearerAnswer(AuthChallenge challenge, RegistryHttp.Request request) {
        URI realm;
        try {
            realm = URI.create(challenge.parameter("realm"));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(
                    401, RegistryHttp.capitalized(description) + " sent an invalid token realm in its challenge", e);
        }
        if (!"https".equalsIgnoreCase(realm.getScheme()) && !"http".equalsIgnoreCase(realm.getScheme())) {
            throw new RegistryException(
                    401,
                    RegistryHttp.capitalized(description) + " named a token realm that is not an HTTP(S) URL",
                    null);
        }
        if (options.credentials().isPresent()) {
            requireCredentialsAllowed(base(), request);
            requireCredentialsAllowed(realm, request);
        }
        TreeSet<String> ourScopes = new TreeSet<>(request.scopes());
        List<String> asked = new ArrayList<>(ourScopes);
        String challengeScope = challenge.parameter("scope");
        if (challengeScope != null) {
            for (String scope : challengeScope.trim().split("\\s+")) {
                if (!scope.isEmpty()) {
                    asked.add(scope);
                }
            }
        }
        TreeSet<String> scopes = merged(asked);
        bearerChallenge = challenge;
        Token token = fetchToken(realm, challenge.parameter("service"), scopes, request);
        tokens.put(key(challenge, ourScopes), token);
        return "Bearer " + token.value();
    }

    private Token fetchToken(URI realm, String service, TreeSet<String> scopes, RegistryHttp.Request cause) {
        Optional<RegistryCredentials> credentials = options.credentials();
        RegistryHttp.Request request;
        String authorization = null;
        String subject = "token for " + cause.subject() + " from " + realm.getHost();
        if (credentials.isPresent() && credentials.get().isIdentityToken()) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=" + CLIENT_ID);
            if (service != null) {
                form.append("&service=").append(RegistryHttp.urlEncode(service));
            }
            if (!scopes.isEmpty()) {
                form.append("&scope=").append(RegistryHttp.urlEncode(String.join(" ", scopes)));
            }
            form.append("&refresh_token=")
                    .append(RegistryHttp.urlEncode(credentials.get().identityToken()));
            byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);
            request = RegistryHttp.Request.of("POST", realm, subject, List.of())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(body, 0, body.length);
        } else {
            List<String> query = new ArrayList<>();
            if (service != null) {
                query.add("service=" + RegistryHttp.urlEncode(service));
            }
            for (String scope : scopes) {
                query.add("scope=" + RegistryHttp.urlEncode(scope));
            }
            if (credentials.isPresent()) {
                query.add("account=" + RegistryHttp.urlEncode(credentials.get().username()));
                authorization = basicHeader();
            }
            request = RegistryHttp.Request.of("GET", withQuery(realm, String.join("&", query)), subject, List.of());
        }
        try (RegistryHttp.Response response = http.executeUnauthenticated(request, authorization)) {
            int status = response.status();
            if (status == 401 || status == 403) {
                throw rejectedByTokenService(realm, cause, status, masked(response.errorSummary()));
            }
            if (status != 200) {
                throw new RegistryException(
                        status,
                        "The token service " + RegistryHttp.withoutQuery(realm) + " of " + description + " answered "
                                + status + masked(response.errorSummary()) + " when asked for a " + subject,
                        null);
            }
            return parseToken(response.readBody(TOKEN_BODY_LIMIT), realm);
        } catch (IOException e) {
            throw new RegistryException(
                    0,
                    "Reading the token from " + RegistryHttp.withoutQuery(realm) + " for " + description + " failed: "
                            + e.getMessage(),
                    e);
        }
    }

    private Token parseToken(byte[] body, URI realm) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new RegistryException(
                    200, "The token service " + RegistryHttp.withoutQuery(realm) + " answered with invalid JSON", null);
        }
        String value = json.path("token").asString("");
        if (value.isEmpty()) {
            value = json.path("access_token").asString("");
        }
        if (value.isEmpty()) {
            throw new RegistryException(
                    200, "The token service " + RegistryHttp.withoutQuery(realm) + " answered without a token", null);
        }
        long lifetime = json.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS);
        if (lifetime <= 0) {
            lifetime = DEFAULT_TOKEN_SECONDS;
        }
        Instant expires = Instant.now().plusSeconds(Math.max(1, lifetime - EXPIRY_MARGIN_SECONDS));
        return new Token(value, expires);
    }

    private RegistryException rejectedByTokenService(URI realm, RegistryHttp.Request cause, int status, String detail) {
        String who = options.credentials()
                .map(c -> "the credentials of user '" + c.username() + "'")
                .orElse("anonymous access");
        return new RegistryException(
                status,
                "The token service " + RegistryHttp.withoutQuery(realm) + " of " + description + " refused " + who
                        + " (" + status + ")" + detail + " for " + cause.summary()
                        + ". Check the user name and password or token"
                        + (options.credentials().isEmpty() ? ", or configure credentials for this registry" : "")
                        + ".",
                null);
    }

    /** The error for a request still refused after answering the challenge. */
    RegistryException rejected(RegistryHttp.Request request, String detail) {
        if (options.credentials().isEmpty()) {
            return new RegistryException(
                    401,
                    RegistryHttp.capitalized(description) + " requires authentication for " + request.summary() + detail
                            + ". Configure credentials for this registry.",
                    null);
        }
        return new RegistryException(
                401,
                RegistryHttp.capitalized(description) + " refused the credentials of user '"
                        + options.credentials().get().username() + "' for " + request.summary() + detail
                        + ". Check the user name and password or token, and that this user may "
                        + (request.scopes().stream().anyMatch(s -> s.endsWith("push")) ? "push to" : "pull from")
                        + " the repository.",
                null);
    }

    private void requireCredentialsAllowed(URI target, RegistryHttp.Request request) {
        if ("http".equalsIgnoreCase(target.getScheme()) && !options.allowCredentialsOverHttp()) {
            throw new InvalidRequestException(
                    "allowCredentialsOverHttp",
                    RegistryHttp.capitalized(description) + " asks for credentials for " + request.summary()
                            + ", but " + (target.equals(base()) ? "it" : "its token service " + target.getHost())
                            + " uses plain HTTP, where anyone on the network path can read them, so they were not "
                            + "sent. Serve the registry over HTTPS (and set caFile for a private CA), or set "
                            + "allowCredentialsOverHttp to send them anyway.");
        }
    }

    private URI base() {
        return http.base();
    }

    /**
     * The text (an error body a registry or token service sent) with every secret this client was given or holds
     * replaced by {@code ****}: the password or identity token, its Basic header value, every token issued, and
     * whatever follows {@code Bearer} or {@code Basic}. Registries echo what they were sent in their error bodies.
     */
    String masked(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        List<String> secrets = new ArrayList<>();
        options.credentials().ifPresent(credentials -> {
            secrets.add(credentials.isIdentityToken() ? credentials.identityToken() : credentials.password());
            secrets.add(basicHeader().substring("Basic ".length()));
        });
        tokens.values().forEach(token -> secrets.add(token.value()));
        String result = text;
        for (String secret : secrets) {
            // A secret of a few characters would mask ordinary words; nobody's password is that short anyway.
            if (secret != null && secret.length() >= 4) {
                result = result.replace(secret, "****");
            }
        }
        return result.replaceAll("(?i)\\b(Bearer|Basic)\\s+[^\\s\"',;)]+", "$1 ****");
    }

    private String basicHeader() {
        return basicHeader(options.credentials().orElseThrow());
    }

    /** {@code Basic base64(user:secret)}; the user name as given, {@code robot$name} included. */
    static String basicHeader(RegistryCredentials credentials) {
        String secret = credentials.isIdentityToken() ? credentials.identityToken() : credentials.password();
        String pair = credentials.username() + ":" + secret;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One scope per resource with its actions sorted: registries spell the same access {@code pull,push} or
     * {@code push,pull}, and a token request should ask for it once.
     */
    static TreeSet<String> merged(List<String> scopes) {
        Map<String, TreeSet<String>> actionsByResource = new java.util.TreeMap<>();
        for (String scope : scopes) {
            int colon = scope.lastIndexOf(':');
            if (colon <= 0) {
                actionsByResource.computeIfAbsent(scope, resource -> new TreeSet<>());
                continue;
            }
            TreeSet<String> actions =
                    actionsByResource.computeIfAbsent(scope.substring(0, colon), resource -> new TreeSet<>());
            for (String action : scope.substring(colon + 1).split(",")) {
                if (!action.isEmpty()) {
                    actions.add(action);
                }
            }
        }
        TreeSet<String> merged = new TreeSet<>();
        actionsByResource.forEach((resource, actions) ->
                merged.add(actions.isEmpty() ? resource : resource + ":" + String.join(",", actions)));
        return merged;
    }

    private TokenKey key(AuthChallenge challenge, TreeSet<String> scopes) {
        return new TokenKey(
                identity, challenge.parameter("realm"), challenge.parameter("service"), String.join(" ", scopes));
    }

    private static URI withQuery(URI uri, String query) {
        if (query.isEmpty()) {
            return uri;
        }
        String text = uri.toString();
        return URI.create(text + (uri.getRawQuery() == null ? "?" : "&") + query);
    }

    private record TokenKey(String identity, String realm, String service, String scopes) {}

    private record Token(String value, Instant expires) {
        boolean isFresh() {
            return Instant.now().isBefore(expires);
        }

        @Override
        public String toString() {
            return "Token[expires=" + expires + "]";
        }
    }
}
