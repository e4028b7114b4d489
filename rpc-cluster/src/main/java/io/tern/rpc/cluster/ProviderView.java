package io.tern.rpc.cluster;

/**
 * One provider of a reference as the consumer sees it now (SPEC §4, the {@code rpc} endpoint).
 *
 * @param address           host:port
 * @param state             {@code connected}; {@code ejected} (outlier detection or the failure detector);
 *                          {@code suspect} or {@code busy} (avoided while others can take calls); {@code connecting},
 *                          {@code draining}, {@code disconnected} or {@code closed} (its connection's state); or
 *                          {@code lingering} (no longer listed, kept as a fallback for a moment)
 * @param connected         its connection is up
 * @param weight            the registered weight
 * @param inFlight          calls sent to it and not answered yet
 * @param ewmaMillis        the peak-EWMA latency the balancer uses, in milliseconds
 * @param ejectedUntilMillis epoch milliseconds until which outlier detection ejects it; 0 when it does not
 * @param ejections         outlier ejections since it was first listed
 * @param sent              attempts sent to it since it was first listed (its share of the reference's traffic)
 */
public record ProviderView(String address, String state, boolean connected, int weight, int inFlight, double ewmaMillis,
                           long ejectedUntilMillis, long ejections, long sent) {

    static ProviderView of(Endpoint e, boolean lingering, long nowNanos, long nowMillis) {
        io.tern.rpc.transport.internal.ClientConnection.State connection = e.connection().state();
        boolean connected = connection == io.tern.rpc.transport.internal.ClientConnection.State.READY;
        long until = e.isOutlierEjected(nowNanos) ? nowMillis + (e.ejectedUntilNanos - nowNanos) / 1_000_000L : 0;
        String state;
        if (lingering) {
            state = "lingering";
        } else if (!connected) {
            state = connection.name().toLowerCase(java.util.Locale.ROOT);
        } else if (e.isEjected(nowNanos)) {
            state = "ejected";
        } else if (e.isSuspect()) {
            state = "suspect";
        } else if (e.isBusy(nowNanos)) {
            state = "busy";
        } else {
            state = "connected";
        }
        return new ProviderView(e.address(), state, connected, e.weight(), e.active(), e.ewmaNanos() / 1e6, until, e.ejectionsTotal(), e.sent());
    }
}
