package io.tern.rpc.benchmark.e2e;

import io.tern.rpc.benchmark.model.ImmediateEcho;
import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.cluster.observation.RpcObservations;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The provider process of the end-to-end benchmark, started by {@link E2eBench}. Usage:
 * {@code ProviderMain raw-netty|tern-default|tern-direct|tern-gzip|tern-observed|tern-observed-nop|tern-observed-nolt|grpc|grpc-direct|dubbo}
 * (the last three: the peers, see {@link Peers}). Binds 127.0.0.1 on a free port and prints
 * {@code PORT <n>} on stdout, then answers commands read from stdin, one per line:
 * {@code STATS} prints {@code STATS <cpu ns> <allocated bytes> <gc count> <gc ms>} for this process;
 * {@code QUIT} (or end of stdin: the consumer died) stops the server and exits.
 */
public final class ProviderMain {
    private ProviderMain() {
    }


    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ProviderMain raw-netty|tern-default|tern-direct|tern-gzip|tern-observed|tern-observed-nop|tern-observed-nolt|grpc|grpc-direct|dubbo");
            System.exit(2);
        }
        AutoCloseable server;
        int port;
        switch (args[0]) {
            case "raw-netty" -> {
                RawNettyServer s = new RawNettyServer("127.0.0.1", 0);
                server = s;
                port = s.port();
            }
            case "tern-default", "tern-direct", TernLoad.GZIP_MODE, Observed.MODE, Observed.NOP_MODE, Observed.NO_LTT_MODE, Observed.DEFAULT_HANDLER_MODE -> {
                ExportedService.ExecutionMode mode = args[0].equals("tern-direct")
                        ? ExportedService.ExecutionMode.DIRECT : ExportedService.ExecutionMode.EXECUTOR;
                TransportServer s = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofSeconds(1))
                        .compression(args[0].equals(TernLoad.GZIP_MODE) ? Compression.gzip(Compression.DEFAULT_THRESHOLD) : Compression.NONE).build());
                if (Observed.observed(args[0])) {
                    s.filter(RpcObservations.server(Observed.registry(args[0])));
                }
                s.export(ExportedService.of(EchoService.class, new ImmediateEcho(), "", "", mode));
                s.start();
                server = s;
                port = s.port();
            }
            case Peers.GRPC, Peers.GRPC_DIRECT -> {
                GrpcEchoServer s = new GrpcEchoServer(new ImmediateEcho(), args[0].equals(Peers.GRPC_DIRECT));
                server = s;
                port = s.port();
            }
            case Peers.DUBBO -> {
                DubboEchoServer s = new DubboEchoServer(new ImmediateEcho());
                server = s;
                port = s.port();
                System.err.println("dubbo provider exported " + s.url());
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.out.println("PORT " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.equals("STATS")) {
                System.out.println(ProcStats.now().line());
                System.out.flush();
            } else if (line.equals("QUIT")) {
                break;
            }
        }
        try {
            server.close();
        } finally {
            System.exit(0);
        }
    }
}
