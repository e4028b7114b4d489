package io.tern.rpc.registry;

import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry tree's ACL without a ZooKeeper: what it grants, how it is compared and shown, where Curator applies it. */
class TreeAclTest {
    static final TreeAcl ACL_OF_TERN = TreeAcl.forCredentials("tern", "hunter2");

    @Test
    void theUserMayDoAnythingAndAnyoneMayOnlyRead() {
        List<ACL> entries = ACL_OF_TERN.entries();
        assertEquals(2, entries.size());
        assertEquals("digest", entries.get(0).getId().getScheme());
        assertTrue(entries.get(0).getId().getId().startsWith("tern:"), entries.get(0).getId().getId());
        assertEquals(ZooDefs.Perms.ALL, entries.get(0).getPerms());
        assertEquals(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE), entries.get(1));
        assertFalse(TreeAcl.anyoneMayWrite(entries));
        assertFalse(entries.contains(null), "ZooKeeper asks contains(null): the list must answer, not throw");
        assertThrows(UnsupportedOperationException.class, () -> entries.add(entries.get(1)));
    }

    @Test
    void comparisonIgnoresOrderButNotPermissions() {
        List<ACL> entries = ACL_OF_TERN.entries();
        assertTrue(ACL_OF_TERN.isOn(List.of(entries.get(1), entries.get(0))));
        assertFalse(ACL_OF_TERN.isOn(ZooDefs.Ids.OPEN_ACL_UNSAFE));
        assertFalse(ACL_OF_TERN.isOn(TreeAcl.forCredentials("tern", "other").entries()), "another password is another identity");
    }

    @Test
    void anyPermissionBeyondReadForAnyoneIsWritable() {
        assertTrue(TreeAcl.anyoneMayWrite(ZooDefs.Ids.OPEN_ACL_UNSAFE));
        assertTrue(TreeAcl.anyoneMayWrite(List.of(new ACL(ZooDefs.Perms.CREATE | ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))));
        assertFalse(TreeAcl.anyoneMayWrite(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", "ops:hash")))));
    }

    @Test
    void describedAsZkCliDoesWithoutTheDigestHash() {
        String hash = ACL_OF_TERN.entries().get(0).getId().getId().substring("tern:".length());
        String shown = TreeAcl.describe(ACL_OF_TERN.entries());
        assertEquals("[digest:tern:cdrwa, world:anyone:r]", shown);
        assertFalse(shown.contains(hash));
        assertEquals("[world:anyone:cdrwa]", TreeAcl.describe(ZooDefs.Ids.OPEN_ACL_UNSAFE));
    }

    @Test
    void curatorAppliesItInTheRegistryTreeOnly() {
        var provider = ACL_OF_TERN.provider(new ZooKeeperLayout("/tern"));
        assertSame(ACL_OF_TERN.entries(), provider.getAclForPath("/tern/svc/providers"));
        assertSame(ACL_OF_TERN.entries(), provider.getAclForPath("/tern"));
        assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, provider.getAclForPath("/ternary"));
        assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, provider.getDefaultAcl());
    }
}
