package io.tern.rpc.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registries found on the class path: {@code mem://} comes from this module's test META-INF/services. */
class RegistryFactoryTest {
    static final String KEY = "io.tern.demo.HelloService";

    @Test
    void aDiscoveredSchemeIsCreatedThroughRegistries() {
        ProviderInfo provider = new ProviderInfo(KEY, "127.0.0.1", 7070, 100, "protostuff", 1L, "", "", Map.of());
        try (Registry providers = Registries.create(RegistryConfig.of("mem://shop"));
             Registry consumers = Registries.create(RegistryConfig.of("mem://shop"));
             Registry elsewhere = Registries.create(RegistryConfig.of("mem://other"))) {
            assertInstanceOf(MemoryRegistryFactory.MemoryRegistry.class, providers);
            AtomicReference<List<ProviderInfo>> seen = new AtomicReference<>();
            AtomicReference<List<ProviderInfo>> seenElsewhere = new AtomicReference<>();
            consumers.subscribe(KEY, seen::set);
            elsewhere.subscribe(KEY, seenElsewhere::set);
            assertEquals(List.of(), seen.get());

            providers.register(provider);
            assertEquals(List.of(provider), seen.get());
            assertEquals(List.of(), seenElsewhere.get(), "mem://other is another registry");
            assertTrue(consumers.describe(KEY).contains("mem://shop"), consumers.describe(KEY));

            providers.unregister(provider);
            assertEquals(List.of(), seen.get());
        }
    }

    @Test
    void aDiscoveredSchemeReadsItsOwnAddressForm() {
        assertEquals(List.of("shop"), RegistryAddress.parse("mem://shop").hosts());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistryAddress.parse("mem://"));
        assertTrue(e.getMessage().contains("empty entry") && e.getMessage().contains("mem://name"), e.getMessage());
        // the built-ins keep checking host:port
        assertThrows(IllegalArgumentException.class, () -> RegistryAddress.parse("direct://shop"));
    }

    @Test
    void anUnknownSchemeNamesTheKnownOnesAndHowToAddOne() {
        for (String address : new String[]{"etcd://127.0.0.1:2379", "Zookeeper://127.0.0.1:2181"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistryConfig.of(address), address);
            String m = e.getMessage();
            assertTrue(m.contains("unknown scheme '" + address.substring(0, address.indexOf(':')) + "'"), m);
            assertTrue(m.contains("(known: zookeeper, direct, mem)"), m);
            assertTrue(m.contains("zookeeper://host:port[,host:port...], direct://host:port[,host:port...] or mem://name"), m);
            assertTrue(m.contains("rpc.registry.address"), m);
            assertTrue(m.contains("META-INF/services/io.tern.rpc.registry.RegistryFactory"), m);
        }
    }

    @Test
    void twoFactoriesForOneSchemeAreRefusedNamingBoth() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RegistryFactories.index(
                List.of(new ZooKeeperRegistryFactory(), new DirectRegistryFactory(), new MemoryRegistryFactory(), new RivalZooKeeper())));
        assertTrue(e.getMessage().contains("'zookeeper'"), e.getMessage());
        assertTrue(e.getMessage().contains(ZooKeeperRegistryFactory.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(RivalZooKeeper.class.getName()), e.getMessage());

        Map<String, RegistryFactory> fine = RegistryFactories.index(List.of(new ZooKeeperRegistryFactory(), new MemoryRegistryFactory()));
        assertEquals(List.of("zookeeper", "mem"), List.copyOf(fine.keySet()));
    }

    @Test
    void aMalformedSchemeIsRefusedNamingTheFactory() {
        RegistryFactory upper = new RivalZooKeeper() {
            @Override
            public String scheme() {
                return "Etcd";
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RegistryFactories.index(List.of(upper)));
        assertTrue(e.getMessage().contains("'Etcd'") && e.getMessage().contains(upper.getClass().getName()), e.getMessage());
    }

    /** A second factory for the built-in scheme, as a careless plugin might ship. */
    static class RivalZooKeeper implements RegistryFactory {
        @Override
        public String scheme() {
            return "zookeeper";
        }

        @Override
        public Registry create(RegistryAddress address, RegistryConfig config) {
            throw new AssertionError("never created");
        }
    }
}
