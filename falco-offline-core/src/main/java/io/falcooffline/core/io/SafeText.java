package io.falcooffline.core.io;

import java.net.URI;

/** Puts text read from input into messages without letting it forge log lines or flood them. */
public final class SafeText {

    /** The most characters of one value a message shows. */
    public static final int MAX_SHOWN = 200;

    private SafeText() {}

    /**
     * The value in single quotes, control characters (line breaks included) written as {@code \\uXXXX}, cut after
     * {@value #MAX_SHOWN} characters with the total length noted.
     */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder("'");
        int end = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (value.length() > MAX_SHOWN) {
            out.append(" (cut; ").append(value.length()).append(" characters in all)");
        }
        return out.toString();
    }

    /**
     * A URL as it may be shown or recorded (annotations, plan, lock, index, commit messages, cache keys, logs): without
     * user-info, query and fragment, any of which may hold a secret (a password, a pre-signed signature, a token).
     */
    public static String urlWithoutSecrets(URI uri) {
        String text = uri.toString();
        int end = text.length();
        for (char c : new char[] {'?', '#'}) {
            int at = text.indexOf(c);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        text = text.substring(0, end);
        String userInfo = uri.getRawUserInfo();
        return userInfo == null ? text : text.replace(userInfo + "@", "");
    }
}
