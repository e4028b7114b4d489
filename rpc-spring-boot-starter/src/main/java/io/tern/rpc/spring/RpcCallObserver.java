package io.tern.rpc.spring;

/**
 * Sees every call made through an {@code @RpcReference} proxy (client side) and every call an {@code @RpcService}
 * bean serves (server side), with its duration and outcome. The starter has no default one: with Micrometer, calls
 * are Observations ({@code rpc.client}, {@code rpc.server}) that Boot's metrics and tracing record. Define a bean of
 * this type to see calls some other way; its filter runs right after the observation filters.
 */
public interface RpcCallObserver {
    enum Side { CLIENT, SERVER }

    /** Whether calls should be observed at all (checked once, when a proxy or export is made). */
    default boolean enabled() {
        return true;
    }

    /**
     * @param error null on success; otherwise what the caller saw (client) or what the method threw (server). For an
     *              asynchronous method this is called when its future completes.
     */
    void onCall(Side side, String serviceKey, String method, long nanos, Throwable error);
}
