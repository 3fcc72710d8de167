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
        FutureTask<String> work = new FutureTask<>(() -> {
            throw thrown;
        });
        work.run();

        assertThatThrownBy(() -> ExecutionFailures.await(work, IllegalStateException::new))
                .isSameAs(thrown);
    }

    @Test
    void shouldWrapACheckedFailureKeepingItAsTheCause() {
        IOException thrown = new IOException("disk full");
        FutureTask<String> work = new FutureTask<>(() -> {
            throw thrown;
        });
        work.run();

        assertThatThrownBy(() -> ExecutionFailures.await(work, IllegalStateException::new))
                .isInstanceOf(IllegalStateException.class)
                .hasCause(thrown);
    }

    @Test
    void shouldThrowAnErrorItself() {
        StackOverflowError thrown = new StackOverflowError("deep template");
        FutureTask<String> work = new FutureTask<>(() -> {
            throw thrown;
        });
        work.run();

        assertThatThrownBy(() -> ExecutionFailures.await(work, IllegalStateException::new))
                .isSameAs(thrown);
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
