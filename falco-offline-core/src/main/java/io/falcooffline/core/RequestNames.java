package io.falcooffline.core;

import java.util.Locale;
import java.util.regex.Pattern;

/** The checks of names a package request carries into the cluster: Secrets, release, namespace, repository prefix. */
final class RequestNames {

    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private RequestNames() {}

    /** An {@code imagePullSecrets} entry must be a Secret name kubelet can look up. */
    static void requireSecretName(String secret) {
        if (secret == null || !SECRET_NAME.matcher(secret).matches()) {
            throw new InvalidRequestException(
                    "imagePullSecrets",
                    "`imagePullSecrets` entry '" + secret + "' is not a Kubernetes Secret name: use lower-case"
                            + " letters, digits, '-' and '.', e.g. harbor-pull.");
        }
    }

    /** A release or namespace name: lower-case letters, digits and '-'. */
    static void requireLabel(String parameter, String value, String what) {
        if (value == null || !LABEL.matcher(value).matches()) {
            throw new InvalidRequestException(
                    parameter,
                    "`" + parameter + "` must be " + what + " (lower-case letters, digits and '-'), got '" + value
                            + "'.");
        }
    }

    /** The prefix stripped of blanks; lower-case path segments separated by single '/'. */
    static String repositoryPrefix(String repositoryPrefix) {
        String prefix = repositoryPrefix.strip();
        if (prefix.startsWith("/")
                || prefix.endsWith("/")
                || prefix.contains("//")
                || !prefix.equals(prefix.toLowerCase(Locale.ROOT))) {
            throw new InvalidRequestException(
                    "repositoryPrefix",
                    "`repositoryPrefix` must be lower-case path segments separated by single '/', with none at either"
                            + " end; got '" + repositoryPrefix + "'.");
        }
        return prefix;
    }
}
