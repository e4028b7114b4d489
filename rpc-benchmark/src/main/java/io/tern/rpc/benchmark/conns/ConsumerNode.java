package io.tern.rpc.benchmark.conns;

import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.benchmark.model.Payloads;
import io.tern.rpc.benchmark.model.WireSamples;
import io.tern.rpc.cluster.Reference;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.internal.ClientConnection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The consumer process: one default {@link TransportClient}. Commands:
 * {@code ACTIVE <port>} makes the reference whose calls are timed (one connection to 127.0.0.1:port);
 * {@code LOAD <c> <seconds>} runs the closed loop on it ({@link ActiveLoop}) and prints
 * {@code LOAD <calls> <ops/s> <p50> <p99> <p99.9> <max µs> <errors>};
 * {@code OPEN <port,port,...>} opens this client's shared connection to each of those provider ports (the
 * public {@link TransportClient#connection} a consumer's references use, one per address), prints
 * {@code OPENED <n>} once all of them are READY; {@code READY} counts the open ones; {@code CLOSE} closes them;
 * {@code MEM}.
 */
public final class ConsumerNode {
    private ConsumerNode() {
    }

    public static void main(String[] args) throws Exception {
        TransportClient client = new TransportClient(ClientConfig.defaults());
        List<ClientConnection> idle = new ArrayList<>();
        ActiveLoop[] loop = new ActiveLoop[1];
        NodeLoop.say("STARTED");
        try {
            NodeLoop.run(words -> switch (words[0]) {
                case "ACTIVE" -> {
                    EchoService service = Reference.to(EchoService.class).address("127.0.0.1:" + words[1])
                            .timeout(Duration.ofMillis(WireSamples.TIMEOUT_MILLIS)).create(client);
                    if (!Payloads.ECHO_STRING.equals(service.echo(Payloads.ECHO_STRING).get(10, TimeUnit.SECONDS))) {
                        throw new IllegalStateException("the provider did not echo its argument");
                    }
                    loop[0] = new ActiveLoop(service);
                    yield "ACTIVE ok";
                }
                case "LOAD" -> "LOAD " + loop[0].run(Integer.parseInt(words[1]), Double.parseDouble(words[2])).line();
                case "OPEN" -> {
                    List<ClientConnection> opened = new ArrayList<>();
                    for (String port : words[1].split(",")) {
                        opened.add(client.connection("127.0.0.1", Integer.parseInt(port)));
                    }
                    IdlerNode.awaitReady(opened, 60_000);
                    idle.addAll(opened);
                    yield "OPENED " + IdlerNode.ready(idle);
                }
                case "READY" -> "READY " + IdlerNode.ready(idle);
                case "CLOSE" -> {
                    idle.forEach(ClientConnection::close);
                    idle.clear();
                    yield "CLOSED";
                }
                case "ALLOCATOR" -> "ALLOCATOR " + MemorySnapshot.allocatorName();
                default -> null;
            });
        } finally {
            System.exit(0);
        }
    }
}
