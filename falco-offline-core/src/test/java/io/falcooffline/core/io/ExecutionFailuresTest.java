package io.falcooffline.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutionFailuresTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void shouldReturnTheResultOfWorkThatEnded() {
        assertThat(ExecutionFailures.await(CompletableFuture.completedFuture("packed"), IllegalStateException::new))
                .isEqualTo("packed");
    }

    @Test
    void shouldThrowAnUncheckedFailureAsTheWorkThrewIt() {
        IllegalArgumentException thrown = new IllegalArgumentException("bad chart");

        assertThatThrownBy(() -> ExecutionFailures.await(failedWith(thrown), IllegalStateException::new))
                .isSameAs(thrown);
    }

    @Test
    void shouldWrapACheckedFailureKeepingItAsTheCause() {
        IOException thrown = new IOException("disk full");

        assertThatThrownBy(() -> ExecutionFailures.await(failedWith(thrown), IllegalStateException::new))
                .isInstanceOf(IllegalStateException.class)
                .hasCause(thrown);
    }

    @Test
    void shouldThrowAnErrorItself() {
        StackOverflowError thrown = new StackOverflowError("deep template");

        assertThatThrownBy(() -> ExecutionFailures.await(failedWith(thrown), IllegalStateException::new))
                .isSameAs(thrown);
    }

    /** Work that ended by throwing {@code thrown}, as a task on another thread would have. */
    private static FutureTask<String> failedWith(Throwable thrown) {
        FutureTask<String> work = new FutureTask<>(() -> {
            if (thrown instanceof Error error) {
                throw error;
            }
            throw (Exception) thrown;
        });
        work.run();
        return work;
    }

    @Test
    void shouldTurnAnInterruptionIntoTheCallersExceptionAndKeepTheThreadInterrupted() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> ExecutionFailures.await(
                        new CompletableFuture<String>(),
                        e -> new IllegalStateException("Interrupted while packing the output chart", e)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Interrupted while packing the output chart")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }
}
