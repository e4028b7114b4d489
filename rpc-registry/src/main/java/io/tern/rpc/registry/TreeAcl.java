package io.tern.rpc.registry;

import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * The ACL of every node of the registry tree when there are digest credentials: the digest identity of those
 * credentials may do anything, anyone may read. Also how ACLs are compared and shown in messages.
 */
final class TreeAcl {
    private final List<ACL> entries;

    private TreeAcl(List<ACL> entries) {
        this.entries = entries;
    }

    static TreeAcl forCredentials(String username, String password) {
        String digestId;
        try {
            digestId = DigestAuthenticationProvider.generateDigest(username + ":" + password);
        } catch (NoSuchAlgorithmException e) {
            throw new RegistryException("cannot compute the ZooKeeper digest of rpc.registry.username/rpc.registry.password: " + e.getMessage(), e);
        }
        // not List.of: ZooKeeper checks acl.contains(null), which List.of answers with a NullPointerException
        return new TreeAcl(Collections.unmodifiableList(Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("digest", digestId)),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))));
    }

    List<ACL> entries() {
        return entries;
    }

    /** True when {@code acl} is this one, in any order. */
    boolean isOn(List<ACL> acl) {
        return new HashSet<>(acl).equals(new HashSet<>(entries));
    }

    /** This ACL for nodes at or below the registry root; nodes above it (not ours) stay open, as Curator makes them. */
    ACLProvider provider(ZooKeeperLayout layout) {
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return ZooDefs.Ids.OPEN_ACL_UNSAFE;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return layout.inTree(path) ? entries : ZooDefs.Ids.OPEN_ACL_UNSAFE;
            }
        };
    }

    /**
     * True when ZooKeeper cannot refuse a new child under a node with {@code acl}: anyone may create there, or, with
     * credentials ({@code ours} not null), their digest identity may. False means it may refuse, or that this cannot tell.
     */
    static boolean grantsCreate(List<ACL> acl, TreeAcl ours) {
        for (ACL entry : acl) {
            if ((entry.getPerms() & ZooDefs.Perms.CREATE) == 0) {
                continue;
            }
            if (ZooDefs.Ids.ANYONE_ID_UNSAFE.equals(entry.getId())) {
                return true;
            }
            if (ours != null && "digest".equals(entry.getId().getScheme())
                    && ours.entries.stream().anyMatch(e -> e.getId().equals(entry.getId()))) {
                return true;
            }
        }
        return false;
    }

    static boolean anyoneMayWrite(List<ACL> acl) {
        for (ACL entry : acl) {
            if (ZooDefs.Ids.ANYONE_ID_UNSAFE.equals(entry.getId()) && (entry.getPerms() & ~ZooDefs.Perms.READ) != 0) {
                return true;
            }
        }
        return false;
    }

    /** An ACL as zkCli writes it, digest hashes left out: {@code digest:alice:cdrwa, world:anyone:r}. */
    static String describe(List<ACL> acl) {
        StringBuilder sb = new StringBuilder("[");
        for (ACL entry : acl) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            String id = entry.getId().getId();
            if ("digest".equals(entry.getId().getScheme()) && id.indexOf(':') >= 0) {
                id = id.substring(0, id.indexOf(':'));
            }
            sb.append(entry.getId().getScheme()).append(':').append(id).append(':');
            int perms = entry.getPerms();
            appendIf(sb, perms, ZooDefs.Perms.CREATE, 'c');
            appendIf(sb, perms, ZooDefs.Perms.DELETE, 'd');
            appendIf(sb, perms, ZooDefs.Perms.READ, 'r');
            appendIf(sb, perms, ZooDefs.Perms.WRITE, 'w');
            appendIf(sb, perms, ZooDefs.Perms.ADMIN, 'a');
        }
        return sb.append(']').toString();
    }

    private static void appendIf(StringBuilder sb, int perms, int perm, char letter) {
        if ((perms & perm) != 0) {
            sb.append(letter);
        }
    }
}
