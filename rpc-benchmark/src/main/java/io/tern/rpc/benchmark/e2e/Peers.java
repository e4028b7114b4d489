package io.tern.rpc.benchmark.e2e;

import java.util.List;

/**
 * The other RPC stacks the end-to-end benchmark measures Tern against (issue 16), in the same harness: same
 * provider implementation, same payload objects, same closed loop, same process and CPU accounting.
 */
final class Peers {
    /** gRPC-java with its defaults: server and channel callbacks on gRPC's default executors. */
    static final String GRPC = "grpc";
    /** gRPC-java with {@code directExecutor()} on the server and the channel: calls and callbacks on the I/O threads. */
    static final String GRPC_DIRECT = "grpc-direct";
    /** Apache Dubbo, dubbo protocol, its defaults. */
    static final String DUBBO = "dubbo";
    static final List<String> MODES = List.of(GRPC, GRPC_DIRECT, DUBBO);

    static final String GRPC_VERSION = versionOf(io.grpc.ManagedChannel.class);

    private Peers() {
    }

    static boolean isPeer(String mode) {
        return MODES.contains(mode);
    }

    static LoadTarget load(String mode, int port) throws Exception {
        return switch (mode) {
            case GRPC, GRPC_DIRECT -> new GrpcLoad(port, mode.equals(GRPC_DIRECT));
            case DUBBO -> new DubboLoad(port);
            default -> throw new IllegalArgumentException("not a peer mode: " + mode);
        };
    }

    /** What the report says about the peers' settings, so a reader knows what was compared. */
    static String notes(List<String> modes) {
        StringBuilder sb = new StringBuilder();
        if (modes.contains(GRPC) || modes.contains(GRPC_DIRECT)) {
            sb.append("**gRPC** (grpc-java ").append(GRPC_VERSION).append(", grpc-netty-shaded, plaintext HTTP/2, one ManagedChannel):"
                    + " hand-written unary MethodDescriptors, one per EchoService method, whose marshallers write and read"
                    + " exactly Tern's Protostuff bytes for the same POJOs, so the rows compare RPC stacks, not codecs."
                    + " `grpc`: gRPC's default server and channel executors; `grpc-direct`: `directExecutor()` on both."
                    + " Async calls (ClientCalls.asyncUnaryCall), 10 s deadline, max message 8 MiB (Tern's frame limit;"
                    + " gRPC's default is 4 MiB); its shaded Netty picks epoll or NIO on its own.  \n");
        }
        if (modes.contains(DUBBO)) {
            sb.append("**Dubbo** (Apache Dubbo ").append(versionOf(org.apache.dubbo.config.ServiceConfig.class)).append(", dubbo protocol, API config, no Spring):"
                    + " direct URL, no registry, Dubbo's defaults: Hessian2 serialization (Dubbo 3.3's default, prefer.serialization"
                    + " hessian2,fastjson2; not Protostuff: Dubbo's codec is part of its stack, so its rows include it), fixed pool"
                    + " of 200 server threads with the `all` dispatcher, one shared connection, NIO transport (Dubbo uses epoll only"
                    + " when asked), on the class path's Netty ").append(nettyVersion())
                    .append(". Not defaults: timeout 10 s like the others (Dubbo's is 1 s), QoS console off, the payload POJOs"
                    + " implement Serializable (Hessian2 in Dubbo's strict mode refuses others). Dubbo swaps 127.0.0.1 for the host's"
                    + " own address on both sides, so its provider listens on 0.0.0.0 and its connection goes to that address"
                    + " (Linux routes it over loopback all the same). Async through the interface's CompletableFuture methods.  \n");
        }
        return sb.toString();
    }

    private static String versionOf(Class<?> c) {
        String v = c.getPackage().getImplementationVersion();
        return v != null ? v : "(version unknown)";
    }

    private static String nettyVersion() {
        io.netty.util.Version v = io.netty.util.Version.identify().get("netty-transport");
        return v != null ? v.artifactVersion() : "(version unknown)";
    }
}
