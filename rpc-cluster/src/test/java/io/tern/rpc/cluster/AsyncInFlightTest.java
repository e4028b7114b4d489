package io.tern.rpc.cluster;

import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Thousands of async calls in flight at once on one connection, served in DIRECT mode on the I/O thread. */
class AsyncInFlightTest {
    @Test
    void asyncCallsInFlightTogetherAllComplete() throws Exception {
        try (TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
             TransportClient client = new TransportClient(ClientConfig.defaults())) {
            server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.DIRECT)).start();
            Greeter greeter = Reference.to(Greeter.class).address("127.0.0.1:" + server.port()).timeout(Duration.ofSeconds(30)).create(client);
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                futures.add(greeter.helloAsync("n" + i));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals("async hello n" + i, futures.get(i).get(30, TimeUnit.SECONDS));
            }
        }
    }
}
