package io.tern.rpc.spring;

import io.tern.rpc.cluster.ConsistentHashLoadBalancer;
import io.tern.rpc.spring.testapp.GreetingService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static io.tern.rpc.spring.Apps.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The one mapping of the rpc.consumer.* defaults onto a Reference, without Spring: a value refused as a property
 * names the property, the same value as a reference's own setting names that attribute.
 */
class ReferenceDefaultsTest {
    private static final String WHERE = "@RpcReference on Checkout.greetings";

    private static ReferenceDefaults defaults(Consumer<RpcProperties> configure) {
        RpcProperties p = new RpcProperties();
        configure.accept(p);
        return p.settings().consumer().references();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cluster       | failsafe | rpc.consumer.cluster        | failover or failfast",
            "retries       | -2       | rpc.consumer.retries        | >= 0",
            "loadBalance   | fastest  | rpc.consumer.load-balance   | p2c",
            "backupRequest | p10      | rpc.consumer.backup-request | p95",
            "serialization | json     | rpc.serialization           | protostuff or kryo",
            "compression   | zip      | rpc.compression             | none or gzip",
            "timeout       | 0s       | rpc.consumer.timeout        | > 0",
    })
    void aRefusedValueNamesTheAttributeThatSetItOrElseTheProperty(String attribute, String value, String property, String accepted) {
        ReferenceSettings own = switch (attribute) {
            case "cluster" -> ReferenceSettings.defaults().cluster(value);
            case "retries" -> ReferenceSettings.defaults().retries(Integer.parseInt(value));
            case "loadBalance" -> ReferenceSettings.defaults().loadBalance(value);
            case "backupRequest" -> ReferenceSettings.defaults().backupRequest(value);
            case "serialization" -> ReferenceSettings.defaults().serialization(value);
            case "compression" -> ReferenceSettings.defaults().compression(value);
            default -> ReferenceSettings.defaults().timeout(value);
        };
        RpcConfigurationException asAttribute = assertThrows(RpcConfigurationException.class,
                () -> defaults(p -> { }).resolve(GreetingService.class, own, WHERE));
        assertEquals(WHERE + " " + attribute, asAttribute.setting());
        assertMentions(asAttribute.getMessage(), WHERE + ": " + attribute + " = \"" + value + "\" is invalid", accepted);

        RpcConfigurationException asProperty = assertThrows(RpcConfigurationException.class, () -> defaults(p -> {
            RpcConsumerProperties c = p.getConsumer();
            switch (attribute) {
                case "cluster" -> c.setCluster(value);
                case "retries" -> c.setRetries(Integer.parseInt(value));
                case "loadBalance" -> c.setLoadBalance(value);
                case "backupRequest" -> c.setBackupRequest(value);
                case "serialization" -> p.setSerialization(value);
                case "compression" -> p.setCompression(value);
                default -> c.setTimeout(Duration.ZERO);
            }
        }));
        assertEquals(property, asProperty.setting());
        assertMentions(asProperty.getMessage(), property, accepted);
    }

    @Test
    void aReferenceTakesEveryDefaultItDoesNotSetAndItsOwnSettingsOverThem() {
        ReferenceDefaults d = defaults(p -> {
            p.setSerialization(" Kryo ");
            p.getConsumer().setTimeout(Duration.ofMillis(700));
            p.getConsumer().setCluster("failfast");
            p.getConsumer().setLoadBalance("round-robin");
        });
        assertEquals(new RpcReferences.Key(GreetingService.class, "", "", Duration.ofMillis(700), "round-robin", "failfast", 2, "off",
                "kryo", "none", false), d.resolve(GreetingService.class, ReferenceSettings.defaults(), WHERE));
        assertEquals(new RpcReferences.Key(GreetingService.class, "1.0", "", Duration.ofMillis(250), "random", "failover", 0, "p95",
                "protostuff", "gzip", true), d.resolve(GreetingService.class, ReferenceSettings.defaults().version("1.0").timeout("250ms")
                .loadBalance("random").cluster("failover").retries(0).backupRequest("p95").serialization("protostuff").compression("gzip")
                .idempotent(true), WHERE));
    }

    /** Looked up by a record (a stable key) at index 1, by a type with no stable form at index 0. */
    public interface Lookup {
        String find(Opaque identityOnly, Name name);
    }

    /** No toString() of its own: only its identity could be hashed. */
    public static class Opaque {
    }

    public record Name(String value) {
    }

    @Test
    void propertyOnlyDefaultsReachEveryReferenceThroughTheSameMapping() {
        ReferenceSettings consistentHash = ReferenceSettings.defaults().loadBalance("consistent-hash");
        RpcConfigurationException byFirstArgument = assertThrows(RpcConfigurationException.class,
                () -> defaults(p -> { }).resolve(Lookup.class, consistentHash, WHERE));
        assertEquals(WHERE + " loadBalance", byFirstArgument.setting());
        assertMentions(byFirstArgument.getMessage(), "Lookup.find", "by parameter 0");

        // rpc.consumer.hash-arguments has no attribute: the property moves the key to the record, and the check passes
        ReferenceDefaults bySecond = defaults(p -> p.getConsumer().setHashArguments(List.of(1)));
        assertEquals("consistent-hash", bySecond.resolve(Lookup.class, consistentHash, WHERE).loadBalance());
        assertInstanceOf(ConsistentHashLoadBalancer.class,
                bySecond.reference(Lookup.class, bySecond.resolve(Lookup.class, consistentHash, WHERE)).balancer());
    }

    @Test
    void theSettingsAreASnapshotOfThePropertiesWhenTheyWereValidated() {
        RpcProperties p = new RpcProperties();
        p.getConsumer().setRetries(4);
        RpcSettings settings = p.settings();
        p.getConsumer().setRetries(-1); // a later change neither reaches nor invalidates what was validated
        assertEquals(4, settings.consumer().references().resolve(GreetingService.class, ReferenceSettings.defaults(), WHERE).retries());
        assertThrows(RpcConfigurationException.class, p::validate);
    }
}
