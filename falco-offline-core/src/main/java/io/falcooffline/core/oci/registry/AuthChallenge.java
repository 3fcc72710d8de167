package io.falcooffline.core.oci.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge from a {@code WWW-Authenticate} header (RFC 7235): a scheme and its parameters.
 *
 * <p>Registries differ in parameter order, quoting, spacing and extra parameters ({@code error=…}), and some send
 * several challenges in one header, so this is a small tokenizer rather than a pattern.
 *
 * @param scheme the scheme in lower case, e.g. {@code bearer} or {@code basic}
 * @param parameters the parameters with lower-case names and unquoted values
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {

    AuthChallenge {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** The value of a parameter, or null. */
    String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    boolean isBearer() {
        return scheme.equals("bearer");
    }

    boolean isBasic() {
        return scheme.equals("basic");
    }

    /**
     * Parses all challenges from the values of the {@code WWW-Authenticate} headers.
     *
     * @param headerValues the header values, each possibly holding several challenges
     * @return the challenges, in order; unparseable remains are skipped
     */
    static List<AuthChallenge> parse(List<String> headerValues) {
        List<AuthChallenge> challenges = new ArrayList<>();
        for (String value : headerValues) {
            new Parser(value).parseInto(challenges);
        }
        return challenges;
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        void parseInto(List<AuthChallenge> out) {
            String scheme = null;
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                skip(" \t,");
                if (pos >= text.length()) {
                    break;
                }
                int tokenStart = pos;
                String token = token();
                if (token.isEmpty()) {
                    pos++; // Not a token character: skip it rather than loop.
                    continue;
                }
                skip(" \t");
                boolean isParam = scheme != null && peek() == '=' && !isToken68Tail();
                if (isParam) {
                    pos++;
                    skip(" \t");
                    params.put(token.toLowerCase(Locale.ROOT), value());
                } else if (scheme != null && tokenStart > 0 && params.isEmpty() && peek() == '=') {
                    // token68 form (e.g. "Negotiate abc=="): keep it whole, it has no parameters.
                    while (pos < text.length() && text.charAt(pos) == '=') {
                        pos++;
                    }
                } else {
                    if (scheme != null) {
                        out.add(new AuthChallenge(scheme, params));
                        params = new LinkedHashMap<>();
                    }
                    scheme = token.toLowerCase(Locale.ROOT);
                }
            }
            if (scheme != null) {
                out.add(new AuthChallenge(scheme, params));
            }
        }

        // "abc==" is a token68, not a parameter "abc" with an empty value.
        private boolean isToken68Tail() {
            int next = pos + 1;
            return next < text.length() && text.charAt(next) == '=';
        }

        private String value() {
            if (peek() != '"') {
                // Unquoted values end at the next separator; URLs in them may hold '?', '=' and '&'.
                int start = pos;
                while (pos < text.length() && ", \t".indexOf(text.charAt(pos)) < 0) {
                    pos++;
                }
                return text.substring(start, pos);
            }
            pos++;
            StringBuilder value = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    value.append(text.charAt(pos++));
                } else if (c == '"') {
                    break;
                } else {
                    value.append(c);
                }
            }
            return value.toString();
        }

        private String token() {
            int start = pos;
            while (pos < text.length() && isTokenChar(text.charAt(pos))) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skip(String characters) {
            while (pos < text.length() && characters.indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        // RFC 7230 tchar, plus '/' and ':' which unquoted realm and scope values carry in practice.
        private static boolean isTokenChar(char c) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~/:".indexOf(c) >= 0;
        }
    }
}
