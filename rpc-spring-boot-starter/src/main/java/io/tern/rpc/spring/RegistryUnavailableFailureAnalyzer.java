package io.tern.rpc.spring;

import io.tern.rpc.registry.RegistryUnavailableException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * ZooKeeper did not answer at start-up: Spring Boot's short report naming the servers and the properties involved,
 * instead of a {@code BeanCreationException} (consumer) or a failed lifecycle start (provider) with its stack.
 */
class RegistryUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<RegistryUnavailableException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RegistryUnavailableException cause) {
        return new FailureAnalysis("Tern RPC could not reach its registry: " + cause.getMessage(),
                "Start ZooKeeper at " + cause.servers() + ", or set rpc.registry.address to one that is running. If it is running"
                        + " but slow to answer, raise rpc.registry.connect-timeout. A consumer can also call providers without a"
                        + " registry: rpc.registry.address=direct://host:port[,host:port...].", cause);
    }
}
