package io.falcooffline.core.oci.registry;

import io.falcooffline.core.RegistryException;

/**
 * A streamed upload broke before the registry committed it: nothing was stored, and since the content was a one-shot
 * stream, the caller sends it again from a fresh stream. The client that threw it uploads in resumable, retried
 * chunks from then on.
 */
public final class UploadInterruptedException extends RegistryException {

    private static final long serialVersionUID = 1L;

    UploadInterruptedException(RegistryException cause) {
        super(cause.statusCode(), cause.getMessage(), cause);
    }
}
