package io.tern.rpc.spring;

import io.tern.rpc.transport.UnsupportedNettyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up on a Netty line Tern RPC does not run on: Spring Boot's short report, naming what was found and what to do. */
class UnsupportedNettyFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedNettyException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedNettyException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Use the Netty your Spring Boot parent manages (Boot 4.0: Netty 4.2; Boot 3.5: Netty 4.1): remove any netty.version"
                        + " override and any Netty dependency pinned to another version. Found: " + cause.found() + ".", cause);
    }
}
