package io.falcooffline.core.io;

import java.util.concurrent.ExecutionException;

/** The failure of work run on another thread, as it would have been thrown on the caller's own thread. */
public final class ExecutionFailures {

    private ExecutionFailures() {}

    /**
     * The unchecked exception to throw for {@code failure}: its cause when that is unchecked; an {@link Error} cause is
     * thrown from here.
     */
    public static RuntimeException unwrap(ExecutionException failure) {
        Throwable cause = failure.getCause();
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }
}
