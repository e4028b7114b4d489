package io.tern.rpc.protocol;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What a future's failure really was. */
public final class Failures {
    private Failures() {
    }

    /** The cause a {@link CompletionException} or {@link ExecutionException} wraps; anything else (or null) as it is. */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
