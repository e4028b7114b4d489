package io.tern.rpc.cluster;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.tern.rpc.Idempotent;
import io.tern.rpc.RpcContext;
import io.tern.rpc.cluster.observation.RpcClientContext;
import io.tern.rpc.cluster.observation.RpcObservations;
import io.tern.rpc.cluster.observation.RpcServerContext;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The observation filters on real connections, over Micrometer's TestObservationRegistry (which also checks that
 * each observation is started, scoped and stopped validly), with a handler standing in for a tracer's propagation:
 * it writes a {@code traceparent} into the client's carrier and reads it back from the server's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObservationFiltersTest {

    public interface Probe {
        /** The traceparent attachment as the provider got it, and whether an observation was current in the method. */
        String seen();

        CompletableFuture<String> later(String value);

        String fail(String message);

        /**
         * The name of the provider serving it, after 600 ms for a first attempt; a later attempt (a backup) takes
         * until it is cancelled.
         */
        @Idempotent
        String paced();
    }

    /** Writes a traceparent per client observation; records what each server observation's carrier held. */
    static final class PropagatingRecorder implements ObservationHandler<Observation.Context> {
        final AtomicInteger parents = new AtomicInteger();
        final Queue<String> received = new ConcurrentLinkedQueue<>();
        final Queue<Observation.Context> stopped = new ConcurrentLinkedQueue<>();

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void onStart(Observation.Context context) {
            if (context instanceof SenderContext sender) {
                sender.getSetter().set(sender.getCarrier(), "traceparent", "00-parent-" + parents.incrementAndGet() + "-01");
            } else if (context instanceof ReceiverContext receiver) {
                received.add(String.valueOf(receiver.getGetter().get(receiver.getCarrier(), "traceparent")));
            }
        }

        @Override
        public void onStop(Observation.Context context) {
            stopped.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }

        <T> List<T> stopped(Class<T> type) {
            return stopped.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final PropagatingRecorder recorder = new PropagatingRecorder();
    private final AtomicInteger refuseFirst = new AtomicInteger();
    private final AtomicInteger pacedCalls = new AtomicInteger();
    private TransportServer server;
    private TernClient client;
    private InMemoryRegistry providers;

    @BeforeEach
    void start() {
        registry.observationConfig().observationHandler(recorder);
        Probe impl = probe("first");
        server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.filter(RpcObservations.server(registry));
        // after the observation: its refusals (SERVER_BUSY never ran, so the client retries) are observed calls
        server.filter((call, next) -> refuseFirst.getAndDecrement() > 0 ? call.reject(Status.SERVER_BUSY, "busy for the test") : next.invoke(call));
        server.export(ExportedService.of(Probe.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
        providers = new InMemoryRegistry();
        providers.register(new ProviderInfo(Probe.class.getName(), "127.0.0.1", server.port(), 100, "protostuff",
                System.currentTimeMillis() - 60_000, "", "", Map.of()));
        client = RpcObservations.addTo(new TernClient(ClientConfig.defaults(), providers), registry);
    }

    private Probe probe(String name) {
        return new Probe() {
            @Override
            public String seen() {
                return RpcContext.current().attachments().get("traceparent") + " current=" + (registry.getCurrentObservation() != null);
            }

            @Override
            public CompletableFuture<String> later(String value) {
                return CompletableFuture.supplyAsync(() -> value);
            }

            @Override
            public String fail(String message) {
                throw new IllegalArgumentException(message);
            }

            @Override
            public String paced() {
                RpcContext call = RpcContext.current();
                long until = System.nanoTime() + ("0".equals(call.attachments().get("attempt")) ? 600_000_000L : 5_000_000_000L);
                while (System.nanoTime() < until && !call.isCancelled()) {
                    LockSupport.parkNanos(5_000_000L); // simulated work, given up once the caller cancels
                }
                pacedCalls.incrementAndGet();
                return name;
            }
        };
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private Probe probe() {
        return client.refer(Reference.to(Probe.class).timeout(Duration.ofSeconds(3)).warmup(Duration.ZERO).retries(2));
    }

    private void awaitStopped(int client, int server) {
        Poll.until(Duration.ofSeconds(5), client + " client and " + server + " server observations stopped",
                () -> recorder.stopped(RpcClientContext.class).size() == client && recorder.stopped(RpcServerContext.class).size() == server);
    }

    @Test
    void aCallIsOneClientAndOneServerObservationWithTheTraceInTheAttachmentsAndTheScopeOpenInTheMethod() {
        assertEquals("00-parent-1-01 current=true", probe().seen());
        awaitStopped(1, 1);
        RpcClientContext c = recorder.stopped(RpcClientContext.class).get(0);
        assertEquals("rpc.client", c.getName());
        assertEquals(Probe.class.getName() + "/seen", c.getContextualName());
        assertEquals(Probe.class.getName(), c.getLowCardinalityKeyValue("rpc.service").getValue());
        assertEquals("seen", c.getLowCardinalityKeyValue("rpc.method").getValue());
        assertEquals("OK", c.getLowCardinalityKeyValue("rpc.status").getValue());
        assertEquals("127.0.0.1:" + server.port(), c.getHighCardinalityKeyValue("rpc.provider").getValue());
        assertNull(c.getError());
        RpcServerContext s = recorder.stopped(RpcServerContext.class).get(0);
        assertEquals("rpc.server", s.getName());
        assertEquals("OK", s.getLowCardinalityKeyValue("rpc.status").getValue());
        assertEquals("seen", s.getLowCardinalityKeyValue("rpc.method").getValue());
        TestObservationRegistryAssert.assertThat(registry).hasNumberOfObservationsWithNameEqualTo("rpc.client", 1)
                .hasNumberOfObservationsWithNameEqualTo("rpc.server", 1);
    }

    @Test
    void everyAttemptOfARetriedCallCarriesTheOneClientObservationsTrace() {
        refuseFirst.set(1);
        assertEquals("00-parent-1-01 current=true", probe().seen());
        awaitStopped(1, 2);
        assertEquals(List.of("00-parent-1-01", "00-parent-1-01"), List.copyOf(recorder.received), "both attempts sent the same parent");
        List<String> serverStatuses = recorder.stopped(RpcServerContext.class).stream()
                .map(s -> s.getLowCardinalityKeyValue("rpc.status").getValue()).toList();
        assertEquals(List.of("SERVER_BUSY", "OK"), serverStatuses);
        assertEquals("OK", recorder.stopped(RpcClientContext.class).get(0).getLowCardinalityKeyValue("rpc.status").getValue());
    }

    @Test
    void aFailingMethodIsAnApplicationErrorOnBothSidesWithTheErrorSet() {
        Probe probe = probe();
        assertThrows(IllegalArgumentException.class, () -> probe.fail("no"));
        awaitStopped(1, 1);
        RpcClientContext c = recorder.stopped(RpcClientContext.class).get(0);
        assertEquals("APPLICATION_ERROR", c.getStatus());
        assertEquals("APPLICATION_ERROR", c.getLowCardinalityKeyValue("rpc.status").getValue());
        assertTrue(c.getError().getMessage().contains("IllegalArgumentException: no"), c.getError().toString());
        RpcServerContext s = recorder.stopped(RpcServerContext.class).get(0);
        assertEquals("APPLICATION_ERROR", s.getStatus());
        assertInstanceOf(IllegalArgumentException.class, s.getError());
    }

    @Test
    void anAsyncMethodsServerObservationEndsWhenItsFutureCompletes() throws Exception {
        assertEquals("v", probe().later("v").get(5, TimeUnit.SECONDS));
        awaitStopped(1, 1);
        assertEquals("OK", recorder.stopped(RpcServerContext.class).get(0).getStatus());
        assertEquals("later", recorder.stopped(RpcServerContext.class).get(0).getMethodName());
    }

    @Test
    void aCallWithNoProviderIsObservedAsNoProvider() {
        providers.unregister(new ProviderInfo(Probe.class.getName(), "127.0.0.1", server.port(), 100, "protostuff", 0, "", "", Map.of()));
        Probe probe = client.refer(Reference.to(Probe.class).timeout(Duration.ofMillis(300)).warmup(Duration.ZERO));
        assertThrows(RuntimeException.class, probe::seen);
        awaitStopped(1, 0);
        RpcClientContext c = recorder.stopped(RpcClientContext.class).get(0);
        assertEquals("NO_PROVIDER", c.getStatus());
        assertNotNull(c.getError());
        assertNull(c.getProvider());
    }

    @Test
    void theProviderNamedIsTheOneThatAnsweredNotTheBackupSentAfterIt() {
        TransportServer second = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        try {
            second.filter(RpcObservations.server(registry));
            second.export(ExportedService.of(Probe.class, probe("second"), "", "", ExportedService.ExecutionMode.EXECUTOR)).start();
            providers.register(new ProviderInfo(Probe.class.getName(), "127.0.0.1", second.port(), 100, "protostuff",
                    System.currentTimeMillis() - 60_000, "", "", Map.of()));
            Probe hedged = client.refer(Reference.to(Probe.class).timeout(Duration.ofSeconds(5)).warmup(Duration.ZERO)
                    .retries(0).backupRequest("50ms"));
            String answeredBy = hedged.paced(); // the first attempt answers after 600 ms; its backup, sent at 50 ms, never does
            Poll.until(Duration.ofSeconds(10), "both providers served the call (the backup cancelled)", () -> pacedCalls.get() == 2);
            awaitStopped(1, 2);
            int port = answeredBy.equals("first") ? server.port() : second.port();
            assertEquals("127.0.0.1:" + port, recorder.stopped(RpcClientContext.class).get(0).getProvider());
            assertEquals(2, recorder.received.size());
            assertEquals(1, recorder.received.stream().distinct().count(), "both attempts carried one parent: " + recorder.received);
        } finally {
            second.close();
        }
    }

    @Test
    void nothingIsInstalledForTheNoopRegistryOrNone() {
        assertFalse(RpcObservations.observing(ObservationRegistry.NOOP));
        assertFalse(RpcObservations.observing(null));
        assertTrue(RpcObservations.observing(registry));
        try (TernClient plain = RpcObservations.addTo(new TernClient(ClientConfig.defaults(), providers), ObservationRegistry.NOOP)) {
            Probe probe = plain.refer(Reference.to(Probe.class).timeout(Duration.ofSeconds(3)).warmup(Duration.ZERO));
            assertEquals("null current=true", probe.seen(), "no client filter wrote a trace; the server's observation ran");
        }
        awaitStopped(0, 1);
    }
}
