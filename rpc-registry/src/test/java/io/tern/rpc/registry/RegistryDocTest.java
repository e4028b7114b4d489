package io.tern.rpc.registry;

import io.tern.rpc.testsupport.DocTables;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example provider node of docs/registry.md is the path and data this registry writes, and reads back. */
class RegistryDocTest {

    @Test
    void exampleNodeIsWhatAProviderRegisters() {
        ProviderInfo info = new ProviderInfo("com.example.Greeter:1.0@blue", "10.0.0.5", 7070, 100, "protostuff",
                1764745200000L, "1.0", "blue", Map.of());
        List<String> node = DocTables.block(DocTables.lines("registry.md"), "example-node");
        assertEquals(2, node.size(), "the example is a path line and a data line");
        assertEquals(new ZooKeeperLayout("/tern").providerPath(info), node.get(0));
        assertEquals(info.toNodeData(), node.get(1));
        assertEquals(info, ProviderInfo.fromNode(info.serviceKey(), "10.0.0.5:7070", node.get(1)));
    }
}
