package io.tern.rpc.protocol;

import java.util.concurrent.CompletionException;

/** What went wrong, as a future's callback should report it. */
public final class Failures {
    private Failures() {
    }

    /**
     * The failure inside a {@link CompletionException}, which a dependent stage wraps around its source's failure;
     * any other throwable (or a wrapper with no cause) as it is. One level only: that is all the wrapping adds.
     */
    public static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
