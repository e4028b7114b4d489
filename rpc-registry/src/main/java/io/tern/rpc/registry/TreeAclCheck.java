package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the ACLs of a service's part of the registry tree against the {@link TreeAcl} of these credentials and
 * tightens open nodes; a node that stays writable by anyone fails the registration. Also explains ZooKeeper's NoAuth
 * refusals, with or without credentials, naming the node's owner ACL and the settings to change.
 */
final class TreeAclCheck {
    // the registry's logger name: operators' log settings (and the ACL tests) name ZooKeeperRegistry
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);

    private final CuratorFramework client;
    private final RegistryAddress address;
    private final RegistryConfig config;
    private final ZooKeeperLayout layout;
    /** Null without credentials: then only {@link #refused} is used. */
    private final TreeAcl treeAcl;

    TreeAclCheck(CuratorFramework client, RegistryAddress address, RegistryConfig config, ZooKeeperLayout layout, TreeAcl treeAcl) {
        this.client = client;
        this.address = address;
        this.config = config;
        this.layout = layout;
        this.treeAcl = treeAcl;
    }

    /** Checks (and tightens where needed) the ACLs of the registry root, the service node and its providers node. */
    void secureTree(String serviceKey) throws Exception {
        if (layout.hasOwnRoot()) {
            secureNode(layout.rootPath());
        }
        secureNode(layout.servicePath(serviceKey));
        String providers = layout.providersPath(serviceKey);
        if (secureNode(providers)) {
            warnForeignProviders(providers);
        }
    }

    /**
     * Gives the node the tree ACL unless it has it. Returns true if it was tightened. A node whose ACL these
     * credentials may not change is accepted only if it is closed to writers without credentials.
     */
    boolean secureNode(String path) throws Exception {
        List<ACL> current;
        try {
            current = client.getACL().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return false; // an empty container ZooKeeper removed: it is re-created with the tree ACL
        } catch (KeeperException.NoAuthException e) {
            throw new RegistryException("registry node " + path + " at " + address + " cannot even be read by user '" + config.username()
                    + "' (rpc.registry.username): its owner must grant read, or delete it (zkCli: deleteall " + path + ")", e);
        }
        if (treeAcl.isOn(current)) {
            return false;
        }
        try {
            client.setACL().withACL(treeAcl.entries()).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (KeeperException.NoAuthException e) {
            if (TreeAcl.anyoneMayWrite(current)) {
                throw new RegistryException("registry node " + path + " at " + address + " can be written without credentials (ACL "
                        + TreeAcl.describe(current) + ") and user '" + config.username() + "' (rpc.registry.username) may not change its ACL,"
                        + " so anyone could register a fake provider there. Have its owner (or a ZooKeeper super user) delete it"
                        + " (zkCli: deleteall " + path + ") so that providers with these credentials re-create it closed,"
                        + " or grant user '" + config.username() + "' admin on it", e);
            }
            log.info("Registry node {} keeps the ACL its owner set ({}): user '{}' may not change it, and it is closed to writers"
                    + " without credentials", path, TreeAcl.describe(current), config.username());
            return false;
        }
        log.info("Tightened the ACL of registry node {} from {} to {}: only user '{}' may write it now, anyone may read it", path,
                TreeAcl.describe(current), TreeAcl.describe(treeAcl.entries()), config.username());
        return true;
    }

    /**
     * True when ZooKeeper cannot refuse these credentials (or a client without any) a new node under {@code parent};
     * false when it may, or when its ACL cannot be read to tell.
     */
    boolean mayCreateUnder(String parent) throws Exception {
        try {
            return TreeAcl.grantsCreate(client.getACL().forPath(parent), treeAcl);
        } catch (KeeperException.NoNodeException | KeeperException.NoAuthException e) {
            return false;
        }
    }

    /** After an open providers node was closed: names the nodes under it that others wrote while it was open. */
    private void warnForeignProviders(String providers) throws Exception {
        List<String> foreign = new ArrayList<>();
        for (String child : client.getChildren().forPath(providers)) {
            String childPath = ZKPaths.makePath(providers, child);
            try {
                if (!treeAcl.isOn(client.getACL().forPath(childPath))) {
                    foreign.add(child);
                }
            } catch (KeeperException.NoNodeException gone) {
                // ended meanwhile: nothing to report
            }
        }
        if (!foreign.isEmpty()) {
            log.warn("{} provider node(s) under {} were not written with user '{}' while it was open: {}. They are providers not yet"
                            + " given rpc.registry.username/password, or fakes; delete those that are not yours", foreign.size(), providers,
                    config.username(), foreign.size() <= 10 ? foreign : foreign.subList(0, 10) + " …");
        }
    }

    /** ZooKeeper answered NoAuth for creating {@code path}: explains whose tree it is and what to set. */
    RegistryException refused(String path) {
        String parent = ZKPaths.getPathAndNode(path).getPath();
        String parentAcl;
        try {
            parentAcl = TreeAcl.describe(client.getACL().forPath(parent));
        } catch (Exception e) {
            parentAcl = "unreadable (" + e.getClass().getSimpleName() + ")";
        }
        String who = config.hasCredentials() ? "user '" + config.username() + "' (rpc.registry.username)" : "a client without credentials";
        String what = config.hasCredentials()
                ? "it was written with other credentials: use the rpc.registry.username/rpc.registry.password the registry's providers use,"
                        + " or have its owner (or a ZooKeeper super user) delete it (zkCli: deleteall " + parent + ") so that these"
                        + " credentials re-create it"
                : "the registry is protected: set rpc.registry.username and rpc.registry.password to the credentials its providers use";
        return new RegistryException("ZooKeeper at " + address + " refused to create registry node " + path + " for " + who
                + " (NoAuth): " + parent + " has ACL " + parentAcl + "; " + what);
    }
}
