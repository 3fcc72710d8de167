package io.falcooffline.core.falco.bake;

/** A plugin's layer for a platform holds no {@code .so} file, so there is no library to put into the image. */
public class MissingPluginLibraryException extends BakeException {

    private static final long serialVersionUID = 1L;

    MissingPluginLibraryException(String artifact, String message) {
        super(artifact, message);
    }
}
