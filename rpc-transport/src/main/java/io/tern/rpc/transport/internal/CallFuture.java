package io.tern.rpc.transport.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a Tern call. Waiting for it to finish ({@link #get()}, {@link #join()}, a timed get) on one of
 * {@link IoThreads Tern's I/O threads} fails at once with an {@link IllegalStateException} saying what to do,
 * instead of stalling the thread's connections (and possibly waiting forever for an answer the thread itself has to
 * read); a finished future may be read anywhere. Stages derived from it ({@code thenApply}...) are CallFutures too,
 * so a caller's chain is guarded the same way. It costs nothing per call: it is the future each call creates anyway.
 */
public class CallFuture<T> extends CompletableFuture<T> {

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CallFuture<>();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseBlockingOnIoThread("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseBlockingOnIoThread("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        refuseBlockingOnIoThread("join()");
        return super.join();
    }

    private void refuseBlockingOnIoThread(String method) {
        if (!isDone() && IoThreads.current()) {
            throw IoThreads.blockingRefused("waiting for an unfinished call with " + method);
        }
    }
}
