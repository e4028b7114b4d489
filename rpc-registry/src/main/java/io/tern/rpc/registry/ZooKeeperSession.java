package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Curator session of one registry: builds the client (with credentials, authenticated by digest and writing the
 * {@link TreeAcl} on the registry tree), connects within the connect timeout, follows Curator's connection states
 * and reports them as a {@link RegistryStatus}. Tells the registrations when the connection is back and the
 * subscriptions when the session behind it is a new one.
 */
final class ZooKeeperSession {
    // the registry's logger name: operators' log settings (and the ACL tests) name ZooKeeperRegistry
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);

    private final RegistryAddress address;
    private final RegistryConfig config;
    private final CuratorFramework client;
    /**
     * Where Curator runs its "safe" notifications (CuratorCache's listeners). Curator makes its own otherwise and never
     * shuts it down: its thread outlived close(), and {@code mvn exec:java} waited 15 s for it after a consumer's main.
     */
    private final ExecutorService notifications;
    private final long emptyGraceNanos;
    private volatile Runnable onConnected = () -> { };
    private volatile Runnable onNewSession = () -> { };
    private volatile boolean sessionLost;
    private volatile boolean connected;
    private volatile long connectedSinceNanos;
    private volatile RegistryStatus status;

    /** Builds the client; {@link #connect} starts it. {@code treeAcl} is null without credentials. */
    ZooKeeperSession(RegistryAddress address, RegistryConfig config, ZooKeeperLayout layout, TreeAcl treeAcl) {
        this.address = address;
        this.config = config;
        this.emptyGraceNanos = Math.min(config.sessionTimeout().toNanos(), TimeUnit.SECONDS.toNanos(10));
        this.notifications = notificationExecutor(address);
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(address.connectString())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectTimeout().toMillis())
                .retryPolicy(new ExponentialBackoffRetry((int) config.retryBaseSleep().toMillis(), config.retryMaxRetries()))
                .runSafeService(notifications);
        if (treeAcl != null) {
            builder.authorization("digest", (config.username() + ":" + config.password()).getBytes(StandardCharsets.UTF_8))
                    .aclProvider(treeAcl.provider(layout));
        }
        this.client = builder.build();
    }

    /**
     * One daemon thread, as Curator's own. After {@link #close()} a late notification is dropped (the caches are
     * closed, nobody listens): Curator would otherwise get a RejectedExecutionException on its event thread.
     */
    private static ExecutorService notificationExecutor(RegistryAddress address) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tern-registry-notify");
            t.setDaemon(true);
            return t;
        }, (task, executor) -> log.debug("Registry {} closed: a late ZooKeeper notification is dropped", address));
    }

    CuratorFramework client() {
        return client;
    }

    /**
     * Starts the client and waits for the connection; closes it and fails with a {@link RegistryUnavailableException}
     * when it does not come within the connect timeout. {@code onConnected} runs on every (re)connection, {@code onNewSession} after a
     * reconnection that followed a session expiry; both on Curator's event thread.
     */
    void connect(Runnable onConnected, Runnable onNewSession) {
        this.onConnected = onConnected;
        this.onNewSession = onNewSession;
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
            notifications.shutdown();
            throw new RegistryUnavailableException(address.connectString(), config.connectTimeout());
        }
        connected = true;
        connectedSinceNanos = System.nanoTime() - emptyGraceNanos; // the first list may be empty: nothing was lost
        status = new RegistryStatus(RegistryStatus.State.CONNECTED, Instant.now(), address + ": connected");
        log.info("Connected to ZooKeeper at {} (root {}, session timeout {} ms, {})", address, config.rootPath(),
                config.sessionTimeout().toMillis(), config.hasCredentials() ? "digest user '" + config.username() + "'" : "no credentials");
        if (!config.hasCredentials()) {
            log.warn("Registry nodes under {} at {} have open ACLs: anyone who can reach ZooKeeper can register a provider and receive"
                    + " consumers' calls and tokens; set rpc.registry.username and rpc.registry.password on every provider to prevent it",
                    config.rootPath(), address);
        }
    }

    private void onState(ConnectionState state) {
        updateStatus(state);
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                if (state == ConnectionState.RECONNECTED) {
                    // lists may look empty until providers re-register: an empty one is doubted for a grace period.
                    // Not on CONNECTED (Curator's first connection, once per client): connect() already said no
                    // grace, and this event may arrive after it, which held a consumer's first empty list for 10 s
                    connectedSinceNanos = System.nanoTime();
                }
                connected = true;
                onConnected.run();
                if (state == ConnectionState.RECONNECTED) {
                    log.info("Reconnected to ZooKeeper at {}", address);
                    if (sessionLost) {
                        sessionLost = false;
                        onNewSession.run();
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
        Instant now = Instant.now();
        Instant disconnectedSince = previous != null && previous.isDisconnected() ? previous.since() : now;
        switch (state) {
            case CONNECTED, RECONNECTED -> status = new RegistryStatus(RegistryStatus.State.CONNECTED, now, address + ": connected");
            case SUSPENDED -> status = new RegistryStatus(RegistryStatus.State.SUSPENDED, disconnectedSince,
                    address + ": connection lost (SUSPENDED), the session may still be alive");
            case LOST -> status = new RegistryStatus(RegistryStatus.State.LOST, disconnectedSince,
                    address + ": session expired (LOST) while disconnected; registrations are re-created on reconnect");
            default -> { }
        }
    }

    /** Never blocks: the state Curator last reported. */
    RegistryStatus status() {
        RegistryStatus s = status;
        return s != null ? s : new RegistryStatus(RegistryStatus.State.SUSPENDED, Instant.now(), address + ": connecting");
    }

    boolean connected() {
        return connected;
    }

    /** How long after a (re)connection an empty provider list is still suspect: providers may be re-registering. */
    long emptyGraceNanos() {
        return emptyGraceNanos;
    }

    /** True once the connection has been up for the grace period: an empty list then means no providers. */
    boolean safeToDeliverEmpty() {
        return connected && System.nanoTime() - connectedSinceNanos >= emptyGraceNanos;
    }

    void close() {
        client.close();
        notifications.shutdown(); // queued notifications still run, then its thread ends
        status = new RegistryStatus(RegistryStatus.State.CLOSED, Instant.now(), address + ": closed");
    }
}
