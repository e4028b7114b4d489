package io.tern.rpc.cluster;

import io.tern.rpc.NoProviderException;
import io.tern.rpc.protocol.RpcResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The load-balancing link, last before the connection: the balancer picks one of the directory's candidates not
 * tried yet by this call, and the attempt is sent on that provider's connection ({@link Endpoint#send}), which records
 * its outcome on the provider (calls in flight, latency, failures for outlier ejection and suspicion) before the links
 * above see it.
 */
final class Balancing implements Invoker {
    private final Directory directory;
    private final LoadBalancer balancer;

    Balancing(Directory directory, LoadBalancer balancer) {
        this.directory = directory;
        this.balancer = balancer;
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
        return endpoint.send(invocation);
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
