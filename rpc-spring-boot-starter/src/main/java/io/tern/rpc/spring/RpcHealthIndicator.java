package io.tern.rpc.spring;

import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.ZooKeeperRegistry;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Actuator health ({@code rpc}): the provider side (server bound, services, registry session connected) and the
 * consumer side (registry session connected, providers registered per referenced service). DOWN when a registry
 * session is disconnected or a provider side that should serve is not bound; a service with no providers is
 * reported, not DOWN (this application itself is fine).
 */
public class RpcHealthIndicator extends AbstractHealthIndicator {
    private final RpcProviderLifecycle provider;
    private final RpcReferences references;

    public RpcHealthIndicator(RpcProviderLifecycle provider, RpcReferences references) {
        super("Tern RPC health check failed");
        this.provider = provider;
        this.references = references;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = true;
        if (!provider.serviceKeys().isEmpty()) {
            TernServer server = provider.server();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("bound", server != null);
            details.put("services", provider.serviceKeys());
            if (server != null) {
                details.put("address", server.advertisedHost() + ":" + server.port());
                Boolean connected = connected(server.registry());
                details.put("registryConnected", connected);
                up &= !Boolean.FALSE.equals(connected);
            }
            up &= server != null || !provider.isRunning();
            builder.withDetail("server", details);
        }
        Registry registry = references.registry();
        if (registry != null) {
            Map<String, Object> details = new LinkedHashMap<>();
            Boolean connected = connected(registry);
            details.put("registryConnected", connected);
            up &= !Boolean.FALSE.equals(connected);
            Map<String, Object> providers = new LinkedHashMap<>();
            for (String key : references.serviceKeys()) {
                providers.put(key, registeredProviders(registry, key));
            }
            details.put("providers", providers);
            builder.withDetail("references", details);
        }
        builder.status(up ? "UP" : "DOWN");
    }

    /** null when the registry has no session to speak of (direct://). */
    private static Boolean connected(Registry registry) {
        if (registry instanceof ZooKeeperRegistry zk) {
            return zk.curator().getZookeeperClient().isConnected();
        }
        return null;
    }

    private static Object registeredProviders(Registry registry, String serviceKey) {
        if (registry instanceof ZooKeeperRegistry zk) {
            try {
                return zk.curator().getChildren().forPath(zk.providersPath(serviceKey)).size();
            } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                return 0;
            } catch (Exception e) {
                return "unknown: " + e.getMessage();
            }
        }
        return registry.describe(serviceKey);
    }
}
