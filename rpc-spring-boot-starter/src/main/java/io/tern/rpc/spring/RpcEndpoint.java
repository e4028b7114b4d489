package io.tern.rpc.spring;

import io.tern.rpc.cluster.ReferenceView;
import io.tern.rpc.cluster.ServerView;
import io.tern.rpc.cluster.TernServer;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import java.util.List;

/**
 * The Actuator endpoint {@code rpc} (SPEC §4): {@code GET /actuator/rpc} shows each reference with its providers
 * (state, weight, in-flight, EWMA latency, ejected until) and what its fault tolerance spent, and the provider side
 * (services, in-flight calls, executor, connections, registry session, online); {@code POST /actuator/rpc} with
 * {@code {"state":"offline"}} or {@code {"state":"online"}} takes this provider out of the registry and back. Over
 * JMX the same read and write operations are exposed as {@code org.springframework.boot:type=Endpoint,name=Rpc}.
 */
@Endpoint(id = "rpc")
public class RpcEndpoint {
    private final RpcProviderLifecycle provider;
    private final RpcReferences references;

    public RpcEndpoint(RpcProviderLifecycle provider, RpcReferences references) {
        this.provider = provider;
        this.references = references;
    }

    /** What {@code GET /actuator/rpc} answers. */
    public record View(ServerView server, List<ReferenceView> references) {
    }

    @ReadOperation
    public View view() {
        TernServer server = provider.server();
        return new View(server == null ? null : server.view(), references.views());
    }

    /** {@code offline}: unregister this provider, keep serving what is routed to it; {@code online}: register again. */
    @WriteOperation
    public ServerView state(String state) {
        TernServer server = provider.server();
        if (server == null) {
            throw new InvalidEndpointRequestException("this application exports no @RpcService, or its server is not running",
                    "no Tern RPC provider here");
        }
        switch (state == null ? "" : state) {
            case "offline" -> server.offline();
            case "online" -> server.online();
            default -> throw new InvalidEndpointRequestException("state must be 'offline' or 'online', not '" + state + "'",
                    "state must be offline or online");
        }
        return server.view();
    }
}
