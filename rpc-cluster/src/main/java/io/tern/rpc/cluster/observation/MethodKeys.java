package io.tern.rpc.cluster.observation;

import io.micrometer.common.KeyValues;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The low-cardinality key values of one (service, method), made once: without a status (as an observation starts)
 * and with each {@link RpcCallStatus}, filled on first use. Sorting and allocating them on every call is the cost
 * Micrometer's own conventions pay; here it is paid once per method and outcome.
 */
final class MethodKeys {
    private final String serviceKey;
    private final String methodName;
    private final String contextualName;
    private final KeyValues started;
    private final KeyValues[] ended = new KeyValues[RpcCallStatus.COUNT];
    /** A meter handler's per-status timers for this method ({@link RpcMeterObservationHandler}); filled on first use. */
    final Object[] timers = new Object[RpcCallStatus.COUNT];

    private MethodKeys(String serviceKey, String methodName) {
        this.serviceKey = serviceKey;
        this.methodName = methodName;
        this.contextualName = serviceKey + "/" + methodName;
        this.started = KeyValues.of(RpcObservations.SERVICE, serviceKey, RpcObservations.METHOD, methodName);
    }

    String serviceKey() {
        return serviceKey;
    }

    String methodName() {
        return methodName;
    }

    /** The span name: {@code service/method}, as gRPC and OpenTelemetry's RPC conventions name calls. */
    String contextualName() {
        return contextualName;
    }

    /** The key values for a call with status {@code statusIndex}, or without one (-1: still running). */
    KeyValues lowCardinality(int statusIndex) {
        if (statusIndex < 0) {
            return started;
        }
        KeyValues kv = ended[statusIndex];
        if (kv == null) { // a benign race: KeyValues is immutable, so a second copy at worst
            kv = started.and(RpcObservations.STATUS, RpcCallStatus.name(statusIndex));
            ended[statusIndex] = kv;
        }
        return kv;
    }

    /**
     * The keys of each (service, method) seen, by identity-cheap string lookups (the request's service key and a
     * {@code Method}'s name are the same String objects call after call). Bounded by the methods of the services
     * called or exported: names come from the code, never from a peer (a provider's filters see only calls of
     * methods it exports).
     */
    static final class Cache {
        private final ConcurrentMap<String, ConcurrentMap<String, MethodKeys>> byService = new ConcurrentHashMap<>();

        MethodKeys of(String serviceKey, String methodName) {
            ConcurrentMap<String, MethodKeys> methods = byService.get(serviceKey);
            if (methods == null) {
                methods = byService.computeIfAbsent(serviceKey, k -> new ConcurrentHashMap<>());
            }
            MethodKeys keys = methods.get(methodName);
            if (keys == null) {
                keys = methods.computeIfAbsent(methodName, m -> new MethodKeys(serviceKey, m));
            }
            return keys;
        }
    }
}
