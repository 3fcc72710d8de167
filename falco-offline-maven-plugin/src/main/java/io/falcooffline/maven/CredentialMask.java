package io.falcooffline.maven;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides anything in a log line that looks like a credential. The core never reports credentials; this is the
 * second line of defence for text that passes through from elsewhere (URLs, tool output, exception messages).
 */
final class CredentialMask {

    static final String MASK = "****";

    private static final String SECRET_KEYS = "(?:password|passwd|pwd|secret|client[_-]?secret|token|access[_-]?token"
            + "|refresh[_-]?token|api[_-]?key|access[_-]?key|secret[_-]?key|auth)";

    private static final List<Pattern> SECRETS = List.of(
            // scheme://user:secret@host
            Pattern.compile("(?<keep>[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]+:)[^/\\s@]+(?=@)"),
            // scheme://token@host: a user-info without ':' is a token as often as a user name
            Pattern.compile("(?<keep>[A-Za-z][A-Za-z0-9+.-]*://)[^/\\s:@]+(?=@)"),
            // scheme://host/path?query: a pre-signed URL's query is its secret
            Pattern.compile("(?<keep>[A-Za-z][A-Za-z0-9+.-]*://[^\\s?#\"']*\\?)[^\\s\"']+"),
            // user:secret@host without a scheme, as in a registry parameter
            Pattern.compile("(?<keep>(?:^|[\\s,=;'(])[^\\s,=;'(/@:]+:)[^\\s,;'/@]+(?=@)"),
            // Authorization: Basic abc / Proxy-Authorization: Bearer xyz
            Pattern.compile("(?i)(?<keep>\\b(?:proxy-)?authorization\"?\\s*[:=]\\s*\"?)[^\"\\r\\n]+"),
            // FALCOCTL_REGISTRY_AUTH_BASIC="registry,user,password;..."
            Pattern.compile("(?i)(?<keep>\\bFALCOCTL_REGISTRY_AUTH_(?:BASIC|OAUTH)\"?\\s*[:=]\\s*\"?)[^\"\\s]+"),
            // password=..., "token": "...", client_secret: ...
            Pattern.compile("(?i)(?<keep>\\b" + SECRET_KEYS + "\"?\\s*[:=]\\s*\"?)[^\\s\",;&}]+"),
            // --password secret, --token secret
            Pattern.compile("(?i)(?<keep>--" + SECRET_KEYS + "\\s+)[^\\s\",;&}]+"));

    private CredentialMask() {}

    /** The message with every credential-like value replaced by {@value #MASK}; null stays null. */
    static String mask(String message) {
        if (message == null) {
            return null;
        }
        String masked = message;
        for (Pattern secret : SECRETS) {
            masked = secret.matcher(masked).replaceAll("${keep}" + Matcher.quoteReplacement(MASK));
        }
        return masked;
    }
}
