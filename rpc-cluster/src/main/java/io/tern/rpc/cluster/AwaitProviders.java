package io.tern.rpc.cluster;

import io.netty.util.Timeout;
import io.tern.rpc.protocol.Failures;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.transport.internal.CallFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A reference's first calls wait, each within its own deadline, for the registry's first provider list: each waiter
 * times out on a copy, so the shortest deadline never fails the others or the list future itself. Once the list has
 * come, a call passes straight through.
 *
 * <p>The deadline runs on the client's timer wheel, not {@code CompletableFuture.orTimeout}: the JDK's delay thread
 * behind it lives as long as the JVM, so {@code mvn exec:java} of a consumer's main waited 15 s for it after
 * {@link TernClient#close()}.
 */
final class AwaitProviders implements ClientFilter {
    private final Directory directory;

    AwaitProviders(Directory directory) {
        this.directory = directory;
    }

    @Override
    public CompletableFuture<RpcResponse> filter(Invocation invocation, Invoker next) {
        CompletableFuture<Void> first = directory.firstProviders();
        if (first.isDone()) {
            return next.invoke(invocation);
        }
        Waiting waiting = new Waiting();
        CompletableFuture<Void> listOrDeadline = first.copy();
        Timeout deadline = directory.client().timer().newTimeout(t -> listOrDeadline.completeExceptionally(new TimeoutException()),
                Math.max(1, invocation.remainingMillis()), TimeUnit.MILLISECONDS);
        listOrDeadline.whenComplete((v, e) -> {
            deadline.cancel();
            if (e != null) {
                waiting.completeExceptionally(Balancing.noProvider(directory, invocation, Failures.unwrap(e) instanceof TimeoutException
                        ? "none registered before the call's deadline" : e.toString()));
            } else if (!waiting.isDone()) {
                waiting.relay(next.invoke(invocation));
            }
        });
        return waiting;
    }

    /** The result of a call that waited for the list: relays the call's outcome, and passes a cancel on to it. */
    private static final class Waiting extends CallFuture<RpcResponse> {
        private volatile CompletableFuture<RpcResponse> call;

        void relay(CompletableFuture<RpcResponse> started) {
            call = started;
            if (isCancelled()) {
                started.cancel(false);
            }
            started.whenComplete((r, e) -> {
                if (e != null) {
                    completeExceptionally(Failures.unwrap(e));
                } else {
                    complete(r);
                }
            });
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            CompletableFuture<RpcResponse> c = call;
            if (c != null) {
                c.cancel(mayInterruptIfRunning);
            }
            return cancelled;
        }
    }
}
