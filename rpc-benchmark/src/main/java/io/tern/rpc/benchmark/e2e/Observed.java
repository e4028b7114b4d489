package io.tern.rpc.benchmark.e2e;

import io.tern.rpc.cluster.observation.RpcMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * Mode {@code tern-observed}: {@code tern-default} with the observation filters on both sides, metrics only (no
 * tracer), as the starter sets up a Spring Boot application: Micrometer's default meter handler for every other
 * observation ({@code RpcMeterObservationHandler.excludingRpc}) and {@code RpcMeterObservationHandler} for Tern's:
 * the cost of observing every call. Mode {@code tern-observed-default}: the same filters timed by Micrometer's
 * {@code DefaultMeterObservationHandler} (a Timer and a LongTaskTimer per method and status), what Spring Boot does
 * without the starter's handler. Mode {@code tern-observed-nop}: the same
 * filters over a registry whose one handler does nothing, so observations are made, started and stopped but nothing
 * is recorded: what the filters and Micrometer's Observation API cost before any handler's work. Mode
 * {@code tern-observed-nolt}: the meter handler without its LongTaskTimer ({@code IgnoredMeters.LONG_TASK_TIMER}, Spring
 * Boot's {@code management.observations.long-task-timer.enabled=false}): the Timer alone.
 */
final class Observed {
    static final String MODE = "tern-observed";
    static final String NOP_MODE = "tern-observed-nop";
    static final String NO_LTT_MODE = "tern-observed-nolt";
    static final String DEFAULT_HANDLER_MODE = "tern-observed-default";

    private Observed() {
    }

    static boolean observed(String mode) {
        return mode.equals(MODE) || mode.equals(NOP_MODE) || mode.equals(NO_LTT_MODE) || mode.equals(DEFAULT_HANDLER_MODE);
    }

    static ObservationRegistry registry(String mode) {
        if (mode.equals(NOP_MODE)) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(context -> true);
            return registry;
        }
        if (mode.equals(NO_LTT_MODE)) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry(),
                    DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
            return registry;
        }
        if (mode.equals(DEFAULT_HANDLER_MODE)) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
            return registry;
        }
        return metricsOnly();
    }

    static ObservationRegistry metricsOnly() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig()
                .observationHandler(RpcMeterObservationHandler.excludingRpc(new DefaultMeterObservationHandler(meters)))
                .observationHandler(new RpcMeterObservationHandler(meters));
        return registry;
    }
}
