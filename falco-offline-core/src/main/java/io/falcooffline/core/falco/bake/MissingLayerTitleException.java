package io.falcooffline.core.falco.bake;

/**
 * An artifact's layer has no {@code org.opencontainers.image.title} annotation, without which falcoctl cannot install
 * it either: it is not an artifact as falcoctl publishes them.
 */
public class MissingLayerTitleException extends BakeException {

    private static final long serialVersionUID = 1L;

    MissingLayerTitleException(String artifact, String message) {
        super(artifact, message);
    }
}
