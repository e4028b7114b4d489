package io.tern.rpc.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.tern.rpc.cluster.observation.RpcClientObservationConvention;
import io.tern.rpc.cluster.observation.RpcMeterObservationHandler;
import io.tern.rpc.cluster.observation.RpcServerObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Times Tern's observations with {@link RpcMeterObservationHandler} instead of Spring Boot's default meter handler,
 * which costs about half the throughput of a small call at 128 in flight (bench/results/session-2026-12-03-observations):
 * every {@link MeterObservationHandler} bean Boot makes is wrapped to skip Tern's contexts (it keeps timing every other
 * observation), and the {@link ObservationRegistry} gets the cheap handler. Works the same on Boot 4.0 and 3.5: no
 * handler bean is added, so Boot 3.5's "no MeterObservationHandler bean yet" condition is unaffected. Off when an RPC
 * convention bean is defined (the cheap handler knows only the default names and keys): Boot's handler times then.
 */
final class RpcMeterObservationSetup implements BeanPostProcessor {
    private final ObjectProvider<MeterRegistry> meterRegistries;
    private final ObjectProvider<RpcClientObservationConvention> clientConventions;
    private final ObjectProvider<RpcServerObservationConvention> serverConventions;
    private Boolean active;

    RpcMeterObservationSetup(ObjectProvider<MeterRegistry> meterRegistries, ObjectProvider<RpcClientObservationConvention> clientConventions,
                             ObjectProvider<RpcServerObservationConvention> serverConventions) {
        this.meterRegistries = meterRegistries;
        this.clientConventions = clientConventions;
        this.serverConventions = serverConventions;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof MeterObservationHandler<?> handler && !(bean instanceof RpcMeterObservationHandler) && active()) {
            return RpcMeterObservationHandler.excludingRpc(handler);
        }
        if (bean instanceof ObservationRegistry registry && registry != ObservationRegistry.NOOP && active()) {
            registry.observationConfig().observationHandler(new RpcMeterObservationHandler(meterRegistries::getIfUnique));
        }
        return bean;
    }

    private synchronized boolean active() {
        if (active == null) {
            active = clientConventions.getIfAvailable() == null && serverConventions.getIfAvailable() == null;
        }
        return active;
    }
}
