package io.tern.rpc.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.beans.factory.ObjectProvider;

import java.util.concurrent.TimeUnit;

/**
 * Records calls as Micrometer timers {@code rpc.client.calls} and {@code rpc.server.calls}, tagged {@code service}
 * (the service key), {@code method}, {@code outcome} ({@code success} or {@code error}) and {@code exception} (the
 * simple class name, or {@code none}).
 */
class MicrometerRpcCallObserver implements RpcCallObserver {
    private final ObjectProvider<MeterRegistry> registries;
    private volatile MeterRegistry registry;

    MicrometerRpcCallObserver(ObjectProvider<MeterRegistry> registries) {
        this.registries = registries;
    }

    @Override
    public boolean enabled() {
        return registry() != null;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = registries.getIfUnique();
            registry = r;
        }
        return r;
    }

    @Override
    public void onCall(Side side, String serviceKey, String method, long nanos, Throwable error) {
        MeterRegistry r = registry();
        if (r == null) {
            return;
        }
        Timer.builder(side == Side.CLIENT ? "rpc.client.calls" : "rpc.server.calls")
                .description(side == Side.CLIENT ? "Calls made through Tern RPC references" : "Calls served by Tern RPC services")
                .tag("service", serviceKey)
                .tag("method", method)
                .tag("outcome", error == null ? "success" : "error")
                .tag("exception", error == null ? "none" : simpleName(error))
                .register(r)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The exception's simple class name; for a remote exception that was not rebuilt here, the remote class's. */
    private static String simpleName(Throwable error) {
        if (error instanceof io.tern.rpc.RemoteException remote && remote.remoteClassName() != null) {
            String name = remote.remoteClassName();
            return name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('$')) + 1);
        }
        return error.getClass().getSimpleName();
    }
}
