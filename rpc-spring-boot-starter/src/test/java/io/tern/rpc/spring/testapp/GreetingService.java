package io.tern.rpc.spring.testapp;

import io.tern.rpc.Idempotent;

import java.util.concurrent.CompletableFuture;

/** The service the starter tests export and call. */
public interface GreetingService {
    @Idempotent
    String greet(String name);

    @Idempotent
    CompletableFuture<String> greetAsync(String name);

    /** Throws {@link GreetingException} with this message (caused by an IllegalStateException). */
    String fail(String message) throws GreetingException;

    /** Sleeps, then answers (a call that is in flight for a while). */
    @Idempotent
    String slow(long millis);

    /** The name of the provider that served the call. */
    @Idempotent
    String whoAreYou();
}
