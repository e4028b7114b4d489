package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring alone: owners independent of the list's order, rebuilt only for new endpoints, lookups that allocate nothing. */
class HashRingTest {
    static TransportClient client;

    @BeforeAll
    static void client() {
        // connections to a closed loopback port: the ring never touches them
        client = new TransportClient(ClientConfig.builder().reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static Endpoint endpoint(int port) {
        ProviderInfo info = new ProviderInfo("svc", "127.0.0.1", port, 100, "protostuff", 0, "", "", Map.of());
        return new Endpoint(info, client.connection("127.0.0.1", 9));
    }

    private static List<Endpoint> endpoints(int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int port = 1; port <= n; port++) {
            list.add(endpoint(port));
        }
        return list;
    }

    private static long[] points(int n) {
        Random random = new Random(7);
        long[] points = new long[n];
        for (int i = 0; i < n; i++) {
            points[i] = random.nextLong() & 0xFFFF_FFFFL; // the ring's points are unsigned 32-bit
        }
        return points;
    }

    @Test
    void theOwnerOfAPointDoesNotDependOnTheOrderOfTheList() {
        List<Endpoint> five = endpoints(5);
        List<Endpoint> shuffled = new ArrayList<>(five);
        Collections.shuffle(shuffled, new Random(3));
        assertNotEquals(five, shuffled, "the seed gives another order");
        HashRing inOrder = new HashRing();
        HashRing otherOrder = new HashRing();
        for (long point : points(5_000)) {
            assertSame(inOrder.select(five, point, List.of()), otherOrder.select(shuffled, point, List.of()));
        }
    }

    @Test
    void theRingIsRebuiltForANewEndpointNotForAnotherOrderOfTheSameOnes() {
        List<Endpoint> three = List.of(endpoint(1), endpoint(2), endpoint(3));
        HashRing ring = new HashRing();
        ring.select(three, 1, List.of());
        ring.select(List.of(three.get(2), three.get(0), three.get(1)), 2, List.of());
        assertEquals(1, ring.builds(), "the same endpoints in another order: the same ring");
        ring.select(List.of(three.get(0), three.get(1), endpoint(3)), 3, List.of());
        assertEquals(2, ring.builds(), "a new endpoint for the same address (its registry data changed): a new ring");
    }

    @Test
    void aLookupAllocatesNothing() {
        List<Endpoint> five = endpoints(5);
        List<Endpoint> tried = new ArrayList<>(List.of(five.get(0), five.get(3)));
        HashRing ring = new HashRing();
        long[] points = points(10_000);
        int toTheSecond = 0;
        for (int round = 0; round < 3; round++) { // the first round builds the ring and warms the path up
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            for (long point : points) {
                if (ring.select(five, point, List.of()) == five.get(1)) {
                    toTheSecond++;
                }
                if (ring.select(five, point, tried) == five.get(1)) {
                    toTheSecond++;
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round > 0) {
                // 20,000 lookups: a single object per lookup would be hundreds of kilobytes
                assertTrue(allocated < 4_096, "allocated " + allocated + " bytes in 20,000 lookups");
            }
        }
        assertTrue(toTheSecond > 0, "the lookups ran");
        assertEquals(1, ring.builds());
    }
}
