package io.falcooffline.core.falco.bake;

/**
 * A reference given as a Falco plugin or rulesfile points at something else: its manifest, config or layer media type
 * is not one falcoctl publishes for plugins and rulesfiles.
 */
public class NotFalcoArtifactException extends BakeException {

    private static final long serialVersionUID = 1L;

    NotFalcoArtifactException(String artifact, String message) {
        super(artifact, message);
    }
}
