package io.falcooffline.core.io;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;

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

    /**
     * The result of {@code work}, waiting for it: its failure as {@link #unwrap} gives it, an interruption (the
     * interrupt flag set again) as the exception {@code interrupted} makes of it.
     */
    public static <T> T await(Future<T> work, Function<InterruptedException, RuntimeException> interrupted) {
        try {
            return work.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted.apply(e);
        }
    }
}
