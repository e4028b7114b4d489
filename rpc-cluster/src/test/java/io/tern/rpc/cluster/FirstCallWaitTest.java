package io.tern.rpc.cluster;

import io.tern.rpc.NoProviderException;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §4: a reference's first call waits, within its own deadline, for the first provider list (issue 12, defect 1). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FirstCallWaitTest {

    @Test
    void eachWaiterWaitsWithinItsOwnDeadlineAndAnEarlyTimeoutFailsNoOtherWaiter() throws Exception {
        InMemoryRegistry registry = new InMemoryRegistry();
        try (TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
             TransportClient rpc = new TransportClient(ClientConfig.builder().ioThreads(1).build());
             Directory directory = new Directory(Greeter.class.getName(), registry, rpc)) {
            server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
            // two proxies over one provider list, as calls with different deadlines to one service are
            Reference<Greeter> shortDeadline = Reference.to(Greeter.class).timeout(Duration.ofMillis(150));
            Reference<Greeter> longDeadline = Reference.to(Greeter.class).timeout(Duration.ofSeconds(10));
            Greeter impatient = shortDeadline.create(shortDeadline.callPath(directory), directory.describe());
            Greeter patient = longDeadline.create(longDeadline.callPath(directory), directory.describe());

            CompletableFuture<String> early = impatient.helloAsync("early");
            CompletableFuture<String> waiting1 = patient.helloAsync("one");
            CompletableFuture<String> waiting2 = patient.helloAsync("two");
            ExecutionException e = assertThrows(ExecutionException.class, () -> early.get(5, TimeUnit.SECONDS));
            assertInstanceOf(NoProviderException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("before the call's deadline"), e.getCause().getMessage());
            assertFalse(waiting1.isDone() || waiting2.isDone(), "the shortest deadline failed only its own call");

            // a call made after that timeout still waits, and so does a blocking one on another thread
            CompletableFuture<String> later = patient.helloAsync("later");
            CompletableFuture<String> blocking = CompletableFuture.supplyAsync(() -> patient.hello("blocking"));
            assertFalse(later.isDone());

            registry.register(new ProviderInfo(Greeter.class.getName(), "127.0.0.1", server.port(), 100, "protostuff",
                    System.currentTimeMillis() - 60_000, "", "", Map.of()));
            assertEquals("async hello one", waiting1.get(5, TimeUnit.SECONDS));
            assertEquals("async hello two", waiting2.get(5, TimeUnit.SECONDS));
            assertEquals("async hello later", later.get(5, TimeUnit.SECONDS));
            assertEquals("hello blocking", blocking.get(5, TimeUnit.SECONDS));
            assertEquals("hello again", impatient.hello("again"), "the impatient reference works once providers are listed");
        }
    }

    /**
     * A waiter's deadline runs on the client's own timer, which ends with the client: the JDK's delay thread (behind
     * CompletableFuture.orTimeout) lives as long as the JVM, so {@code mvn exec:java} of a consumer waited 15 s for it.
     */
    @Test
    void aWaitersDeadlineFiresOnTheClientsTimer() throws Exception {
        InMemoryRegistry registry = new InMemoryRegistry();
        try (TransportClient rpc = new TransportClient(ClientConfig.builder().ioThreads(1).build());
             Directory directory = new Directory(Greeter.class.getName(), registry, rpc)) {
            Reference<Greeter> reference = Reference.to(Greeter.class).timeout(Duration.ofMillis(100));
            Greeter greeter = reference.create(reference.callPath(directory), directory.describe());
            CompletableFuture<String> failedOn = greeter.helloAsync("nobody").handle((v, e) -> Thread.currentThread().getName());
            assertTrue(failedOn.get(5, TimeUnit.SECONDS).startsWith("tern-client-timer"), failedOn.get());
        }
    }
}
