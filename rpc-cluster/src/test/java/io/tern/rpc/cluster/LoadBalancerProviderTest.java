package io.tern.rpc.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Balancers by name: built-ins, ServiceLoader-found ones, and the errors for a wrong or doubled name. */
class LoadBalancerProviderTest {

    private static LoadBalancerProvider named(String name) {
        return new LoadBalancerProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public LoadBalancer create(Options options) {
                return (candidates, invocation) -> candidates.get(0);
            }
        };
    }

    @Test
    void aNameTakenTwiceIsRefusedNamingBothProviders() {
        LoadBalancerProvider first = named("p2c");
        LoadBalancerProvider second = named("P2C ");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LoadBalancers.byName(List.of(first, second)));
        assertTrue(e.getMessage().contains("'p2c'") && e.getMessage().contains("already taken"), e.getMessage());
    }

    @Test
    void anUnknownNameListsEveryKnownOneAndHowToAddOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadBalancers.byName("fastest", 0));
        assertTrue(e.getMessage().contains("rpc.consumer.load-balance): use random, round-robin, least-active, consistent-hash, p2c or first-listed,")
                && e.getMessage().contains("LoadBalancerProvider"), e.getMessage());
    }

    @Test
    void aServiceLoaderProviderIsChosenByItsName() {
        assertTrue(LoadBalancers.names().containsAll(List.of("random", "round-robin", "least-active", "consistent-hash", "p2c", "first-listed")),
                LoadBalancers.names().toString());
        assertEquals("io.tern.rpc.examples.FirstListedBalancer", LoadBalancers.byName("first-listed", 0).getClass().getName());
    }
}
