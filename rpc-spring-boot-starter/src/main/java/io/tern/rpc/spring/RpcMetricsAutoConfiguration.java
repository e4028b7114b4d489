package io.tern.rpc.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** {@link RpcMeters} when Micrometer is present: Spring Boot binds it to every {@code MeterRegistry} it makes. */
@AutoConfiguration(after = RpcAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnBean({RpcProviderLifecycle.class, RpcReferences.class})
public class RpcMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RpcMeters rpcMeters(RpcReferences references, RpcProviderLifecycle provider) {
        return new RpcMeters(references, provider);
    }
}
