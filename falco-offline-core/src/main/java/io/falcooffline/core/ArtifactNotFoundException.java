package io.falcooffline.core;

/** A store has no manifest, blob or repository under the name asked for. */
public class ArtifactNotFoundException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    /** @param message which artifact is missing and from which store */
    public ArtifactNotFoundException(String message) {
        super(message);
    }
}
