package io.tern.rpc.spring;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.core.io.UrlResource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The names the unknown-property check knows are those Boot binds: the same as the configuration metadata the
 * starter ships (generated from the same classes), and a superset of the README's property table. Did-you-mean picks
 * what a user meant.
 */
class PropertyNamesTest {
    private static final RpcPropertyNames KNOWN = UnknownRpcProperties.KNOWN;

    @Test
    void theKnownNamesAreTheRpcPropertiesOfTheGeneratedConfigurationMetadata() throws IOException {
        String json = null;
        // every Boot jar has one too: the starter's is the one describing rpc.serialization
        for (java.net.URL url : java.util.Collections.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            String content = new UrlResource(url).getContentAsString(StandardCharsets.UTF_8);
            if (content.contains("\"rpc.serialization\"")) {
                json = content;
            }
        }
        assertTrue(json != null, "the starter's generated configuration metadata is on the class path");
        TreeSet<String> metadata = new TreeSet<>();
        for (Object p : (List<?>) JsonParserFactory.getJsonParser().parseMap(json).get("properties")) {
            String name = (String) ((Map<?, ?>) p).get("name");
            if (name.startsWith("rpc.")) {
                metadata.add(name);
            }
        }
        assertEquals(metadata, new TreeSet<>(KNOWN.names()));
        assertTrue(metadata.contains("rpc.consumer.failure-detector.min-std-dev") && metadata.contains("rpc.fail-on-unknown-properties"), metadata::toString);
    }

    /** The README's table writes several properties in one cell: {@code rpc.a.b} / {@code c} (a sibling) / {@code -max} (a suffix). */
    @Test
    void everyPropertyOfTheReadmeTableIsKnown() throws IOException {
        List<String> documented = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("| property | default | meaning |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && line.startsWith("| `rpc.")) {
                documented.addAll(expand(line.split("\\|")[1]));
            }
        }
        assertTrue(documented.size() > 60, () -> "the table was not found or is short: " + documented);
        for (String name : documented) {
            assertTrue(KNOWN.names().contains(name), () -> "the README documents " + name + ", which the starter does not bind");
        }
    }

    private static List<String> expand(String cell) {
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
        List<String> names = new ArrayList<>();
        String first = null;
        while (m.find()) {
            String item = m.group(1);
            if (first == null || item.startsWith("rpc.")) {
                first = item;
                names.add(item);
            } else if (item.startsWith("-")) {
                names.add(first.substring(0, first.lastIndexOf('-')) + item);
            } else {
                names.add(first.substring(0, first.lastIndexOf('.') + 1) + item);
            }
        }
        return names;
    }

    @Test
    void sectionsAndMapOrListElementsAreKnownOtherNamesAreNot() {
        assertTrue(KNOWN.isKnown(ConfigurationPropertyName.of("rpc.consumer")), "an empty YAML section");
        assertTrue(KNOWN.isKnown(ConfigurationPropertyName.of("rpc.consumer.hash-arguments[2]")));
        assertTrue(KNOWN.isKnown(ConfigurationPropertyName.adapt("rpc.consumer.retryBudgetRatio", '.')));
        assertTrue(KNOWN.isKnown(ConfigurationPropertyName.adapt("rpc.consumer.retry_budget_ratio", '.')));
        assertFalse(KNOWN.isKnown(ConfigurationPropertyName.of("rpc.consumer.timeout.extra")));
        assertFalse(KNOWN.isKnown(ConfigurationPropertyName.of("rpc.environment")));
        RpcPropertyNames withMap = RpcPropertyNames.of(WithMap.class, "x");
        assertTrue(withMap.isKnown(ConfigurationPropertyName.of("x.references.orders.timeout")), "any key under a map");
        assertEquals(List.of("x.name", "x.references"), withMap.names());
    }

    public static class WithMap {
        private String name;
        private final Map<String, String> references = new java.util.HashMap<>();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public Map<String, String> getReferences() { return references; }
    }

    @Test
    void didYouMeanFindsTyposSwapsMovedAndIncompleteNames() {
        PropertySuggestions s = new PropertySuggestions(KNOWN.names());
        assertEquals(List.of("rpc.consumer.timeout"), s.closest("rpc.consumer.timout"));
        assertEquals(List.of("rpc.consumer.timeout"), s.closest("rpc.consumer.tiemout"));
        assertEquals(List.of("rpc.consumer.retries"), s.closest("rpc.consumr.retries"));
        assertEquals(List.of("rpc.consumer.load-balance"), s.closest("rpc.consumer.loadbalancer"));
        assertEquals(List.of("rpc.server.port"), s.closest("rpc.port"));
        assertEquals(List.of("rpc.consumer.timeout"), s.closest("rpc.timeout"));
        assertEquals(List.of("rpc.consumer.retry-budget-ratio", "rpc.consumer.retry-budget-min-per-second"), s.closest("rpc.consumer.retry-budget"));
        assertEquals(List.of("rpc.consumer.load-balance"), s.closest("rpc.consumer.load.balance"), "RPC_CONSUMER_LOAD_BALANCE");
        assertEquals(List.of("rpc.fail-on-unknown-properties"), s.closest("rpc.fail.on.unknown.properties"));
        assertEquals(List.of(), s.closest("rpc.frobnicate"));
        assertEquals(List.of(), s.closest("rpc.url"));
        assertEquals(1, PropertySuggestions.distance("timeout", "tiemout"));
        assertEquals("a, b or c", PropertySuggestions.either(List.of("a", "b", "c")));
    }
}
