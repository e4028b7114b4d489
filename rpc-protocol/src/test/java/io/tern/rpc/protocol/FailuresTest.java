package io.tern.rpc.protocol;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class FailuresTest {

    @Test
    void aDependentStageSeesTheSourceFailureUnwrapped() {
        IllegalStateException cause = new IllegalStateException("boom");
        CompletableFuture<String> source = new CompletableFuture<>();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        source.thenApply(s -> s).whenComplete((v, e) -> seen.set(e));
        source.completeExceptionally(cause);
        assertSame(CompletionException.class, seen.get().getClass(), "the dependent stage wraps the failure");
        assertSame(cause, Failures.unwrap(seen.get()));
    }

    @Test
    void anUnwrappedFailureIsReturnedAsItIs() {
        RuntimeException plain = new RuntimeException("plain");
        assertSame(plain, Failures.unwrap(plain));
    }

    @Test
    void aCompletionExceptionWithoutCauseIsReturnedAsItIs() {
        CompletionException bare = new CompletionException("no cause", null);
        assertSame(bare, Failures.unwrap(bare));
    }

    @Test
    void onlyOneLevelIsUnwrapped() {
        CompletionException inner = new CompletionException(new IllegalArgumentException("x"));
        CompletionException outer = new CompletionException(inner);
        assertSame(inner, Failures.unwrap(outer));
    }

    @Test
    void nullStaysNull() {
        assertNull(Failures.unwrap(null));
    }
}
