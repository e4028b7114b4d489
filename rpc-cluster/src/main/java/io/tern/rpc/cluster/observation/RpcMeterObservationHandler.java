package io.tern.rpc.cluster.observation;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The timers of Tern's observations, {@code rpc.client} and {@code rpc.server} tagged {@code rpc.service},
 * {@code rpc.method} and {@code rpc.status}, without the per-call cost of Micrometer's
 * {@code DefaultMeterObservationHandler}: that handler looks its Timer up by freshly built tags on every stop and
 * keeps a LongTaskTimer sample per call in flight, which halved the throughput of an observed call at 128 calls in
 * flight (bench/results/session-2026-12-03-observations). This one resolves each (method, status) Timer once and keeps
 * it beside the method's key values, and times with the registry's clock in a field of the context. The tags are
 * the default handler's (the key values, and {@code error}: none or the exception's simple name); no LongTaskTimer:
 * {@code rpc.server.in.flight} and {@code rpc.client.provider.in.flight} are the calls in flight.
 *
 * <p>It assumes the default conventions' names and keys: the starter installs it only when no RPC convention bean is
 * defined. Let the registry's other meter handler skip Tern's contexts ({@link #excludingRpc}), or each call is timed
 * twice.
 */
public final class RpcMeterObservationHandler implements MeterObservationHandler<Observation.Context> {
    private final Supplier<MeterRegistry> registries;
    private volatile MeterRegistry registry;
    private volatile Clock clock;

    public RpcMeterObservationHandler(MeterRegistry registry) {
        this(() -> registry);
    }

    /** With the registry looked up on the first call (a Spring context's MeterRegistry bean); none: records nothing. */
    public RpcMeterObservationHandler(Supplier<MeterRegistry> registries) {
        this.registries = registries;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return (context instanceof RpcClientContext || context instanceof RpcServerContext) && registry() != null;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = registries.get();
            if (r != null) {
                clock = r.config().clock();
                registry = r;
            }
        }
        return r;
    }

    @Override
    public void onStart(Observation.Context context) {
        long now = clock.monotonicTime();
        if (context instanceof RpcClientContext c) {
            c.meterStartNanos = now;
        } else if (context instanceof RpcServerContext s) {
            s.meterStartNanos = now;
        }
    }

    @Override
    public void onStop(Observation.Context context) {
        long now = clock.monotonicTime();
        if (context instanceof RpcClientContext c) {
            timer(RpcObservations.CLIENT_NAME, "Calls made through Tern RPC references", c.keys, c.statusIndex, c.getError())
                    .record(now - c.meterStartNanos, TimeUnit.NANOSECONDS);
        } else if (context instanceof RpcServerContext s) {
            timer(RpcObservations.SERVER_NAME, "Calls served by Tern RPC services", s.keys, s.statusIndex, s.getError())
                    .record(now - s.meterStartNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The Timer of this method, status and error (the error tag as Micrometer's default handler names it). */
    private Timer timer(String name, String description, MethodKeys keys, int statusIndex, Throwable error) {
        if (statusIndex < 0) { // stopped without an outcome: should not happen, but never lose the sample
            return register(name, description, keys, statusIndex, error);
        }
        Object slot = keys.timers[statusIndex];
        Resolved resolved;
        if (slot instanceof Resolved r && r.registry == registry) {
            resolved = r;
        } else {
            resolved = new Resolved(registry, register(name, description, keys, statusIndex, null), new ConcurrentHashMap<>());
            if (slot == null) { // a benign race: register() returns the same Timer for the same id
                keys.timers[statusIndex] = resolved;
            }
        }
        if (error == null) {
            return resolved.none;
        }
        Timer timer = resolved.byError.get(error.getClass());
        if (timer == null) { // bounded by the exception types the code throws, never by a peer's input
            timer = resolved.byError.computeIfAbsent(error.getClass(), c -> register(name, description, keys, statusIndex, error));
        }
        return timer;
    }

    private Timer register(String name, String description, MethodKeys keys, int statusIndex, Throwable error) {
        List<Tag> tags = new ArrayList<>(4);
        keys.lowCardinality(statusIndex).forEach(kv -> tags.add(Tag.of(kv.getKey(), kv.getValue())));
        tags.add(Tag.of("error", error == null ? "none" : error.getClass().getSimpleName()));
        return Timer.builder(name).description(description).tags(tags).register(registry);
    }

    private record Resolved(MeterRegistry registry, Timer none, ConcurrentHashMap<Class<?>, Timer> byError) {
    }

    /**
     * {@code handler} for every context but Tern's, whose timers {@link RpcMeterObservationHandler} records: wrap the
     * application's default meter handler in this so a call is not timed twice.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static MeterObservationHandler<Observation.Context> excludingRpc(MeterObservationHandler<?> handler) {
        MeterObservationHandler delegate = handler;
        return new MeterObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return !(context instanceof RpcClientContext || context instanceof RpcServerContext) && delegate.supportsContext(context);
            }

            @Override
            public void onStart(Observation.Context context) {
                delegate.onStart(context);
            }

            @Override
            public void onError(Observation.Context context) {
                delegate.onError(context);
            }

            @Override
            public void onEvent(Observation.Event event, Observation.Context context) {
                delegate.onEvent(event, context);
            }

            @Override
            public void onScopeOpened(Observation.Context context) {
                delegate.onScopeOpened(context);
            }

            @Override
            public void onScopeClosed(Observation.Context context) {
                delegate.onScopeClosed(context);
            }

            @Override
            public void onScopeReset(Observation.Context context) {
                delegate.onScopeReset(context);
            }

            @Override
            public void onStop(Observation.Context context) {
                delegate.onStop(context);
            }

            @Override
            public String toString() {
                return "excludingRpc(" + delegate + ")";
            }
        };
    }
}
