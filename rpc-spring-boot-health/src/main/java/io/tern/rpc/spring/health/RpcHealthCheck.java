package io.tern.rpc.spring.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code rpc} health check, free of any Spring Boot health API: the starter implements it, and one adapter per
 * Boot line ({@link Boot4HealthAutoConfiguration}, {@link Boot3HealthAutoConfiguration}) shows it as the Actuator
 * contributor {@code rpc}. A check reads local state only, so it answers at once even while the registry does not.
 */
public interface RpcHealthCheck {

    /** One look at the application's RPC state. */
    Report check();

    /**
     * UP or DOWN, with the details to show (maps, lists, strings, numbers: what Actuator renders as JSON).
     *
     * @param up      whether this application can do its RPC work
     * @param details shown under {@code components.rpc.details}
     */
    record Report(boolean up, Map<String, Object> details) {
        public Report {
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details)); // in order; a detail may be null
        }
    }
}
