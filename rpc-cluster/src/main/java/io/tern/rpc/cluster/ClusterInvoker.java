package io.tern.rpc.cluster;

import io.tern.rpc.NoProviderException;
import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fault tolerance over a {@link Directory}: picks a provider with the load balancer and, for {@code failover},
 * tries another provider when the attempt failed in a way that is safe to repeat. Never-ran failures (connect
 * refused, GOAWAY, SERVER_BUSY, SHUTTING_DOWN, SERVICE_NOT_FOUND, DEADLINE_EXCEEDED in the provider's queue) are
 * always retried; failures after the request may have run (dropped while in flight, timeout) only for idempotent
 * methods; application exceptions never. All attempts share the call's deadline.
 */
public final class ClusterInvoker implements Invoker {
    private final Directory directory;
    private final LoadBalancer loadBalancer;
    private final int retries;

    /** @param retries extra attempts after the first (0 = failfast). */
    public ClusterInvoker(Directory directory, LoadBalancer loadBalancer, int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
        this.directory = directory;
        this.loadBalancer = loadBalancer;
        this.retries = retries;
    }

    @Override
    public CompletableFuture<RpcResponse> invoke(Invocation invocation) {
        CompletableFuture<RpcResponse> result = new CompletableFuture<>();
        CompletableFuture<Void> first = directory.firstProviders();
        if (first.isDone()) {
            attempt(invocation, 0, new ArrayList<>(), null, result);
        } else {
            // a reference's first call waits, within its deadline, for the first provider list
            first.orTimeout(Math.max(1, invocation.remainingMillis()), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
                if (e == null) {
                    attempt(invocation, 0, new ArrayList<>(), null, result);
                } else {
                    result.completeExceptionally(noProvider(invocation, e instanceof TimeoutException || e.getCause() instanceof TimeoutException
                            ? "none registered before the call's deadline" : e.toString()));
                }
            });
        }
        return result;
    }

    private void attempt(Invocation invocation, int attempt, List<Endpoint> tried, Throwable lastError, CompletableFuture<RpcResponse> result) {
        Endpoint endpoint = pick(invocation, tried);
        if (endpoint == null) {
            result.completeExceptionally(lastError != null ? lastError
                    : noProvider(invocation, directory.all().isEmpty() ? "none registered" : directory.all().size() + " registered, none reachable: " + describe(directory.all())));
            return;
        }
        tried.add(endpoint);
        Invocation current = attempt == 0 ? invocation : withAttempt(invocation, attempt);
        endpoint.started();
        new ConnectionInvoker(endpoint.connection()).invoke(current).whenComplete((response, error) -> {
            endpoint.finished();
            Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            boolean retryable = failure != null ? retryable(failure, invocation) : response.status().neverRan();
            if (!retryable || attempt >= retries || invocation.remainingMillis() <= 0 || noRetryMark(invocation)) {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(response);
                }
                return;
            }
            Throwable cause = failure != null ? failure : new RpcException(response.status(), response.message(), false);
            attempt(invocation, attempt + 1, tried, cause, result);
        });
    }

    private Endpoint pick(Invocation invocation, List<Endpoint> tried) {
        List<Endpoint> available = directory.available();
        if (available.isEmpty()) {
            return null;
        }
        List<Endpoint> fresh = new ArrayList<>(available.size());
        for (Endpoint e : available) {
            if (!tried.contains(e)) {
                fresh.add(e);
            }
        }
        return loadBalancer.select(fresh.isEmpty() ? available : fresh, invocation);
    }

    private static String describe(List<Endpoint> endpoints) {
        StringBuilder sb = new StringBuilder("[");
        for (Endpoint e : endpoints) {
            sb.append(sb.length() > 1 ? ", " : "").append(e.address()).append(' ').append(e.connection().state());
        }
        return sb.append(']').toString();
    }

    private static boolean retryable(Throwable failure, Invocation invocation) {
        if (failure instanceof RpcConnectionException c) {
            return !c.requestMayHaveRun() || invocation.idempotent();
        }
        if (failure instanceof RpcTimeoutException) {
            return invocation.idempotent();
        }
        if (failure instanceof RpcException r) {
            return !r.requestMayHaveRun();
        }
        return false;
    }

    private static boolean noRetryMark(Invocation invocation) {
        return invocation.request().attachment(RpcRequest.NO_RETRY) != null;
    }

    private static Invocation withAttempt(Invocation invocation, int attempt) {
        RpcRequest r = invocation.request();
        Map<String, String> attachments = new HashMap<>(r.attachments());
        attachments.put(RpcRequest.ATTEMPT, Integer.toString(attempt));
        attachments.put(RpcRequest.DEADLINE_MS, Long.toString(invocation.remainingMillis()));
        RpcRequest copy = new RpcRequest(r.serviceKey(), r.methodName(), r.parameterTypes(), r.arguments(), attachments);
        return new Invocation(copy, invocation.spec(), invocation.idempotent(), invocation.deadlineNanos());
    }

    private NoProviderException noProvider(Invocation invocation, String why) {
        return new NoProviderException("no provider for " + directory.serviceKey() + " (" + invocation.spec().description() + "): "
                + why + "; looked in " + directory.describe());
    }
}
