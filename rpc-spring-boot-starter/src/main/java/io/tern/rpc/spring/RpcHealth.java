package io.tern.rpc.spring;

import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryStatus;
import io.tern.rpc.spring.health.RpcHealthCheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rpc} health check: UP while this application can serve and call; the registry's state is a detail.
 *
 * <ul>
 *   <li>DOWN when the provider side has services to export and its server is not serving (not started, draining
 *   after a stop, or closed): calls routed here fail.</li>
 *   <li>DOWN when a referenced service has no provider a call can use (none listed, or none connected): its calls
 *   fail at once with {@code NoProviderException}. The detail {@code noProvider} names those services.</li>
 *   <li>A registry that is disconnected or whose session expired is <em>not</em> DOWN: consumers keep calling the
 *   providers of their last lists, providers keep serving the consumers that know them. The detail
 *   {@code registry} says since when, so a ZooKeeper outage does not fail the probes of a whole fleet.</li>
 * </ul>
 *
 * Actuator shows it as the contributor {@code rpc} on Boot 4 and Boot 3.5 alike (the adapters are in
 * {@code rpc-spring-boot-health}). Only local state is read (no registry round trip), so the check answers at once even while ZooKeeper does not.
 * Spring Boot's liveness and readiness groups do not include this contributor unless configured to: a DOWN here means
 * "cannot do its RPC work", which is a readiness concern, never a reason to restart the process.
 */
public class RpcHealth implements RpcHealthCheck {
    private final RpcProviderLifecycle provider;
    private final RpcReferences references;

    public RpcHealth(RpcProviderLifecycle provider, RpcReferences references) {
        this.provider = provider;
        this.references = references;
    }

    @Override
    public Report check() {
        Map<String, Object> report = new LinkedHashMap<>();
        boolean up = true;
        if (!provider.serviceKeys().isEmpty()) {
            TernServer server = provider.server();
            String state = serverState(server);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("status", state);
            details.put("bound", server != null);
            details.put("services", provider.serviceKeys());
            if (server != null) {
                details.put("address", server.advertisedHost() + ":" + server.port());
                // offline (rpc endpoint, TernServer.offline()) is a deliberate step out of the registry: a detail, not DOWN
                details.put("online", server.isOnline());
                Registry registry = server.registry();
                if (registry != null) {
                    putRegistry(details, registry.status(), "still serving the consumers that know this provider;"
                            + " new consumers find it once the registry is back");
                }
            }
            up &= state.equals("serving");
            report.put("server", details);
        }
        Registry registry = references.registry();
        if (registry != null) {
            Map<String, Object> details = new LinkedHashMap<>();
            putRegistry(details, registry.status(), "serving from the cached provider list");
            Map<String, Object> listed = new LinkedHashMap<>();
            Map<String, Object> available = new LinkedHashMap<>();
            List<String> noProvider = new ArrayList<>();
            references.providerCounts().forEach((serviceKey, counts) -> {
                listed.put(serviceKey, counts.listed());
                available.put(serviceKey, counts.available());
                if (counts.available() == 0) {
                    noProvider.add(serviceKey);
                }
            });
            details.put("providers", listed);
            details.put("available", available);
            if (!noProvider.isEmpty()) {
                details.put("noProvider", noProvider);
                up = false;
            }
            report.put("references", details);
        }
        return new Report(up, report);
    }

    /** serving, draining (stopping: calls in flight finish, new ones are refused) or stopped. */
    private String serverState(TernServer server) {
        if (server == null) {
            return "stopped";
        }
        if (!provider.isRunning()) {
            return "draining";
        }
        return server.isServing() ? "serving" : "stopped";
    }

    private static void putRegistry(Map<String, Object> details, RegistryStatus status, String whileDisconnected) {
        details.put("registry", switch (status.state()) {
            case CONNECTED -> "connected";
            case SUSPENDED, LOST -> "disconnected since " + status.since() + " (" + status.state() + "); " + whileDisconnected;
            case FIXED -> "none: a fixed provider list";
            case CLOSED -> "closed";
            case UNKNOWN -> status.description();
        });
        details.put("registryState", status.state().name());
        // kept from earlier versions: null where there is no session to speak of
        details.put("registryConnected", status.state() == RegistryStatus.State.CONNECTED ? Boolean.TRUE
                : status.isDisconnected() ? Boolean.FALSE : null);
    }
}
