package io.falcooffline.core.oci;

import io.falcooffline.core.DigestMismatchException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests as OCI spells them ({@code <algorithm>:<hex>}): parsing, computing and checking. */
public final class Digests {

    // OCI image-spec descriptor grammar, restricted to the two registered algorithms and their exact hex lengths.
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("sha512:[a-f0-9]{128}");

    private Digests() {}

    /**
     * Tells whether a string is a digest this library can verify ({@code sha256:} or {@code sha512:} with lowercase
     * hex of the right length), as opposed to a tag.
     *
     * @param value a reference or digest
     * @return true for a valid digest
     */
    public static boolean isDigest(String value) {
        return value != null
                && (SHA256.matcher(value).matches() || SHA512.matcher(value).matches());
    }

    /**
     * Checks that a string is a verifiable digest.
     *
     * @param digest the digest
     * @return the digest
     * @throws IllegalArgumentException when it is not one
     */
    public static String requireValid(String digest) {
        if (!isDigest(digest)) {
            throw new IllegalArgumentException("Not a sha256/sha512 digest: '" + digest + "'");
        }
        return digest;
    }

    /**
     * Computes the sha256 digest of some bytes.
     *
     * @param bytes the content
     * @return {@code sha256:<hex>}
     */
    public static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(newMessageDigest("sha256:").digest(bytes));
    }

    /**
     * Checks bytes against a descriptor's digest and size.
     *
     * @param expected the descriptor
     * @param bytes the content
     * @throws DigestMismatchException when they don't match
     */
    public static void verify(Descriptor expected, byte[] bytes) {
        if (bytes.length != expected.size()) {
            throw new DigestMismatchException(
                    expected.digest(),
                    "Content of " + expected.digest() + " is " + bytes.length + " bytes, expected " + expected.size());
        }
        MessageDigest md = newMessageDigest(expected.digest());
        String actual = algorithm(expected.digest()) + ":" + HexFormat.of().formatHex(md.digest(bytes));
        if (!actual.equals(expected.digest())) {
            throw new DigestMismatchException(
                    expected.digest(), "Content expected as " + expected.digest() + " hashes to " + actual);
        }
    }

    /** A fresh hasher for the algorithm of a digest. */
    public static MessageDigest newMessageDigest(String digest) {
        String algorithm = algorithm(digest);
        try {
            return switch (algorithm) {
                case "sha256" -> MessageDigest.getInstance("SHA-256");
                case "sha512" -> MessageDigest.getInstance("SHA-512");
                default -> throw new IllegalArgumentException("Unsupported digest algorithm in '" + digest + "'");
            };
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK lacks " + algorithm, e);
        }
    }

    public static String algorithm(String digest) {
        int colon = digest.indexOf(':');
        return colon < 0 ? "" : digest.substring(0, colon);
    }
}
