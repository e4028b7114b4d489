package io.tern.rpc.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a start-up failure caused by a bad Tern RPC setting into Spring Boot's short "APPLICATION FAILED TO START" report. */
class RpcConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RpcConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RpcConfigurationException cause) {
        if (cause instanceof UnknownRpcPropertiesException unknown) {
            return new FailureAnalysis(cause.getMessage(), unknown.action(), cause);
        }
        String action = cause.setting().startsWith("rpc.")
                ? "Fix '" + cause.setting() + "' in application.properties (or the environment / command line)."
                : "Fix " + cause.setting() + ".";
        return new FailureAnalysis("Invalid Tern RPC configuration: " + cause.getMessage(), action, cause);
    }
}
