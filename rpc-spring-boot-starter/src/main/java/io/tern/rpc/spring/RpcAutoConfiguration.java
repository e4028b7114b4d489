package io.tern.rpc.spring;

import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.spring.health.RpcHealthCheck;
import io.tern.rpc.transport.ServerFilter;

import io.tern.rpc.cluster.TernClient;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * Tern RPC for Spring Boot: {@code rpc.*} properties, {@link RpcService} beans exported by
 * {@link RpcProviderLifecycle}, {@link RpcReference} fields filled from {@link RpcReferences}. Registered through
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}; {@code rpc.enabled=false}
 * turns it off. {@link ClientFilter} and {@link ServerFilter} beans join the call paths (in {@code @Order}), and a
 * {@link Registry} bean replaces the one {@code rpc.registry.address} would make.
 */
@AutoConfiguration(afterName = {
        // so the ObservationRegistry and meter registry beans, if any, are defined before the client and server look
        // them up: Boot 4 names, then Boot 3.5
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(TernClient.class)
@ConditionalOnProperty(prefix = "rpc", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(RpcProperties.class)
public class RpcAutoConfiguration {

    /** Static, so registering the post-processor does not create this configuration class early. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static RpcReferenceInjector rpcReferenceInjector(ObjectProvider<RpcReferences> references) {
        return new RpcReferenceInjector(references);
    }

    @Bean
    @ConditionalOnMissingBean
    public RpcReferences rpcReferences(RpcProperties properties, ObjectProvider<RpcObservationLinks> observations,
                                       ObjectProvider<RpcCallObserver> observers, ObjectProvider<ClientFilter> clientFilters,
                                       ObjectProvider<Registry> registries) {
        return new RpcReferences(properties, new RpcExtensions(observations, observers, clientFilters, null, registries));
    }

    @Bean
    @ConditionalOnMissingBean
    public RpcProviderLifecycle rpcProviderLifecycle(RpcProperties properties, ListableBeanFactory beanFactory,
                                                     ObjectProvider<RpcObservationLinks> observations,
                                                     ObjectProvider<RpcCallObserver> observers, ObjectProvider<ServerFilter> serverFilters,
                                                     ObjectProvider<Registry> registries) {
        return new RpcProviderLifecycle(properties, beanFactory, new RpcExtensions(observations, observers, null, serverFilters, registries));
    }

    /**
     * Calls as Micrometer Observations {@code rpc.client} / {@code rpc.server} (SPEC §4) when Micrometer Observation
     * is on the class path; they record only if the context has an {@code ObservationRegistry} bean (Boot makes one
     * with Actuator), which Boot's metrics and tracing handlers are attached to.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
    static class Observations {
        @Bean
        RpcObservationLinks rpcObservationLinks(ObjectProvider<io.micrometer.observation.ObservationRegistry> registries,
                                                ObjectProvider<io.tern.rpc.cluster.observation.RpcClientObservationConvention> clientConventions,
                                                ObjectProvider<io.tern.rpc.cluster.observation.RpcServerObservationConvention> serverConventions) {
            return new MicrometerObservationLinks(registries, clientConventions, serverConventions);
        }
    }

    /** Tern's timers without the per-call cost of Boot's default meter handler (see {@link RpcMeterObservationSetup}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.micrometer.observation.ObservationRegistry", "io.micrometer.core.instrument.observation.MeterObservationHandler"})
    static class ObservationMeters {
        /** Static: a post-processor, made before the beans it processes. */
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static RpcMeterObservationSetup rpcMeterObservationSetup(ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meterRegistries,
                ObjectProvider<io.tern.rpc.cluster.observation.RpcClientObservationConvention> clientConventions,
                ObjectProvider<io.tern.rpc.cluster.observation.RpcServerObservationConvention> serverConventions) {
            return new RpcMeterObservationSetup(meterRegistries, clientConventions, serverConventions);
        }
    }

    /** What the Actuator contributor {@code rpc} shows, on either Boot line (see {@code rpc-spring-boot-health}). */
    @Bean
    @ConditionalOnMissingBean
    public RpcHealthCheck rpcHealthCheck(RpcProviderLifecycle provider, RpcReferences references) {
        return new RpcHealth(provider, references);
    }
}
