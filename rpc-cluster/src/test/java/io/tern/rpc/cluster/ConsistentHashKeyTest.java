package io.tern.rpc.cluster;

import io.tern.rpc.HashKey;
import io.tern.rpc.Idempotent;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.ServiceKey;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.RpcContext;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consistent hashing keys calls by a stable value the user chooses, refuses keys it could only hash by identity, and
 * walks its ring past tried providers instead of rebuilding it (issue 12, defect 8).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsistentHashKeyTest {
    static TransportClient client;

    @BeforeAll
    static void client() {
        // connections to a closed loopback port: the unit tests' balancers never use them
        client = new TransportClient(ClientConfig.builder().reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static List<Endpoint> endpoints(int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int port = 1; port <= n; port++) {
            ProviderInfo info = new ProviderInfo("svc", "127.0.0.1", port, 100, "protostuff", 0, "", "", Map.of());
            list.add(new Endpoint(info, client.connection("127.0.0.1", 9)));
        }
        return list;
    }

    static Invocation invocation(Object... args) {
        return new Invocation(new RpcRequest("svc", "m", new String[0], args, Map.of()), null, true, System.nanoTime() + 1_000_000_000L);
    }

    @Test
    void equalByteArrayKeysGoToTheSameProvider() {
        ConsistentHashLoadBalancer lb = new ConsistentHashLoadBalancer();
        List<Endpoint> five = endpoints(5);
        Set<Endpoint> used = new HashSet<>();
        for (int k = 0; k < 100; k++) {
            byte[] key = ("customer-" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Endpoint first = lb.select(five, invocation((Object) key));
            assertSame(first, lb.select(five, invocation((Object) key.clone())), "an equal byte[] key, another array: the same provider");
            used.add(first);
        }
        assertTrue(used.size() >= 4, "100 distinct keys spread over the providers, got " + used.size() + " of 5");
    }

    enum Color { RED, GREEN, BLUE }

    record Basket(String owner, byte[] token, List<Color> colors, Set<Color> tags, Map<String, Integer> counts) {
    }

    /** A POJO that gives itself a stable form through toString(). */
    static final class CustomerId {
        final String region;
        final long number;

        CustomerId(String region, long number) {
            this.region = region;
            this.number = number;
        }

        @Override
        public String toString() {
            return region + "-" + number;
        }
    }

    @Test
    void recordCollectionAndPojoKeysWithAStableFormHashByContent() {
        ConsistentHashLoadBalancer lb = new ConsistentHashLoadBalancer();
        List<Endpoint> five = endpoints(5);
        Set<Endpoint> used = new HashSet<>();
        for (int k = 0; k < 50; k++) {
            Set<Color> tagsOneWay = new LinkedHashSet<>(List.of(Color.BLUE, Color.RED));
            Set<Color> tagsOtherWay = new LinkedHashSet<>(List.of(Color.RED, Color.BLUE)); // equal sets, other order
            Map<String, Integer> counts = new HashMap<>(Map.of("apples", k, "pears", 2));
            Basket a = new Basket("owner-" + k, new byte[]{1, 2, (byte) k}, List.of(Color.GREEN), tagsOneWay, counts);
            Basket b = new Basket("owner-" + k, new byte[]{1, 2, (byte) k}, new ArrayList<>(List.of(Color.GREEN)), tagsOtherWay,
                    new java.util.TreeMap<>(counts));
            Endpoint e = lb.select(five, invocation(a));
            assertSame(e, lb.select(five, invocation(b)), "equal record content (arrays, sets in another order): the same provider");
            used.add(e);

            assertSame(lb.select(five, invocation(new CustomerId("eu", k))), lb.select(five, invocation(new CustomerId("eu", k))),
                    "a POJO with its own toString()");
            assertSame(lb.select(five, invocation(new Object[]{new int[]{k, 7}})), lb.select(five, invocation(new Object[]{new int[]{k, 7}})),
                    "an int[] key");
            assertSame(lb.select(five, invocation(new Date(1_000L * k))), lb.select(five, invocation(new Date(1_000L * k))), "a Date");
        }
        assertTrue(used.size() >= 4, "50 distinct baskets spread over the providers, got " + used.size() + " of 5");
        // keys that toString() already told apart keep their provider: their key text is unchanged
        UUID id = UUID.randomUUID();
        assertSame(lb.select(five, invocation(id)), lb.select(five, invocation(id.toString())));
        assertSame(lb.select(five, invocation(LocalDate.of(2024, 2, 29))), lb.select(five, invocation("2024-02-29")));
        assertSame(lb.select(five, invocation(42L)), lb.select(five, invocation("42")));
    }

    @Test
    void aRuntimeKeyWithoutAStableFormFailsTheCallInsteadOfHashingItsIdentity() {
        ConsistentHashLoadBalancer lb = new ConsistentHashLoadBalancer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lb.select(endpoints(3), invocation(new Object())));
        assertTrue(e.getMessage().contains("argument 0") && e.getMessage().contains("java.lang.Object has no stable form"), e.getMessage());
    }

    /** A key type with neither a value form nor a toString() of its own. */
    static final class Opaque {
        final String id;

        Opaque(String id) {
            this.id = id;
        }
    }

    public interface OpaqueKeyService {
        String lookup(Opaque key, String region);
    }

    public interface ObjectKeyService {
        String lookup(Object key);
    }

    public interface NestedOpaqueKeyService {
        String lookup(List<Opaque> keys);
    }

    public interface MarkedKeyService {
        String lookup(Opaque payload, @HashKey String region);
    }

    @Test
    void aKeyTypeWithoutAStableFormIsRefusedWhenTheReferenceIsCreated() {
        try (TernClient consumer = new TernClient(ClientConfig.defaults(), new InMemoryRegistry())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> consumer.refer(Reference.to(OpaqueKeyService.class).loadBalance("consistent-hash")));
            assertMentions(e.getMessage(), OpaqueKeyService.class.getName() + ".lookup(Opaque, String)", "parameter 0",
                    Opaque.class.getName() + " does not override toString()", "@io.tern.rpc.HashKey", "rpc.consumer.hash-arguments=0");
            assertMentions(assertThrows(IllegalArgumentException.class,
                            () -> consumer.refer(Reference.to(ObjectKeyService.class).loadBalance("consistent-hash"))).getMessage(),
                    "ObjectKeyService.lookup(Object)", "Object says nothing");
            assertMentions(assertThrows(IllegalArgumentException.class,
                            () -> consumer.refer(Reference.to(NestedOpaqueKeyService.class).loadBalance("consistent-hash"))).getMessage(),
                    "its elements", Opaque.class.getName());
            assertTrue(consumer.directories().isEmpty(), "a refused reference leaves no provider list subscribed");

            // the remedies the message names are accepted
            consumer.refer(Reference.to(MarkedKeyService.class).loadBalance("consistent-hash"));
            consumer.refer(Reference.to(OpaqueKeyService.class).loadBalance("consistent-hash").hashArguments(1));
            consumer.refer(Reference.to(OpaqueKeyService.class).loadBalancer(ConsistentHashLoadBalancer.keyedBy(args -> ((Opaque) args[0]).id)));
            consumer.refer(Reference.to(OpaqueKeyService.class).loadBalance("p2c")); // other balancers have no key
            assertEquals(4, consumer.directories().size());
        }
    }

    @Test
    void aRetryWalksTheRingPastTheTriedProvidersWithoutRebuildingIt() {
        ConsistentHashLoadBalancer lb = new ConsistentHashLoadBalancer();
        List<Endpoint> five = endpoints(5);
        for (int k = 0; k < 500; k++) {
            Invocation call = invocation("key-" + k);
            Endpoint first = lb.select(five, call, List.of());
            Endpoint second = lb.select(five, call, List.of(first));
            List<Endpoint> withoutFirst = new ArrayList<>(five);
            withoutFirst.remove(first);
            assertSame(new ConsistentHashLoadBalancer().select(withoutFirst, call), second,
                    "the retry goes where the key would go if the tried provider had left: the next one clockwise");
            Endpoint third = lb.select(five, call, List.of(first, second));
            withoutFirst.remove(second);
            assertSame(new ConsistentHashLoadBalancer().select(withoutFirst, call), third);
            assertSame(first, lb.select(five, call, five), "every provider tried: the key's own provider again");
        }
        assertEquals(1, lb.ringBuilds(), "one ring for one provider list, whatever the retries");
        List<Endpoint> four = five.subList(0, 4);
        lb.select(four, invocation("x"));
        lb.select(new ArrayList<>(four), invocation("y"));
        assertEquals(2, lb.ringBuilds(), "rebuilt once when the list changes, not per call");
    }

    // ---- end to end: real providers, an in-memory registry ----

    public interface AffinityService {
        /** The name of the provider that served it; the key is the user, not the request number. */
        @Idempotent
        String serve(int requestNumber, @HashKey String user);

        /** No annotation: keyed by the reference's hash arguments. */
        @Idempotent
        String serveUnmarked(int requestNumber, String user);

        /** Keyed by the default, the first argument; counts the retries it serves. */
        @Idempotent
        String serveFirst(String user, int requestNumber);
    }

    static final class NamedProvider implements AffinityService {
        final String name;
        final AtomicInteger retriesServed = new AtomicInteger();

        NamedProvider(String name) {
            this.name = name;
        }

        @Override
        public String serve(int requestNumber, String user) {
            return name;
        }

        @Override
        public String serveUnmarked(int requestNumber, String user) {
            return name;
        }

        @Override
        public String serveFirst(String user, int requestNumber) {
            RpcContext ctx = RpcContext.current();
            if (ctx != null && !"0".equals(ctx.attachments().getOrDefault(RpcRequest.ATTEMPT, "0"))) {
                retriesServed.incrementAndGet();
            }
            return name;
        }
    }

    @Test
    void theHashKeyAnnotationAndTheHashArgumentsChooseTheKey() {
        String version = "affinity";
        InMemoryRegistry registry = new InMemoryRegistry();
        List<TransportServer> servers = new ArrayList<>();
        try (TernClient consumer = new TernClient(ClientConfig.defaults(), registry)) {
            for (String name : List.of("a", "b", "c")) {
                servers.add(provider(registry, version, new NamedProvider(name)));
            }
            AffinityService byAnnotation = consumer.refer(Reference.to(AffinityService.class).version(version).loadBalance("consistent-hash"));
            AffinityService byIndex = consumer.refer(Reference.to(AffinityService.class).version(version).loadBalance("consistent-hash")
                    .hashArguments(1));
            // a user's home is its place on the ring of all three: wait until every connection is up, or an early
            // call is placed on a smaller ring and the next on the full one
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (consumer.directories().stream().anyMatch(d -> d.available().size() < 3)) {
                assertTrue(System.nanoTime() < deadline, "three providers connected within 10 s");
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // poll every millisecond
            }
            Set<String> providersUsed = new HashSet<>();
            for (int u = 0; u < 30; u++) {
                String user = "user-" + u;
                String home = byAnnotation.serve(0, user);
                providersUsed.add(home);
                for (int request = 1; request < 10; request++) {
                    assertEquals(home, byAnnotation.serve(request, user), user + ", request " + request + ": keyed by @HashKey user");
                    assertEquals(home, byIndex.serveUnmarked(request, user), user + ", request " + request + ": keyed by hash argument 1");
                }
            }
            assertTrue(providersUsed.size() == 3, "30 users spread over the three providers: " + providersUsed);
        } finally {
            servers.forEach(TransportServer::close);
        }
    }

    @Test
    void aRetryAfterAFailedProviderGoesToTheNextOnTheRingAndTheRingIsBuiltOncePerProviderList() {
        String version = "retry-walk";
        InMemoryRegistry registry = new InMemoryRegistry();
        List<TransportServer> servers = new ArrayList<>();
        List<NamedProvider> providers = List.of(new NamedProvider("a"), new NamedProvider("b"), new NamedProvider("c"));
        // listed, connected, but not exporting the service: every attempt there is SERVICE_NOT_FOUND, which never ran
        // and is retried on another provider
        TransportServer wrong = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build()).start();
        servers.add(wrong);
        ProviderInfo wrongInfo = info(version, wrong.port());
        try (TernClient consumer = new TernClient(ClientConfig.defaults(), registry)) {
            for (NamedProvider p : providers) {
                servers.add(provider(registry, version, p));
            }
            registry.register(wrongInfo);
            ConsistentHashLoadBalancer lb = new ConsistentHashLoadBalancer().forService(AffinityService.class);
            AffinityService service = consumer.refer(Reference.to(AffinityService.class).version(version).loadBalancer(lb)
                    .retries(2).retryBudget(1.0, 1_000));
            service.serveFirst("warm-up", 0);
            int builds = lb.ringBuilds();

            Map<String, String> homes = new HashMap<>();
            for (int u = 0; u < 200; u++) {
                String user = "user-" + u;
                String home = service.serveFirst(user, 0);
                homes.put(user, home);
                assertEquals(home, service.serveFirst(user, 1), user + ": a retried key keeps its provider");
            }
            int retried = providers.stream().mapToInt(p -> p.retriesServed.get()).sum();
            assertTrue(retried >= 40, "about a quarter of the 400 calls met the failing provider first and were retried: " + retried);
            assertEquals(builds, lb.ringBuilds(), "the ring is built once per provider list, not per retry");

            // once the failed provider is gone, every key is served where its retries went: the next provider clockwise
            registry.unregister(wrongInfo);
            for (Map.Entry<String, String> home : homes.entrySet()) {
                assertEquals(home.getValue(), service.serveFirst(home.getKey(), 2), home.getKey() + " after the failing provider left");
            }
            assertEquals(builds + 1, lb.ringBuilds(), "one new ring for the new provider list");
        } finally {
            servers.forEach(TransportServer::close);
        }
    }

    private static TransportServer provider(InMemoryRegistry registry, String version, NamedProvider impl) {
        TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).build());
        server.export(ExportedService.of(AffinityService.class, impl, version, "", ExportedService.ExecutionMode.EXECUTOR)).start();
        registry.register(info(version, server.port()));
        return server;
    }

    private static ProviderInfo info(String version, int port) {
        return new ProviderInfo(ServiceKey.of(AffinityService.class.getName(), version, ""), "127.0.0.1", port, 100, "protostuff",
                System.currentTimeMillis() - 60_000, version, "", Map.of());
    }

    private static void assertMentions(String text, String... fragments) {
        for (String f : fragments) {
            assertTrue(text.contains(f), () -> "expected '" + f + "' in: " + text);
        }
    }
}
