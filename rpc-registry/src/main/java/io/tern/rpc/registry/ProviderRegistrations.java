package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The providers this registry publishes: one EPHEMERAL node each, kept by a Curator {@link PersistentNode} so that it
 * comes back by itself after a session expiry. While ZooKeeper answers, a registration creates the node (and, with
 * credentials, checks the tree's ACLs) before it returns, so a refusal fails the call; registrations made while it
 * does not answer have their tree's ACLs checked once it does.
 */
final class ProviderRegistrations {
    // the registry's logger name: operators' log settings (and the ACL tests) name ZooKeeperRegistry
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);

    private final ZooKeeperSession session;
    private final CuratorFramework client;
    private final RegistryAddress address;
    private final RegistryConfig config;
    private final ZooKeeperLayout layout;
    private final TreeAclCheck aclCheck;
    /** True with credentials: the tree's ACLs are checked and tightened. */
    private final boolean secured;
    /** Runs the deferred ACL checks off Curator's event thread; shut down by the registry when it closes. */
    private final ExecutorService background;
    /** Service keys registered while ZooKeeper was unreachable: their tree's ACLs are checked once it answers. */
    private final Set<String> uncheckedServiceKeys = ConcurrentHashMap.newKeySet();
    private final Map<String, ProviderNode> registered = new ConcurrentHashMap<>();

    ProviderRegistrations(ZooKeeperSession session, RegistryAddress address, RegistryConfig config, ZooKeeperLayout layout,
                          TreeAcl treeAcl, ExecutorService background) {
        this.session = session;
        this.client = session.client();
        this.address = address;
        this.config = config;
        this.layout = layout;
        this.aclCheck = new TreeAclCheck(client, address, config, layout, treeAcl);
        this.secured = treeAcl != null;
        this.background = background;
    }

    void register(ProviderInfo provider) {
        String path = layout.providerPath(provider);
        byte[] data = provider.toNodeData().getBytes(StandardCharsets.UTF_8);
        if (session.connected()) {
            try {
                checkBeforeCreate(provider.serviceKey(), path, data);
            } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                     | KeeperException.OperationTimeoutException e) {
                log.warn("ZooKeeper did not answer while registering {} ({}); the node will be created once it does", path, e.toString());
                deferTreeCheck(provider.serviceKey());
            } catch (RegistryException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("interrupted while registering " + path + " at " + address, e);
            } catch (Exception e) {
                throw new RegistryException("cannot register " + path + " at " + address + ": " + e, e);
            }
        } else {
            deferTreeCheck(provider.serviceKey());
        }
        ProviderNode node = new ProviderNode(client, path, data);
        ProviderNode previous = registered.put(path, node);
        if (previous != null) {
            closeQuietly(previous, path);
        }
        node.start();
        try {
            if (!node.waitForInitialCreate(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Registration of {} not confirmed within {} ms; it will be created once ZooKeeper answers", path,
                        config.connectTimeout().toMillis());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Registered {}", path);
    }

    /**
     * Creates the parents (as containers) now and, with credentials, checks and tightens the ACLs, so that ZooKeeper's
     * refusal surfaces here. The provider node itself is left to the {@link PersistentNode} that keeps it: created
     * here too, it would be written twice (Curator sets the data of a node it finds), and every watching consumer
     * would get a second event and read it again. Only where ZooKeeper might refuse that node (its parent's ACL does
     * not grant these credentials, or anyone, create) is it created here first, for the refusal to fail the call.
     */
    private void checkBeforeCreate(String serviceKey, String path, byte[] data) throws Exception {
        String providers = layout.providersPath(serviceKey);
        try {
            createParents(serviceKey);
        } catch (KeeperException.NoAuthException e) {
            throw aclCheck.refused(e.getPath() == null ? providers : e.getPath());
        }
        if (secured) {
            aclCheck.secureTree(serviceKey);
            aclCheck.secureNode(path); // left by our previous session, or planted: the PersistentNode takes it over, with our ACL
        }
        if (!aclCheck.mayCreateUnder(providers)) {
            createNow(path, data);
        }
    }

    private void createNow(String path, byte[] data) throws Exception {
        try {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(path, data);
        } catch (KeeperException.NodeExistsException e) {
            // left by our previous session (it expires soon), or planted: the PersistentNode takes it over
        } catch (KeeperException.NoAuthException e) {
            throw aclCheck.refused(path);
        }
    }

    /** Creates the missing parents of the service's provider nodes as containers, as the PersistentNode would. */
    private void createParents(String serviceKey) throws Exception {
        // Curator re-creates the last node without looking, and ZooKeeper answers NoAuth before NodeExists
        String providers = layout.providersPath(serviceKey);
        if (client.checkExists().forPath(providers) == null) {
            client.createContainers(providers);
        }
    }

    private void deferTreeCheck(String serviceKey) {
        if (secured) {
            uncheckedServiceKeys.add(serviceKey);
        }
    }

    /** On every (re)connection: runs the ACL checks that registrations made while ZooKeeper was unreachable could not. */
    void connected() {
        if (!uncheckedServiceKeys.isEmpty() && !background.isShutdown()) {
            background.execute(this::checkDeferredTrees); // not on Curator's event thread: it blocks on ZooKeeper
        }
    }

    private void checkDeferredTrees() {
        for (String serviceKey : List.copyOf(uncheckedServiceKeys)) {
            try {
                createParents(serviceKey); // the provider's node may not be back yet
                aclCheck.secureTree(serviceKey);
                uncheckedServiceKeys.remove(serviceKey);
            } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
                log.debug("ACL check of {} waits for the next connection: {}", serviceKey, e.toString());
                return;
            } catch (KeeperException.NoAuthException e) {
                uncheckedServiceKeys.remove(serviceKey);
                log.error("Provider of {} cannot be registered: {}", serviceKey, aclCheck.refused(e.getPath()).getMessage());
            } catch (RegistryException e) {
                uncheckedServiceKeys.remove(serviceKey);
                log.error("Provider of {} is registered in a tree that anyone may write: {}", serviceKey, e.getMessage());
            } catch (Exception e) {
                uncheckedServiceKeys.remove(serviceKey);
                log.error("ACL check of the registry tree of {} failed", serviceKey, e);
            }
        }
    }

    void unregister(ProviderInfo provider) {
        String path = layout.providerPath(provider);
        PersistentNode node = registered.remove(path);
        if (node != null) {
            closeQuietly(node, path);
            log.info("Unregistered {}", path);
        }
    }

    /** Withdraws these providers in one step: consumers see them all go together (see {@link ProviderNode}). */
    void unregisterAll(Collection<ProviderInfo> providers) {
        List<ProviderNode> nodes = new ArrayList<>();
        for (ProviderInfo provider : providers) {
            ProviderNode node = registered.remove(layout.providerPath(provider));
            if (node != null) {
                nodes.add(node);
            }
        }
        deleteTogether(nodes);
    }

    /** Deletes every provider node this registry published, in one step. */
    void close() {
        List<ProviderNode> nodes = new ArrayList<>();
        for (String path : List.copyOf(registered.keySet())) {
            ProviderNode node = registered.remove(path);
            if (node != null) {
                nodes.add(node);
            }
        }
        deleteTogether(nodes);
    }

    private void deleteTogether(List<ProviderNode> nodes) {
        if (nodes.isEmpty()) {
            return;
        }
        List<String> paths = new ArrayList<>(nodes.size());
        for (ProviderNode node : nodes) {
            try {
                String path = node.closeForBatch();
                if (path != null) {
                    paths.add(path);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("Could not stop keeping {} cleanly ({}); ZooKeeper removes it when the session ends", node.getActualPath(), e.toString());
            }
        }
        int failed = ProviderNode.deleteTogether(client, paths);
        log.info("Unregistered {} provider node(s) together{}: {}", paths.size() - failed, failed == 0 ? "" : " (" + failed + " left to the session's end)",
                paths.size() <= 10 ? paths : paths.subList(0, 10) + " …");
    }

    private static void closeQuietly(PersistentNode node, String path) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Could not delete {} cleanly ({}); ZooKeeper removes it when the session ends", path, e.toString());
        }
    }
}
