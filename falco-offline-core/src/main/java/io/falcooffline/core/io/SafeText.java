package io.falcooffline.core.io;

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
}
