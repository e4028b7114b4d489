package io.tern.rpc.spring;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code rpc} Actuator endpoint when Actuator is present (the same endpoint annotations on Boot 4 and 3.5).
 * Exposed like any endpoint: {@code management.endpoints.web.exposure.include=rpc} for HTTP, JMX with
 * {@code spring.jmx.enabled=true}.
 */
@AutoConfiguration(after = RpcAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean({RpcProviderLifecycle.class, RpcReferences.class})
public class RpcEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    RpcEndpoint rpcEndpoint(RpcProviderLifecycle provider, RpcReferences references) {
        return new RpcEndpoint(provider, references);
    }
}
