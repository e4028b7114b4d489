package io.tern.rpc.spring.health;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * The {@code rpc} contributor on Spring Boot 4 ({@code org.springframework.boot.health.contributor}, from
 * {@code spring-boot-health}). Off with {@code management.health.rpc.enabled=false}; a bean named
 * {@code rpcHealthIndicator} replaces it.
 */
@AutoConfiguration(afterName = "io.tern.rpc.spring.RpcAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
@ConditionalOnBean(RpcHealthCheck.class)
@ConditionalOnEnabledHealthIndicator("rpc")
public class Boot4HealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "rpcHealthIndicator")
    RpcHealthIndicator rpcHealthIndicator(ObjectProvider<RpcHealthCheck> check) {
        return new RpcHealthIndicator(check.getObject());
    }

    /** Shows {@link RpcHealthCheck#check()} as Boot 4 health. */
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
