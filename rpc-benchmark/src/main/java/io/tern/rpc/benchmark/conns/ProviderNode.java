package io.tern.rpc.benchmark.conns;

import io.tern.rpc.benchmark.model.ImmediateEcho;
import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * A provider process: {@code ProviderNode <servers> <io-threads, 0 = default>} starts that many real
 * {@link TransportServer}s on 127.0.0.1 (free ports), each exporting the benchmark {@link EchoService}, and prints
 * {@code PORTS p1,p2,...}. Defaults but for two limits that this benchmark must lift: rpc.server.max-connections
 * (4096) and max-connections-per-peer (1024), since every connection comes from 127.0.0.1. Commands:
 * {@code CONNS} (client connections open, all servers), {@code MEM}, {@code QUIT}.
 */
public final class ProviderNode {
    /** Room for the 10,000 idle connections and the active one, and then some. */
    static final int MAX_CONNECTIONS = 65_000;

    private ProviderNode() {
    }


    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        int ioThreads = Integer.parseInt(args[1]);
        List<TransportServer> servers = new ArrayList<>();
        StringJoiner ports = new StringJoiner(",");
        try {
            for (int i = 0; i < count; i++) {
                ServerConfig.Builder b = ServerConfig.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(200))
                        .maxConnections(MAX_CONNECTIONS).maxConnectionsPerPeer(MAX_CONNECTIONS);
                if (ioThreads > 0) {
                    b.ioThreads(ioThreads);
                }
                TransportServer s = new TransportServer(b.build());
                s.export(ExportedService.of(EchoService.class, new ImmediateEcho(), "", "", ExportedService.ExecutionMode.EXECUTOR));
                servers.add(s.start());
                ports.add(String.valueOf(s.port()));
            }
            NodeLoop.say("PORTS " + ports);
            NodeLoop.run(words -> switch (words[0]) {
                case "CONNS" -> "CONNS " + servers.stream().mapToInt(TransportServer::connections).sum();
                case "ALLOCATOR" -> "ALLOCATOR " + MemorySnapshot.allocatorName();
                default -> null;
            });
        } finally {
            // no graceful drain: with hundreds of servers it would take seconds each, and nothing is in flight by now
            System.exit(0);
        }
    }
}
