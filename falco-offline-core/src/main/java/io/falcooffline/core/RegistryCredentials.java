package io.falcooffline.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Credentials for one registry: a user name and password, or an identity (refresh) token as {@code docker login}
 * stores it for OAuth2 registries. {@link #toString()} never shows the secret.
 *
 * @param username the user name; for an identity token, the name it was issued to, or {@code <token>}
 * @param password the password, or null for an identity token
 * @param identityToken the identity token, or null for a password
 */
public record RegistryCredentials(String username, String password, String identityToken) {

    /** Requires exactly one of password and identity token. */
    public RegistryCredentials {
        Objects.requireNonNull(username, "username");
        if ((password == null) == (identityToken == null)) {
            throw new IllegalArgumentException("Registry credentials need exactly one of password and identity token");
        }
    }

    /**
     * User name and password credentials.
     *
     * @param username the user name
     * @param password the password; any characters, including {@code :}
     * @return the credentials
     */
    public static RegistryCredentials basic(String username, String password) {
        return new RegistryCredentials(username, Objects.requireNonNull(password, "password"), null);
    }

    /**
     * Identity token credentials, exchanged for access tokens at the registry's token service.
     *
     * @param username the name the token was issued to, or {@code <token>} when unknown
     * @param identityToken the token
     * @return the credentials
     */
    public static RegistryCredentials identityToken(String username, String identityToken) {
        return new RegistryCredentials(username, null, Objects.requireNonNull(identityToken, "identityToken"));
    }

    /** Tells whether these are identity-token credentials. */
    public boolean isIdentityToken() {
        return identityToken != null;
    }

    /**
     * A stable key for caches that must keep different credentials apart (two passwords for one user are two
     * identities) without holding the secret itself.
     */
    public String cacheIdentity() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(username.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update((isIdentityToken() ? "t:" + identityToken : "p:" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK lacks SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "RegistryCredentials[username=" + username + ", " + (isIdentityToken() ? "identityToken" : "password")
                + "=****]";
    }
}
