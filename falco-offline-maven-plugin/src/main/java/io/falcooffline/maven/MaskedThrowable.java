package io.falcooffline.maven;

/**
 * A stand-in for an exception on its way to Maven, which prints every message of the cause chain: the same class
 * name, stack trace and chain, with every message masked by {@link CredentialMask} and kept on one line.
 */
final class MaskedThrowable extends Exception {

    private static final long serialVersionUID = 1L;

    /** Guards against cyclic or absurdly long chains. */
    private static final int MAX_CHAIN = 32;

    private final String originalClassName;

    private MaskedThrowable(Throwable original, int depth) {
        super(
                MavenLogListener.oneLine(CredentialMask.mask(original.getMessage())),
                original.getCause() == null || original.getCause() == original || depth >= MAX_CHAIN
                        ? null
                        : new MaskedThrowable(original.getCause(), depth + 1),
                false,
                true);
        this.originalClassName = original.getClass().getName();
        setStackTrace(original.getStackTrace());
    }

    /** The masked copy of {@code original} and its causes; null stays null. */
    static MaskedThrowable of(Throwable original) {
        return original == null ? null : new MaskedThrowable(original, 0);
    }

    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return message == null ? originalClassName : originalClassName + ": " + message;
    }
}
