package io.tern.rpc.spring.health;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.context.annotation.Bean;

/**
 * The {@code rpc} contributor on Spring Boot 3.5 ({@code org.springframework.boot.actuate.health}, from
 * {@code spring-boot-actuator} 3.x). Off with {@code management.health.rpc.enabled=false}; a bean named
 * {@code rpcHealthIndicator} replaces it.
 */
@AutoConfiguration(afterName = "io.tern.rpc.spring.RpcAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.AbstractHealthIndicator")
@ConditionalOnBean(RpcHealthCheck.class)
@ConditionalOnEnabledHealthIndicator("rpc")
public class Boot3HealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "rpcHealthIndicator")
    RpcHealthIndicator rpcHealthIndicator(ObjectProvider<RpcHealthCheck> check) {
        return new RpcHealthIndicator(check.getObject());
    }

    /** Shows {@link RpcHealthCheck#check()} as Boot 3 health. */
    public static final class RpcHealthIndicator extends AbstractHealthIndicator {
        private final RpcHealthCheck check;

        RpcHealthIndicator(RpcHealthCheck check) {
            super("Tern RPC health check failed");
            this.check = check;
        }

        @Override
        protected void doHealthCheck(Health.Builder builder) {
            RpcHealthCheck.Report report = check.check();
            builder.status(report.up() ? "UP" : "DOWN").withDetails(report.details());
        }
    }
}
