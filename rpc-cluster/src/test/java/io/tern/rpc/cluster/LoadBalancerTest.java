package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Distribution and steering properties of each balancer, on endpoints whose connections are never used. */
class LoadBalancerTest {
    static TransportClient client;

    @BeforeAll
    static void client() {
        // connections to a closed loopback port: the balancers never touch them
        client = new TransportClient(ClientConfig.builder().reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static Endpoint endpoint(int port, int weight) {
        return endpoint(port, weight, 0);
    }

    static Endpoint endpoint(int port, int weight, long startedAtMillis) {
        ProviderInfo info = new ProviderInfo("svc", "127.0.0.1", port, weight, "protostuff", startedAtMillis, "", "", Map.of());
        return new Endpoint(info, client.connection("127.0.0.1", 9));
    }

    static Invocation invocation(Object... args) {
        return new Invocation(new RpcRequest("svc", "m", new String[0], args, Map.of()), null, true, System.nanoTime() + 1_000_000_000L);
    }

    static Map<Endpoint, Integer> count(LoadBalancer lb, List<Endpoint> eps, int picks) {
        Map<Endpoint, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(lb.select(eps, invocation(i)), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void randomFollowsWeights() {
        List<Endpoint> eps = List.of(endpoint(1, 100), endpoint(2, 200), endpoint(3, 300));
        Map<Endpoint, Integer> c = count(new RandomLoadBalancer(), eps, 60_000);
        assertShare(c, eps.get(0), 60_000, 1 / 6.0, 0.02);
        assertShare(c, eps.get(1), 60_000, 2 / 6.0, 0.02);
        assertShare(c, eps.get(2), 60_000, 3 / 6.0, 0.02);
    }

    @Test
    void smoothRoundRobinIsExactAndSpreadOut() {
        Endpoint a = endpoint(1, 5);
        Endpoint b = endpoint(2, 1);
        Endpoint c = endpoint(3, 1);
        LoadBalancer lb = new SmoothWeightedRoundRobin(0);
        List<Endpoint> eps = List.of(a, b, c);
        List<Endpoint> seq = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seq.add(lb.select(eps, invocation()));
        }
        assertEquals(List.of(a, a, b, a, c, a, a), seq, "nginx's smooth sequence for weights 5,1,1");
        Map<Endpoint, Integer> counts = count(lb, eps, 700);
        assertEquals(500, counts.get(a));
        assertEquals(100, counts.get(b));
        assertEquals(100, counts.get(c));
    }

    @Test
    void leastActiveAvoidsTheBusyEndpointAndBreaksTiesByWeight() {
        Endpoint busy = endpoint(1, 100);
        Endpoint x = endpoint(2, 100);
        Endpoint y = endpoint(3, 300);
        for (int i = 0; i < 5; i++) {
            busy.started();
        }
        Map<Endpoint, Integer> c = count(new LeastActiveLoadBalancer(0), List.of(busy, x, y), 20_000);
        assertEquals(null, c.get(busy), "the endpoint with calls in flight gets none");
        assertShare(c, y, 20_000, 0.75, 0.03);
    }

    @Test
    void consistentHashMovesOnlyTheKeysOfTheDepartedNode() {
        List<Endpoint> five = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            five.add(endpoint(i, 100));
        }
        ConsistentHashLoadBalancer lb = new ConsistentHashLoadBalancer();
        int keys = 20_000;
        Map<Integer, Endpoint> before = new HashMap<>();
        Map<Endpoint, Integer> load = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            Endpoint e = lb.select(five, invocation("user-" + k));
            before.put(k, e);
            load.merge(e, 1, Integer::sum);
        }
        for (Endpoint e : five) {
            assertShare(load, e, keys, 0.2, 0.07);
        }
        Endpoint gone = five.get(2);
        List<Endpoint> four = new ArrayList<>(five);
        four.remove(gone);
        int moved = 0;
        for (int k = 0; k < keys; k++) {
            Endpoint now = lb.select(four, invocation("user-" + k));
            if (now != before.get(k)) {
                moved++;
                assertEquals(gone, before.get(k), "only keys of the departed node move");
            }
        }
        double fraction = moved / (double) keys;
        assertTrue(Math.abs(fraction - 0.2) < 0.07, "moved " + fraction + " of keys, expected about 1/5");
        assertEquals(lb.select(four, invocation("same")), lb.select(four, invocation("same")), "same key, same node");
    }

    @Test
    void p2cSteersAwayFromASlowEndpoint() {
        Endpoint slow = endpoint(1, 100);
        Endpoint fast1 = endpoint(2, 100);
        Endpoint fast2 = endpoint(3, 100);
        slow.started();
        slow.finished(200_000_000L); // one 200 ms answer
        for (Endpoint f : List.of(fast1, fast2)) {
            f.started();
            f.finished(1_000_000L);
        }
        Map<Endpoint, Integer> c = count(new PeakEwmaP2C(0), List.of(slow, fast1, fast2), 30_000);
        assertEquals(null, c.get(slow), "a provider whose latency estimate is 200x higher is never the cheaper of two");
        // each fast endpoint wins at least every pairing with the slow one (a third of all pairs)
        assertTrue(c.get(fast1) >= 30_000 * 0.3 && c.get(fast2) >= 30_000 * 0.3, "fast shares " + c);
    }

    @Test
    void warmUpRampsTheWeightOfANewProvider() {
        long now = System.currentTimeMillis();
        Endpoint fresh = endpoint(1, 100, now - 1_000);
        Endpoint old = endpoint(2, 100, now - 600_000);
        assertTrue(fresh.effectiveWeight(now, 10_000) <= 11, "10% into warm-up: about 10% of the weight");
        assertEquals(100, old.effectiveWeight(now, 10_000));
        assertEquals(100, fresh.effectiveWeight(now, 0), "warm-up disabled");
        Map<Endpoint, Integer> c = count(new RandomLoadBalancer(10_000), List.of(fresh, old), 20_000);
        assertTrue(c.getOrDefault(fresh, 0) < 20_000 * 0.15, "fresh provider share " + c.get(fresh));
    }

    static void assertShare(Map<Endpoint, Integer> counts, Endpoint e, int total, double expected, double tolerance) {
        double share = counts.getOrDefault(e, 0) / (double) total;
        assertTrue(Math.abs(share - expected) <= tolerance, e + " got " + share + ", expected " + expected + " ± " + tolerance);
    }
}
