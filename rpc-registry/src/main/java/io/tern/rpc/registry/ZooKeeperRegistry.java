package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Provider addresses in ZooKeeper through Curator (SPEC §3): one EPHEMERAL node per provider at
 * {@code {root}/{serviceKey}/providers/{host}:{port}}. Provider nodes are Curator {@link PersistentNode}s, so they
 * come back by themselves after a session expiry; consumers watch with {@link CuratorCache}, which keeps its data
 * through a connection outage and resynchronises after it.
 *
 * <p>An empty list is never delivered while the connection is down or shortly after it came back (providers are
 * still re-registering then): an outage must not wipe a consumer's provider list.
 *
 * <p>With digest credentials ({@link RegistryConfig#withCredentials}), the client authenticates as that user and every
 * node of the registry tree (root, service, {@code providers} and provider nodes) carries the ACL "this user: all,
 * anyone: read", so consumers read without credentials but only holders of the credentials can register. Existing
 * open nodes are tightened at registration; a node that stays writable by anyone fails the registration.
 */
public final class ZooKeeperRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);

    private final RegistryAddress address;
    private final RegistryConfig config;
    /** "credentials' user: all, anyone: read"; null without credentials (nodes are then open, as ZooKeeper makes them). */
    private final List<ACL> treeAcl;
    private final CuratorFramework client;
    /** Service keys registered while ZooKeeper was unreachable: their tree's ACLs are checked once it answers. */
    private final java.util.Set<String> uncheckedServiceKeys = ConcurrentHashMap.newKeySet();
    private final Map<String, PersistentNode> registered = new ConcurrentHashMap<>();
    private final long emptyGraceNanos;
    private final java.util.concurrent.ScheduledExecutorService recheck = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tern-registry-recheck");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean sessionLost;
    private volatile boolean connected;
    private volatile long connectedSinceNanos;
    private volatile RegistryStatus status;

    public ZooKeeperRegistry(RegistryAddress address, RegistryConfig config) {
        this.address = address;
        this.config = config;
        this.emptyGraceNanos = Math.min(config.sessionTimeout().toNanos(), TimeUnit.SECONDS.toNanos(10));
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(address.connectString())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectTimeout().toMillis())
                .retryPolicy(new ExponentialBackoffRetry((int) config.retryBaseSleep().toMillis(), config.retryMaxRetries()));
        if (config.hasCredentials()) {
            this.treeAcl = digestAcl(config.username(), config.password());
            builder.authorization("digest", (config.username() + ":" + config.password()).getBytes(StandardCharsets.UTF_8))
                    .aclProvider(new TreeAclProvider(config.rootPath(), treeAcl));
        } else {
            this.treeAcl = null;
        }
        this.client = builder.build();
        client.getConnectionStateListenable().addListener((c, state) -> onState(state));
        client.start();
        boolean up;
        try {
            up = client.blockUntilConnected((int) config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            up = false;
        }
        if (!up) {
            client.close();
            throw new RegistryException("cannot connect to ZooKeeper at " + address + " within " + config.connectTimeout().toMillis()
                    + " ms (rpc.registry.connect-timeout): is it running and reachable?");
        }
        connected = true;
        connectedSinceNanos = System.nanoTime() - emptyGraceNanos; // the first list may be empty: nothing was lost
        status = new RegistryStatus(RegistryStatus.State.CONNECTED, java.time.Instant.now(), address + ": connected");
        log.info("Connected to ZooKeeper at {} (root {}, session timeout {} ms, {})", address, config.rootPath(),
                config.sessionTimeout().toMillis(), config.hasCredentials() ? "digest user '" + config.username() + "'" : "no credentials");
        if (!config.hasCredentials()) {
            log.warn("Registry nodes under {} at {} have open ACLs: anyone who can reach ZooKeeper can register a provider and receive"
                    + " consumers' calls and tokens; set rpc.registry.username and rpc.registry.password on every provider to prevent it",
                    config.rootPath(), address);
        }
    }

    /** The ACL of every registry node: the digest identity of these credentials may do anything, anyone may read. */
    static List<ACL> digestAcl(String username, String password) {
        String digestId;
        try {
            digestId = DigestAuthenticationProvider.generateDigest(username + ":" + password);
        } catch (NoSuchAlgorithmException e) {
            throw new RegistryException("cannot compute the ZooKeeper digest of rpc.registry.username/rpc.registry.password: " + e.getMessage(), e);
        }
        // not List.of: ZooKeeper checks acl.contains(null), which List.of answers with a NullPointerException
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("digest", digestId)),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
    }

    /** The digest ACL for nodes at or below the registry root; nodes above it (not ours) stay open, as Curator makes them. */
    private static final class TreeAclProvider implements ACLProvider {
        private final String rootPath;
        private final List<ACL> treeAcl;

        TreeAclProvider(String rootPath, List<ACL> treeAcl) {
            this.rootPath = rootPath;
            this.treeAcl = treeAcl;
        }

        @Override
        public List<ACL> getDefaultAcl() {
            return ZooDefs.Ids.OPEN_ACL_UNSAFE;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            boolean inTree = rootPath.equals("/") || path.equals(rootPath) || path.startsWith(rootPath + "/");
            return inTree ? treeAcl : ZooDefs.Ids.OPEN_ACL_UNSAFE;
        }
    }

    private void onState(ConnectionState state) {
        updateStatus(state);
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                connectedSinceNanos = System.nanoTime();
                connected = true;
                if (!uncheckedServiceKeys.isEmpty() && !recheck.isShutdown()) {
                    recheck.execute(this::checkDeferredTrees); // not on Curator's event thread: it blocks on ZooKeeper
                }
                if (state == ConnectionState.RECONNECTED) {
                    log.info("Reconnected to ZooKeeper at {}", address);
                    if (sessionLost) {
                        // a new session: rebuild every watch from a fresh read instead of trusting caches whose
                        // watches (and, after a data loss, whose root nodes) went away with the old session
                        sessionLost = false;
                        watches.forEach(Watch::restart);
                    }
                }
            }
            case SUSPENDED, LOST -> {
                connected = false;
                if (state == ConnectionState.LOST) {
                    sessionLost = true;
                }
                log.warn("ZooKeeper connection {} ({}): keeping the last known provider lists", state, address);
            }
            default -> { }
        }
    }

    /** Follows Curator's connection states; a disconnection keeps the time it began through a later session expiry. */
    private void updateStatus(ConnectionState state) {
        RegistryStatus previous = status;
        if (previous != null && previous.state() == RegistryStatus.State.CLOSED) {
            return;
        }
        java.time.Instant now = java.time.Instant.now();
        switch (state) {
            case CONNECTED, RECONNECTED -> status = new RegistryStatus(RegistryStatus.State.CONNECTED, now, address + ": connected");
            case SUSPENDED -> status = new RegistryStatus(RegistryStatus.State.SUSPENDED, previous != null && previous.isDisconnected() ? previous.since() : now,
                    address + ": connection lost (SUSPENDED), the session may still be alive");
            case LOST -> status = new RegistryStatus(RegistryStatus.State.LOST, previous != null && previous.isDisconnected() ? previous.since() : now,
                    address + ": session expired (LOST) while disconnected; registrations are re-created on reconnect");
            default -> { }
        }
    }

    /** Never blocks: the state Curator last reported. */
    @Override
    public RegistryStatus status() {
        RegistryStatus s = status;
        return s != null ? s : new RegistryStatus(RegistryStatus.State.SUSPENDED, java.time.Instant.now(), address + ": connecting");
    }

    /** The Curator client, for operations tooling and for tests that inject a session expiry. */
    public CuratorFramework curator() {
        return client;
    }

    public String providersPath(String serviceKey) {
        String root = config.rootPath().equals("/") ? "" : config.rootPath();
        return root + "/" + serviceKey + "/providers";
    }

    /**
     * Publishes the provider. While ZooKeeper answers, the parents and the provider node are created (and, with
     * credentials, their ACLs checked) before this returns, so a refusal fails here with a {@link RegistryException};
     * while it does not, the node is created once it does.
     */
    @Override
    public void register(ProviderInfo provider) {
        String path = providersPath(provider.serviceKey()) + "/" + provider.address();
        byte[] data = provider.toNodeData().getBytes(StandardCharsets.UTF_8);
        if (connected) {
            try {
                createChecked(provider.serviceKey(), path, data);
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
        PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, data);
        PersistentNode previous = registered.put(path, node);
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
     * Creates the parents (as containers) and the ephemeral provider node now, the way the {@link PersistentNode} that
     * then keeps it would, so that ZooKeeper's refusal surfaces here; with credentials, checks and tightens the ACLs.
     */
    private void createChecked(String serviceKey, String path, byte[] data) throws Exception {
        try {
            createParents(serviceKey);
        } catch (KeeperException.NoAuthException e) {
            throw refused(e.getPath() == null ? providersPath(serviceKey) : e.getPath());
        }
        if (treeAcl != null) {
            secureTree(serviceKey);
        }
        try {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(path, data);
        } catch (KeeperException.NodeExistsException e) {
            // left by our previous session (it expires soon), or planted: the PersistentNode takes it over, with our ACL
            if (treeAcl != null) {
                secureNode(path);
            }
        } catch (KeeperException.NoAuthException e) {
            throw refused(path);
        }
    }

    /** Creates the missing parents of the service's provider nodes as containers, as the PersistentNode would. */
    private void createParents(String serviceKey) throws Exception {
        // Curator re-creates the last node without looking, and ZooKeeper answers NoAuth before NodeExists
        if (client.checkExists().forPath(providersPath(serviceKey)) == null) {
            client.createContainers(providersPath(serviceKey));
        }
    }

    /** Checks (and tightens where needed) the ACLs of the registry root, the service node and its providers node. */
    private void secureTree(String serviceKey) throws Exception {
        String service = ZKPaths.getPathAndNode(providersPath(serviceKey)).getPath();
        if (!config.rootPath().equals("/")) {
            secureNode(config.rootPath());
        }
        secureNode(service);
        String providers = providersPath(serviceKey);
        if (secureNode(providers)) {
            warnForeignProviders(providers);
        }
    }

    /**
     * Gives the node the tree ACL unless it has it. Returns true if it was tightened. A node whose ACL these
     * credentials may not change is accepted only if it is closed to writers without credentials.
     */
    private boolean secureNode(String path) throws Exception {
        List<ACL> current;
        try {
            current = client.getACL().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return false; // an empty container ZooKeeper removed: it is re-created with the tree ACL
        } catch (KeeperException.NoAuthException e) {
            throw new RegistryException("registry node " + path + " at " + address + " cannot even be read by user '" + config.username()
                    + "' (rpc.registry.username): its owner must grant read, or delete it (zkCli: deleteall " + path + ")", e);
        }
        if (new HashSet<>(current).equals(new HashSet<>(treeAcl))) {
            return false;
        }
        try {
            client.setACL().withACL(treeAcl).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (KeeperException.NoAuthException e) {
            if (anyoneMayWrite(current)) {
                throw new RegistryException("registry node " + path + " at " + address + " can be written without credentials (ACL "
                        + describe(current) + ") and user '" + config.username() + "' (rpc.registry.username) may not change its ACL,"
                        + " so anyone could register a fake provider there. Have its owner (or a ZooKeeper super user) delete it"
                        + " (zkCli: deleteall " + path + ") so that providers with these credentials re-create it closed,"
                        + " or grant user '" + config.username() + "' admin on it", e);
            }
            log.info("Registry node {} keeps the ACL its owner set ({}): user '{}' may not change it, and it is closed to writers"
                    + " without credentials", path, describe(current), config.username());
            return false;
        }
        log.info("Tightened the ACL of registry node {} from {} to {}: only user '{}' may write it now, anyone may read it", path,
                describe(current), describe(treeAcl), config.username());
        return true;
    }

    /** After an open providers node was closed: names the nodes under it that others wrote while it was open. */
    private void warnForeignProviders(String providers) throws Exception {
        List<String> foreign = new ArrayList<>();
        for (String child : client.getChildren().forPath(providers)) {
            String childPath = ZKPaths.makePath(providers, child);
            try {
                if (!new HashSet<>(client.getACL().forPath(childPath)).equals(new HashSet<>(treeAcl))) {
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
    private RegistryException refused(String path) {
        String parent = ZKPaths.getPathAndNode(path).getPath();
        String parentAcl;
        try {
            parentAcl = describe(client.getACL().forPath(parent));
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

    private void deferTreeCheck(String serviceKey) {
        if (treeAcl != null) {
            uncheckedServiceKeys.add(serviceKey);
        }
    }

    /** Runs the ACL checks that registrations made while ZooKeeper was unreachable could not. */
    private void checkDeferredTrees() {
        for (String serviceKey : List.copyOf(uncheckedServiceKeys)) {
            try {
                createParents(serviceKey); // the provider's node may not be back yet
                secureTree(serviceKey);
                uncheckedServiceKeys.remove(serviceKey);
            } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
                log.debug("ACL check of {} waits for the next connection: {}", serviceKey, e.toString());
                return;
            } catch (KeeperException.NoAuthException e) {
                uncheckedServiceKeys.remove(serviceKey);
                log.error("Provider of {} cannot be registered: {}", serviceKey, refused(e.getPath()).getMessage());
            } catch (RegistryException e) {
                uncheckedServiceKeys.remove(serviceKey);
                log.error("Provider of {} is registered in a tree that anyone may write: {}", serviceKey, e.getMessage());
            } catch (Exception e) {
                uncheckedServiceKeys.remove(serviceKey);
                log.error("ACL check of the registry tree of {} failed", serviceKey, e);
            }
        }
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

    @Override
    public void unregister(ProviderInfo provider) {
        String path = providersPath(provider.serviceKey()) + "/" + provider.address();
        PersistentNode node = registered.remove(path);
        if (node != null) {
            closeQuietly(node, path);
            log.info("Unregistered {}", path);
        }
    }

    private static void closeQuietly(PersistentNode node, String path) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Could not delete {} cleanly ({}); ZooKeeper removes it when the session ends", path, e.toString());
        }
    }

    @Override
    public Subscription subscribe(String serviceKey, ProviderListener listener) {
        Watch watch = new Watch(serviceKey, providersPath(serviceKey), listener);
        watches.add(watch);
        watch.start();
        return () -> {
            watches.remove(watch);
            watch.close();
        };
    }

    @Override
    public String describe(String serviceKey) {
        return address + " at " + providersPath(serviceKey);
    }

    /** True once the connection has been up for the grace period: an empty list then means no providers. */
    boolean safeToDeliverEmpty() {
        return connected && System.nanoTime() - connectedSinceNanos >= emptyGraceNanos;
    }

    @Override
    public void close() {
        for (Map.Entry<String, PersistentNode> e : registered.entrySet()) {
            closeQuietly(e.getValue(), e.getKey());
        }
        registered.clear();
        recheck.shutdownNow();
        client.close();
        status = new RegistryStatus(RegistryStatus.State.CLOSED, java.time.Instant.now(), address + ": closed");
    }

    /** One subscription: turns cache events into complete, de-duplicated provider lists. */
    private final class Watch {
        private final String serviceKey;
        private final String path;
        private final ProviderListener listener;
        private volatile CuratorCache cache;
        private volatile boolean initialized;
        private boolean closed;
        private List<ProviderInfo> last;

        Watch(String serviceKey, String path, ProviderListener listener) {
            this.serviceKey = serviceKey;
            this.path = path;
            this.listener = listener;
        }

        synchronized void start() {
            if (closed) {
                return;
            }
            CuratorCache c = CuratorCache.build(client, path);
            c.listenable().addListener(CuratorCacheListener.builder()
                    .forAll((type, oldData, data) -> changed(c))
                    .forInitialized(() -> initialized(c))
                    .build());
            initialized = false;
            cache = c;
            c.start();
        }

        synchronized void restart() {
            CuratorCache old = cache;
            if (old != null) {
                old.close();
            }
            start(); // the last delivered list stays until the fresh read says otherwise
        }

        synchronized void close() {
            closed = true;
            if (cache != null) {
                cache.close();
            }
        }

        private void initialized(CuratorCache c) {
            if (c == cache) {
                initialized = true;
                changed();
            }
        }

        private void changed(CuratorCache c) {
            if (c == cache) {
                changed();
            }
        }

        synchronized void changed() {
            CuratorCache cache = this.cache;
            if (!initialized || cache == null) {
                return;
            }
            List<ProviderInfo> providers = new ArrayList<>();
            String prefix = path + "/";
            cache.stream().forEach((ChildData d) -> {
                String p = d.getPath();
                if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
                    try {
                        String data = d.getData() == null ? "" : new String(d.getData(), StandardCharsets.UTF_8);
                        providers.add(ProviderInfo.fromNode(serviceKey, p.substring(prefix.length()), data));
                    } catch (RuntimeException e) {
                        log.warn("Ignoring malformed provider node {}: {}", p, e.getMessage());
                    }
                }
            });
            providers.sort(Comparator.comparing(ProviderInfo::address));
            if (providers.equals(last)) {
                return;
            }
            if (providers.isEmpty() && last != null && !last.isEmpty() && !safeToDeliverEmpty()) {
                log.warn("ZooKeeper shows no provider of {} while the connection is down or just came back; keeping the last {} provider(s)",
                        serviceKey, last.size());
                // look again once the connection has been stable long enough for providers to re-register
                recheck.schedule((Runnable) this::changed, TimeUnit.NANOSECONDS.toMillis(emptyGraceNanos) + 100, TimeUnit.MILLISECONDS);
                return;
            }
            last = List.copyOf(providers);
            try {
                listener.onProviders(last);
            } catch (RuntimeException e) {
                log.error("Provider listener for {} failed", serviceKey, e);
            }
        }
    }
}
