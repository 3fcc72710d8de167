package io.falcooffline.maven;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * Turns core exceptions into Maven's. A wrong parameter is a configuration error that names the parameter the way
 * the user wrote it ({@code <registry> / -Dfalco-offline.registry}); anything else is a build failure carrying the
 * core's message, which already names the file, entry or reference and the fix.
 */
final class MojoErrors {

    private MojoErrors() {}

    /** A configuration error naming the POM element and the user property of {@link InvalidRequestException#parameter()}. */
    static MojoExecutionException invalidParameter(InvalidRequestException e) {
        return new MojoExecutionException(
                whereToSet(e.parameter()) + ": " + masked(e.getMessage()), MaskedThrowable.of(e));
    }

    /** A build failure with the core's message. */
    static MojoFailureException failure(FalcoOfflineException e) {
        return new MojoFailureException(masked(e.getMessage()), MaskedThrowable.of(e));
    }

    /** Maven prints the message and then every cause's: the raw exception never reaches it, only a masked copy. */
    private static String masked(String message) {
        return MavenLogListener.oneLine(CredentialMask.mask(message));
    }

    private static String whereToSet(String parameter) {
        String element = parameter.replaceFirst("[\\[.].*$", "");
        return PropertyNames.forParameter(element)
                .map(property -> "<" + element + "> / -D" + property)
                .orElse(parameter);
    }
}
