package io.tern.rpc.cluster;

import io.tern.rpc.NoProviderException;
import io.tern.rpc.protocol.Failures;
import io.tern.rpc.protocol.RpcResponse;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The load-balancing link, last before the connection: the balancer picks one of the directory's candidates not
 * tried yet by this call, the attempt is sent on that provider's connection, and its outcome is recorded on the
 * provider (calls in flight, latency, failures for outlier ejection and suspicion) before the links above see it.
 */
final class Balancing implements Invoker {
    private final Directory directory;
    private final LoadBalancer balancer;
    private final LongSupplier clock;

    Balancing(Directory directory, LoadBalancer balancer, LongSupplier clock) {
        this.directory = directory;
        this.balancer = balancer;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<RpcResponse> invoke(Invocation invocation) {
        List<Endpoint> available = directory.candidates(); // neither suspect nor busy, while there are such
        if (available.isEmpty()) {
            List<Endpoint> all = directory.all();
            return CompletableFuture.failedFuture(noProvider(directory, invocation,
                    all.isEmpty() ? "none registered" : all.size() + " registered, none reachable: " + describe(all)));
        }
        Endpoint endpoint;
        try {
            endpoint = balancer.select(available, invocation, invocation.tried());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the balancer cannot route this call (a hash key with no stable form)
        }
        invocation.tried().add(endpoint);
        endpoint.started();
        Attempt attempt = new Attempt(endpoint, clock.getAsLong());
        attempt.sent = endpoint.invoker().invoke(invocation);
        attempt.sent.whenComplete(attempt);
        return attempt;
    }

    /** An attempt on one provider: completes after its outcome is recorded; cancelling it cancels the call on the wire. */
    private final class Attempt extends CompletableFuture<RpcResponse> implements BiConsumer<RpcResponse, Throwable> {
        private final Endpoint endpoint;
        private final long startNanos;
        CompletableFuture<RpcResponse> sent;

        Attempt(Endpoint endpoint, long startNanos) {
            this.endpoint = endpoint;
            this.startNanos = startNanos;
        }

        @Override
        public void accept(RpcResponse response, Throwable error) {
            Throwable failure = Failures.unwrap(error);
            if (failure instanceof CancellationException) {
                // the loser of a backup pair: not a failure, but it was at least this slow, and the balancer must
                // learn that (a peak EWMA takes a higher sample at once), or it keeps sending first attempts there
                endpoint.finished(clock.getAsLong() - startNanos);
            } else if (RetryRules.refusedLocally(failure)) {
                endpoint.abandoned(); // never reached the provider: neither a failure of it nor a latency sample
            } else {
                endpoint.finished(clock.getAsLong() - startNanos);
                directory.record(endpoint, failure, response);
            }
            if (failure != null) {
                completeExceptionally(failure);
            } else {
                complete(response);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            sent.cancel(mayInterruptIfRunning);
            return cancelled;
        }
    }

    private static String describe(List<Endpoint> endpoints) {
        StringBuilder sb = new StringBuilder("[");
        for (Endpoint e : endpoints) {
            sb.append(sb.length() > 1 ? ", " : "").append(e.address()).append(' ').append(e.connection().state());
        }
        return sb.append(']').toString();
    }

    static NoProviderException noProvider(Directory directory, Invocation invocation, String why) {
        return new NoProviderException("no provider for " + directory.serviceKey() + " (" + invocation.spec().description() + "): "
                + why + "; looked in " + directory.describe());
    }
}
