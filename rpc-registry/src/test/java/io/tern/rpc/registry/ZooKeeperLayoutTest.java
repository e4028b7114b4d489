package io.tern.rpc.registry;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SPEC §3 paths, under the default root, another root and ZooKeeper's own "/". */
class ZooKeeperLayoutTest {
    static final String KEY = "io.tern.demo.HelloService:2.0@blue";
    static final ProviderInfo PROVIDER = new ProviderInfo(KEY, "10.0.0.7", 7070, 100, "protostuff", 1L, "2.0", "blue", Map.of());

    @Test
    void pathsFollowSpecSection3() {
        ZooKeeperLayout tern = new ZooKeeperLayout("/tern");
        assertTrue(tern.hasOwnRoot());
        assertEquals("/tern/" + KEY, tern.servicePath(KEY));
        assertEquals("/tern/" + KEY + "/providers", tern.providersPath(KEY));
        assertEquals("/tern/" + KEY + "/providers/10.0.0.7:7070", tern.providerPath(PROVIDER));
        assertEquals("/a/b/" + KEY + "/providers", new ZooKeeperLayout("/a/b").providersPath(KEY));
    }

    @Test
    void aRootOfSlashHasNoNodeOfItsOwnAndNoDoubleSlash() {
        ZooKeeperLayout top = new ZooKeeperLayout("/");
        assertFalse(top.hasOwnRoot());
        assertEquals("/" + KEY + "/providers/10.0.0.7:7070", top.providerPath(PROVIDER));
        assertTrue(top.inTree("/zookeeper"), "with root '/', every node is the registry's");
    }

    @Test
    void theTreeIsTheRootAndWhatIsBelowItOnly() {
        ZooKeeperLayout tern = new ZooKeeperLayout("/tern");
        assertTrue(tern.inTree("/tern"));
        assertTrue(tern.inTree("/tern/" + KEY + "/providers"));
        assertFalse(tern.inTree("/"), "ZooKeeper's root is not ours");
        assertFalse(tern.inTree("/ternary"), "a sibling sharing the prefix is not ours");
        assertFalse(tern.inTree("/other/tern"));
    }

    @Test
    void providerNodesAreTheDirectChildrenOfTheProvidersNode() {
        String providers = new ZooKeeperLayout("/tern").providersPath(KEY);
        assertEquals("10.0.0.7:7070", ZooKeeperLayout.providerNodeName(providers, providers + "/10.0.0.7:7070"));
        assertNull(ZooKeeperLayout.providerNodeName(providers, providers), "the providers node itself");
        assertNull(ZooKeeperLayout.providerNodeName(providers, providers + "/10.0.0.7:7070/extra"), "a grandchild");
        assertNull(ZooKeeperLayout.providerNodeName(providers, providers + "x/10.0.0.7:7070"), "a sibling sharing the prefix");
        assertNull(ZooKeeperLayout.providerNodeName(providers, providers + "/"));
    }
}
