package io.tern.rpc.spring;

/**
 * Sees every call made through an {@code @RpcReference} proxy (client side) and every call an {@code @RpcService}
 * bean serves (server side), with its duration and outcome. The starter provides one for Micrometer when a
 * {@code MeterRegistry} is present; define a bean of this type to observe calls some other way.
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
